/**
 * Calls into Parley through a trunk (sipp playing the PSTN side): an INVITE to a tenant's
 * number becomes a request of kind call in the number's queue (its skills, its language as a
 * hint), the caller hears hold audio while queued (sipp echoes it back to us), the agent
 * accepts it, and the caller's hang-up ends the conversation. Numbers that are not the
 * tenant's get 404, sources that are not the trunk get 403. SIP PUBLISH presence changes an
 * agent's state through the router.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Parley } from '../server/app.js'
import { freePort } from '../sip/testing/ports.js'
import { Sipp, stopAllSipp } from '../sip/testing/sipp.js'
import type { RequestView } from '../web/protocol/views.js'
import { AGENT_EMAILS, ask, connectAgent, eventually, login, mediaOverrides, next, nextSession, startTestParley, type AgentSocket } from './support/parley-harness.js'
import { adminFetch, createTrunk, DID, phoneEvents } from './support/phone-harness.js'

let parley: Parley
const sockets: { close(): void }[] = []

beforeAll(async () => {
  parley = await startTestParley(mediaOverrides())
})

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close()
  const { body } = await adminFetch(parley, 'GET', '/api/admin/trunks')
  for (const trunk of body.trunks) await adminFetch(parley, 'DELETE', `/api/admin/trunks/${trunk.id}`)
  await stopAllSipp()
})

afterAll(async () => {
  await parley?.close()
})

async function readyAgent(email = AGENT_EMAILS.anna): Promise<AgentSocket> {
  const agent = connectAgent(parley.url, await login(parley.url, email))
  sockets.push(agent)
  await nextSession.agent(agent)
  await ask(agent, 'agent:set-state', { state: 'ready' })
  return agent
}

async function caller(scenario: string, trunkPort: number, options: Partial<Parameters<typeof Sipp.start>[0]> = {}): Promise<Sipp> {
  return Sipp.start({ scenario, localPort: await freePort(), mediaPort: await freePort({ span: 4, even: true }), remote: `127.0.0.1:${trunkPort}`, service: DID, rtpEcho: true, timeoutSec: 30, ...options })
}

describe('inbound calls', () => {
  it('queues a call to a DID as a call request with the DID\'s skills, plays hold audio, and the agent takes it', async () => {
    const trunk = await createTrunk(parley, { port: 5060, username: null, password: null, dids: [{ number: DID, queue: 'bikes', language: 'de' }] })
    const agent = await readyAgent()
    const offered = next<RequestView>(agent as never, 'request:offered', 15_000)
    const sipp = await caller('uac_inbound.xml', trunk.status.address!.port, { extraArgs: ['-d', '4000'] })
    const offer = await offered
    expect(offer).toMatchObject({ kind: 'call', queue: { slug: 'bikes' }, question: expect.stringContaining(`to ${DID}`) })
    expect(offer.hints).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'language', value: 'de' })]))
    await eventually(async () => expect(await parley.db.phoneCall.count({ where: { requestId: offer.id } })).toBe(1))
    const row = await parley.db.phoneCall.findFirstOrThrow({ where: { requestId: offer.id } })
    expect(row).toMatchObject({ direction: 'inbound', purpose: 'inbound', status: 'queued', did: DID, number: '+15550009999' })
    // the caller hears the hold tone: sipp echoes what we send, and it comes back into the leg
    const leg = parley.services.phone.liveLegs().find((l) => l.id === row.id)!
    await eventually(() => expect(leg.media.getStats().out.packets).toBeGreaterThan(20))
    await eventually(() => expect(leg.media.getStats().in.packets).toBeGreaterThan(20))

    const accepted = await ask(agent, 'request:accept', { requestId: offer.id })
    expect(accepted.ok && accepted.data.channel.call).toMatchObject({ id: row.callId, status: 'active' })
    const channelId = accepted.ok && accepted.data.channel.id
    await eventually(async () => expect((await phoneEvents(parley, channelId)).map((e) => e.type)).toEqual(expect.arrayContaining(['call.started', 'phone.answered'])))
    // the agent's browser joins the room the caller is in (a phone room: PCMU)
    const joined = await ask(agent, 'media:join', { channelId, callId: row.callId })
    expect(joined.ok && joined.data.audioMimeType).toBe('audio/PCMU')

    // the caller hangs up: the conversation ends
    expect((await sipp.result()).code).toBe(0)
    await eventually(async () => expect((await parley.db.channel.findUniqueOrThrow({ where: { id: channelId } })).status).toBe('ended'), 15_000)
    expect((await phoneEvents(parley, channelId)).find((e) => e.type === 'phone.ended')?.payload).toMatchObject({ reason: 'hangup' })
    expect(await parley.db.usageRecord.count({ where: { kind: 'pstn_seconds', participantId: row.id } })).toBe(1)
  })

  it('takes a caller who hangs up while waiting out of the queue', async () => {
    const trunk = await createTrunk(parley, { port: 5060, username: null, password: null, dids: [{ number: DID }] })
    await readyAgent(AGENT_EMAILS.ben).then((agent) => ask(agent, 'agent:set-state', { state: 'not_ready' }))
    const sipp = await caller('uac_inbound.xml', trunk.status.address!.port, { extraArgs: ['-d', '500'] })
    expect((await sipp.result()).code).toBe(0)
    await eventually(async () => {
      const row = await parley.db.phoneCall.findFirstOrThrow({ where: { did: DID }, orderBy: { createdAt: 'desc' } })
      expect(row.status).toBe('ended')
      expect((await parley.db.request.findUniqueOrThrow({ where: { id: row.requestId! } })).status).toBe('cancelled')
    })
    expect(parley.services.queue.waitingIn((await parley.db.tenant.findFirstOrThrow()).id)).toHaveLength(0)
  })

  it('answers unknown numbers with 404 and strangers with 403, without queueing anything', async () => {
    const trunk = await createTrunk(parley, { port: 5060, username: null, password: null, dids: [{ number: DID }] })
    const keys = { ctype: 'application/sdp', codec: '0', codecname: 'PCMU' }
    const unknown = await caller('uac_inbound_refused.xml', trunk.status.address!.port, { service: '+15550000000', keys })
    expect((await unknown.result()).code).toBe(0)
    expect(unknown.logs()).toContain('FINAL 404')

    await adminFetch(parley, 'PUT', `/api/admin/trunks/${trunk.id}`, { name: 'Test trunk', host: '127.0.0.1', port: 5060, callerId: '+15550001111', allowFrom: ['192.0.2.7'], dids: [{ number: DID }] })
    const { body } = await adminFetch(parley, 'GET', '/api/admin/trunks')
    const stranger = await caller('uac_inbound_refused.xml', body.trunks[0].status.address.port, { keys })
    expect((await stranger.result()).code).toBe(0)
    expect(stranger.logs()).toContain('FINAL 403')
    expect(await parley.db.request.count({ where: { kind: 'call', question: { startsWith: 'Phone call' }, status: 'queued' } })).toBe(0)
  })
})

describe('presence by SIP PUBLISH', () => {
  it("moves an agent through the router's states: open → Ready, away → Away, removed → Not ready", async () => {
    const trunk = await createTrunk(parley, { port: 5060, username: null, password: null, allowFrom: ['192.0.2.7'], presenceSecret: 'presence-secret-1' })
    const agent = await readyAgent()
    await ask(agent, 'agent:set-state', { state: 'not_ready' })
    const anna = await parley.db.agent.findFirstOrThrow({ where: { email: AGENT_EMAILS.anna } })
    const since = new Date()
    const sipp = await Sipp.start({
      scenario: 'uac_publish.xml',
      localPort: await freePort(),
      remote: `127.0.0.1:${trunk.status.address!.port}`,
      substitute: { agent7: 'anna', secret7: 'presence-secret-1' },
    })
    expect((await sipp.result()).code).toBe(0)
    expect(sipp.logs()).toContain('MALFORMED REJECTED')
    await eventually(async () => {
      const changes = await parley.db.agentStateChange.findMany({ where: { agentId: anna.id, createdAt: { gte: since } }, orderBy: { createdAt: 'asc' } })
      expect(changes.map((change) => change.state)).toEqual(['ready', 'away', 'not_ready'])
    })
    expect(parley.services.agents.get(anna.id)?.state).toBe('not_ready')
  })

  it('refuses a PUBLISH for an agent without the secret (no presence secret on the trunk: 403)', async () => {
    const trunk = await createTrunk(parley, { port: 5060, username: null, password: null, allowFrom: ['192.0.2.7'] })
    const sipp = await Sipp.start({ scenario: 'uac_publish.xml', localPort: await freePort(), remote: `127.0.0.1:${trunk.status.address!.port}`, substitute: { agent7: 'anna' } })
    const result = await sipp.result()
    expect(result.code).not.toBe(0)
    expect(sipp.messages()).toMatch(/SIP\/2\.0 403/)
  })
})
