/**
 * Phone callbacks through a real trunk (sipp playing the provider): the visitor gives a
 * number and asks to be called, Parley sends the INVITE with digest auth (sipp challenges with
 * 401), the phone leg joins the channel's call, each step is a phone.* channel event, the
 * agent sends DTMF and hangs up, busy / remote hang-up end the call with their reasons,
 * hold and blind transfer (REFER) from the agent, talk time metered as pstn_seconds; bad
 * input gets clear errors.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Parley } from '../server/app.js'
import { stopAllSipp } from '../sip/testing/sipp.js'
import { AGENT_EMAILS, ask, eventually, mediaOverrides, startChat, startTestParley, type AgentSocket, type VisitorSocket } from './support/parley-harness.js'
import { adminFetch, createTrunk, phoneEvents, sippTrunk, VISITOR_NUMBER } from './support/phone-harness.js'

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

async function chat(clientRequestId: string): Promise<{ agent: AgentSocket; visitor: VisitorSocket; channelId: string }> {
  const { agent, visitor, channel } = await startChat(parley, { clientRequestId, agentEmail: AGENT_EMAILS.anna })
  sockets.push(agent, visitor)
  return { agent, visitor, channelId: channel.id }
}

const types = async (channelId: string) => (await phoneEvents(parley, channelId)).map((event) => event.type)

describe('phone callback', () => {
  it('calls the visitor through a trunk that challenges (401), bridges the leg into the call, DTMF both ways, agent hangs up, meters pstn_seconds', async () => {
    const { sipp, port } = await sippTrunk('uas_auth.xml', { keys: { authparams: ', qop="auth"' } })
    await createTrunk(parley, { port })
    const { agent, visitor, channelId } = await chat('cb-1')

    expect(await ask(visitor, 'phone:set', { number: VISITOR_NUMBER, fallback: true })).toMatchObject({ ok: true, data: { phone: { number: VISITOR_NUMBER, fallback: true } } })
    expect(await ask(visitor, 'phone:get', {})).toMatchObject({ ok: true, data: { phone: { number: VISITOR_NUMBER }, available: true } })
    const called = await ask<{ phoneCallId: string }>(visitor, 'phone:call', { channelId })
    expect(called.ok).toBe(true)
    const phoneCallId = (called as { data: { phoneCallId: string } }).data.phoneCallId

    await eventually(async () => expect(await types(channelId)).toEqual(expect.arrayContaining(['phone.dialing', 'call.requested', 'call.started', 'phone.ringing', 'phone.answered'])))
    const events = await phoneEvents(parley, channelId)
    expect(events[0]).toMatchObject({ type: 'phone.dialing', payload: { phoneCallId, purpose: 'callback', number: '+15 ••• ••00' } })
    const call = parley.services.calls.callOf(channelId)!
    expect(call).toMatchObject({ status: 'active' })
    // the phone's RFC 4733 digits (sipp plays 1 and #) reach the channel
    await eventually(async () => expect((await phoneEvents(parley, channelId)).filter((e) => e.type === 'phone.dtmf').map((e) => e.payload.digits)).toEqual(['1', '#']))
    // the leg sits in the call's media room and hears the trunk's RTP
    const room = await parley.services.media.roomOf(call.id)
    expect(room?.phone).toBe(true)
    const leg = (await room!.getStats()).legs.find((l) => l.legId === phoneCallId)
    expect(leg?.in.packets).toBeGreaterThan(0)
    expect(sipp.logs()).toContain('AUTH OK')

    expect(await ask(agent, 'phone:dtmf', { channelId, phoneCallId, digits: '42' })).toEqual({ ok: true, data: { via: 'rfc4733' } })
    expect(await ask(visitor, 'phone:hangup', { channelId, phoneCallId })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await ask(agent, 'phone:hangup', { channelId, phoneCallId })).toEqual({ ok: true, data: {} })
    expect((await sipp.result()).code).toBe(0)
    await eventually(async () => expect(await types(channelId)).toEqual(expect.arrayContaining(['phone.ended', 'call.ended'])))
    const ended = (await phoneEvents(parley, channelId)).find((e) => e.type === 'phone.ended')!
    expect(ended.payload).toMatchObject({ phoneCallId, reason: 'agent_hangup' })
    expect((await phoneEvents(parley, channelId)).find((e) => e.type === 'phone.dtmf' && e.payload.from === 'agent')?.payload.digits).toBe('42')
    const usage = await parley.db.usageRecord.findMany({ where: { kind: 'pstn_seconds', callId: call.id } })
    expect(usage).toHaveLength(1)
    expect(usage[0]!.quantity).toBeGreaterThan(0)
    expect(await parley.db.phoneCall.findUniqueOrThrow({ where: { id: phoneCallId } })).toMatchObject({ status: 'ended', endReason: 'agent_hangup', direction: 'outbound', purpose: 'callback' })
    // the chat goes on
    expect((await ask(visitor, 'chat:send', { channelId, clientMsgId: 'after-phone', text: 'thanks!' })).ok).toBe(true)
  })

  it('reports busy, and a hang-up from the phone side', async () => {
    const busy = await sippTrunk('uas_reject.xml')
    const trunk = await createTrunk(parley, { port: busy.port, username: null, password: null })
    const first = await chat('cb-2')
    expect((await ask(first.visitor, 'phone:call', { channelId: first.channelId, number: VISITOR_NUMBER })).ok).toBe(true)
    await eventually(async () => expect(await types(first.channelId)).toContain('call.ended'))
    expect((await phoneEvents(parley, first.channelId)).find((e) => e.type === 'phone.ended')?.payload).toMatchObject({ reason: 'busy', sipStatus: 486 })
    expect((await busy.sipp.result()).code).toBe(0)
    await ask(first.agent, 'channel:leave', { channelId: first.channelId })

    const bye = await sippTrunk('uas_answer_bye.xml', { extraArgs: ['-d', '800'] })
    await adminFetch(parley, 'PUT', `/api/admin/trunks/${trunk.id}`, { name: 'Test trunk', host: '127.0.0.1', port: bye.port, callerId: '+15550001111', allowFrom: ['127.0.0.1'] })
    const second = await chat('cb-3')
    expect((await ask(second.visitor, 'phone:call', { channelId: second.channelId, number: VISITOR_NUMBER })).ok).toBe(true)
    await eventually(async () => expect(await types(second.channelId)).toContain('phone.ended'), 15_000)
    expect((await phoneEvents(parley, second.channelId)).find((e) => e.type === 'phone.ended')?.payload).toMatchObject({ reason: 'hangup' })
    expect((await bye.sipp.result()).code).toBe(0)
    await ask(second.agent, 'channel:leave', { channelId: second.channelId })
  })

  it('lets the agent hold and transfer the phone blind (REFER)', async () => {
    const hold = await sippTrunk('uas_hold.xml')
    const trunk = await createTrunk(parley, { port: hold.port, username: null, password: null })
    const first = await chat('cb-4')
    await ask(first.visitor, 'phone:set', { number: VISITOR_NUMBER, fallback: false })
    // agents call the number the visitor gave, never another one
    expect(await ask(first.agent, 'phone:call', { channelId: first.channelId, number: '+15559990000' })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    const called = await ask(first.agent, 'phone:call', { channelId: first.channelId })
    const phoneCallId = called.ok && called.data.phoneCallId
    await eventually(async () => expect(await types(first.channelId)).toContain('phone.answered'))
    expect(await ask(first.agent, 'phone:hold', { channelId: first.channelId, phoneCallId, hold: true })).toEqual({ ok: true, data: { held: true } })
    expect(await ask(first.agent, 'phone:hold', { channelId: first.channelId, phoneCallId, hold: false })).toEqual({ ok: true, data: { held: false } })
    await ask(first.agent, 'phone:hangup', { channelId: first.channelId, phoneCallId })
    expect((await hold.sipp.result()).code).toBe(0)
    expect(hold.sipp.logs()).toMatch(/HOLD a=sendonly/)
    expect((await phoneEvents(parley, first.channelId)).filter((e) => e.type === 'phone.held').map((e) => e.payload.held)).toEqual([true, false])
    await ask(first.agent, 'channel:leave', { channelId: first.channelId })

    const refer = await sippTrunk('uas_refer.xml')
    await adminFetch(parley, 'PUT', `/api/admin/trunks/${trunk.id}`, { name: 'Test trunk', host: '127.0.0.1', port: refer.port, callerId: '+15550001111', allowFrom: ['127.0.0.1'] })
    const second = await chat('cb-5')
    const again = await ask(second.visitor, 'phone:call', { channelId: second.channelId, number: VISITOR_NUMBER })
    const transferId = again.ok && again.data.phoneCallId
    await eventually(async () => expect(await types(second.channelId)).toContain('phone.answered'))
    expect(await ask(second.agent, 'phone:transfer', { channelId: second.channelId, phoneCallId: transferId, target: 'not a number' })).toMatchObject({ ok: false, error: { code: 'bad_request' } })
    expect(await ask(second.agent, 'phone:transfer', { channelId: second.channelId, phoneCallId: transferId, target: '+15559990000' })).toEqual({ ok: true, data: { sipStatus: 200 } })
    await eventually(async () => expect((await phoneEvents(parley, second.channelId)).find((e) => e.type === 'phone.ended')?.payload).toMatchObject({ reason: 'transferred' }))
    expect((await refer.sipp.result()).code).toBe(0)
    expect(refer.sipp.logs()).toMatch(/REFER-TO sip:\+15559990000@/)
    await ask(second.agent, 'channel:leave', { channelId: second.channelId })
  })

  it('refuses bad numbers, calls without a trunk and strangers with clear errors', async () => {
    const { agent, visitor, channelId } = await chat('cb-6')
    // no trunk: the widget is told not to offer the phone
    expect(await ask(visitor, 'phone:get', {})).toMatchObject({ ok: true, data: { phone: null, available: false } })
    expect(await ask(visitor, 'phone:set', { number: '0170 123', fallback: true })).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringContaining('international format') } })
    expect(await ask(visitor, 'phone:call', { channelId, number: '+1' })).toMatchObject({ ok: false, error: { code: 'bad_request' } })
    expect(await ask(visitor, 'phone:call', { channelId, number: VISITOR_NUMBER })).toMatchObject({ ok: false, error: { code: 'invalid_state', message: expect.stringContaining('not available') } })
    expect(await ask(agent, 'phone:get', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await ask(agent, 'phone:dtmf', { channelId, phoneCallId: 'nope', digits: '1' })).toMatchObject({ ok: false, error: { code: 'not_found' } })
    expect(await ask(agent, 'phone:dtmf', { channelId, phoneCallId: 'nope', digits: 'x' })).toMatchObject({ ok: false, error: { code: 'bad_request' } })
    expect(await ask(visitor, 'phone:call', { channelId: 'ch_other', number: VISITOR_NUMBER })).toMatchObject({ ok: false, error: { code: 'invalid_state' } })
    // a conversation gets a few callbacks, not a dialler
    const tenantId = parley.services.channels.tenantOf(channelId)!
    await parley.db.phoneCall.createMany({ data: Array.from({ length: 5 }, (_, i) => ({ id: `pc_limit${i}`, tenantId, trunkId: 'tk_x', purpose: 'callback', direction: 'outbound', number: VISITOR_NUMBER, channelId, status: 'ended' })) })
    expect(await ask(visitor, 'phone:call', { channelId, number: VISITOR_NUMBER })).toMatchObject({ ok: false, error: { code: 'rate_limited' } })
  })
})
