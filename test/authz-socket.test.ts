/**
 * Authorization of every socket event, generated from the handlers the server registered on
 * real sockets (a visitor's, an agent's and a co-browsing tab's): each event needs a valid
 * sample payload below (a new event without one fails here). Every sample names a channel,
 * request or call of somebody else; a stranger visitor, an agent and a co-browsing tab of the
 * same tenant who are not in it, and an admin of another tenant, must all be refused
 * (forbidden, not found, invalid state or conflict; never a validation error, which would
 * mean the sample missed the point) and change nothing. Role-only events are checked by role.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { io, type Socket } from 'socket.io-client'
import type { Parley } from '../server/app.js'
import { hashPassword } from '../server/auth/password.js'
import { SIGNAL_EVENTS, WRITE_EVENTS } from '../server/realtime/socket-guard.js'
import { newId } from '../server/store/ids.js'
import type { ChannelView, RequestView } from '../web/protocol/views.js'
import { eventSamples } from './support/socket-samples.js'
import { AGENT_EMAILS, DEMO_PASSWORD, ask, connectAgent, connectVisitor, login, next, nextSession, startChat, startTestParley, type AgentSocket, type VisitorSocket } from './support/parley-harness.js'

let parley: Parley
const closers: { close(): void }[] = []

/** The victim: a channel between Anna and a visitor, and a request still waiting. */
let channel: ChannelView
let waiting: RequestView
let annaSocket: AgentSocket
let victimVisitor: VisitorSocket

let stranger: VisitorSocket
let ben: AgentSocket
let companion: Socket
let foreign: AgentSocket

/** events that do not name anybody else's data; checked by role below */
const SELF = new Set(['request:create', 'agent:set-state', 'supervisor:watch', 'phone:get', 'phone:set', 'channel:join'])
/** events without an ack: problems come as an `error` event */
const NOTICES = new Set(['chat:typing', 'channel:ack', 'lead:scroll', 'lead:click'])

/** The samples, aimed at the victim channel and request. */
function samples(): Record<string, unknown> {
  return eventSamples({ channelId: channel.id, requestId: waiting.id, participantId: channel.participants.find((p) => p.role === 'visitor')!.id, page: `${parley.shopUrl}/cart` })
}

/** The events a connected socket's server side handles (its registered listeners). */
function handled(namespace: 'visitors' | 'agents', socket: { id?: string }): string[] {
  const server = parley.protection.namespaces![namespace].sockets.get(socket.id!)
  if (!server) throw new Error(`no server socket ${socket.id}`)
  return server.eventNames().filter((name): name is string => typeof name === 'string' && !['disconnect', 'disconnecting', 'error'].includes(name))
}

const REFUSED = ['forbidden', 'not_found', 'invalid_state', 'conflict']

/** Send a sample and return the refusal code (or 'accepted'). */
async function attempt(socket: Socket, event: string, payload: unknown): Promise<string> {
  if (NOTICES.has(event)) {
    const error = next<{ code: string }>(socket as never, 'error', 3000)
    socket.emit(event, payload)
    return (await error.catch(() => ({ code: 'accepted (no error event)' }))).code
  }
  const result = await ask(socket, event, payload)
  return result.ok ? 'accepted' : result.error.code
}

/** What must not change: the victim channel's log, participants, calls, and the waiting request. */
async function victimState() {
  const [events, participants, calls, request, phones] = await Promise.all([
    parley.db.channelEvent.count({ where: { channelId: channel.id } }),
    parley.db.participant.findMany({ where: { channelId: channel.id }, orderBy: { id: 'asc' } }),
    parley.db.call.count({ where: { channelId: channel.id } }),
    parley.db.request.findUniqueOrThrow({ where: { id: waiting.id } }),
    parley.db.phoneCall.count(),
  ])
  return JSON.stringify({ events, participants, calls, request, phones })
}

beforeAll(async () => {
  parley = await startTestParley()
  const tenantId = newId('tn')
  await parley.db.tenant.create({ data: { id: tenantId, slug: 'other', name: 'Other shop' } })
  await parley.db.agent.create({ data: { id: newId('ag'), tenantId, email: 'boss@other.example', displayName: 'Other boss', role: 'admin', passwordHash: await hashPassword(DEMO_PASSWORD) } })

  const chat = await startChat(parley, { clientRequestId: 'victim-1', question: 'private question' })
  ;({ channel, agent: annaSocket, visitor: victimVisitor } = chat)
  closers.push(chat.agent, chat.visitor)
  // Anna is not Ready any more, so Ben's conversation and the waiting request do not reach her
  expect((await ask(annaSocket, 'agent:set-state', { state: 'not_ready' })).ok).toBe(true)
  // Ben's own conversation, and his co-browsing tab for it (which must stay inside it)
  const own = await startChat(parley, { agentEmail: AGENT_EMAILS.ben, clientRequestId: 'ben-1' })
  closers.push(own.agent, own.visitor)
  const link = await ask<{ token: string }>(own.agent, 'lead:companion', { channelId: own.channel.id, url: null })
  if (!link.ok) throw new Error(link.error.message)
  companion = io(`${parley.url}/agent`, { forceNew: true, transports: ['websocket'], extraHeaders: { origin: parley.shopUrl! }, auth: { leadToken: link.data.token } })
  closers.push(companion)
  await next(companion as never, 'session')
  expect((await ask(own.agent, 'agent:set-state', { state: 'not_ready' })).ok).toBe(true)
  // a request left waiting: nobody is Ready any more
  const queued = connectVisitor(parley.url, parley.shopUrl!)
  closers.push(queued)
  await nextSession.visitor(queued)
  const created = await ask<{ request: RequestView }>(queued, 'request:create', { clientRequestId: 'waiting-1', question: 'still waiting', pageUrl: null })
  if (!created.ok) throw new Error(created.error.message)
  waiting = created.data.request

  const [benCookie, foreignCookie] = [await login(parley.url, AGENT_EMAILS.ben), await login(parley.url, 'boss@other.example', DEMO_PASSWORD, 'other')]
  stranger = connectVisitor(parley.url, parley.shopUrl!)
  ben = connectAgent(parley.url, benCookie)
  foreign = connectAgent(parley.url, foreignCookie)
  closers.push(stranger, ben, foreign)
  await Promise.all([nextSession.visitor(stranger), nextSession.agent(ben), nextSession.agent(foreign)])
})

afterAll(async () => {
  for (const closer of closers) closer.close()
  await parley.close()
})

describe('the event lists', () => {
  it('have a sample for every handled event, and every event is rate-limited as a write or a signal', () => {
    const events = new Set([...handled('visitors', stranger), ...handled('agents', ben), ...handled('agents', companion)])
    const known = samples()
    expect([...events].filter((event) => !(event in known)), 'events without a sample: add them to samples()').toEqual([])
    expect(Object.keys(known).filter((event) => !events.has(event)), 'samples of events nobody handles').toEqual([])
    const classified = [...WRITE_EVENTS, ...SIGNAL_EVENTS] as string[]
    expect([...events].filter((event) => classified.filter((c) => c === event).length !== 1), 'classify in socket-guard.ts (WRITE_EVENTS or SIGNAL_EVENTS)').toEqual([])
  })
})

describe("somebody else's channel, request or call", () => {
  it('is refused to a stranger visitor, an agent and a co-browsing tab of the tenant, and an admin of another tenant, changing nothing', async () => {
    const before = await victimState()
    const typingSeen: unknown[] = []
    annaSocket.on('channel:typing', (signal) => void typingSeen.push(signal))
    victimVisitor.on('channel:typing', (signal) => void typingSeen.push(signal))
    const all = samples()
    const problems: string[] = []
    for (const [who, socket, namespace] of [
      ['stranger visitor', stranger, 'visitors'],
      ['agent of the tenant', ben, 'agents'],
      ['co-browsing tab', companion, 'agents'],
      ['admin of another tenant', foreign, 'agents'],
    ] as const) {
      for (const event of handled(namespace, socket)) {
        if (SELF.has(event)) continue
        const code = await attempt(socket as Socket, event, all[event])
        if (!REFUSED.includes(code)) problems.push(`${event} by ${who}: ${code}`)
      }
    }
    expect(problems).toEqual([])
    expect(typingSeen).toEqual([])
    expect(await victimState()).toBe(before)
  })

  it('cannot be reached through events of the other namespace (unknown there)', async () => {
    const agentOnly = handled('agents', ben).filter((event) => !handled('visitors', stranger).includes(event))
    expect(agentOnly.length).toBeGreaterThan(3)
    for (const event of agentOnly) expect(await ask(stranger, event, samples()[event]), event).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringContaining('unknown event') } })
    const tabOnly = new Set(handled('agents', companion))
    for (const event of handled('agents', ben).filter((e) => !tabOnly.has(e) && !NOTICES.has(e))) {
      expect(await ask(companion, event, samples()[event]), event).toMatchObject({ ok: false, error: { code: 'bad_request' } })
    }
  })
})

describe('role-only events', () => {
  it('keep the live view and monitoring to supervisors and admins of the tenant', async () => {
    expect(await ask(ben, 'supervisor:watch', { watch: true })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await ask(ben, 'supervisor:monitor', { channelId: channel.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    const sam = connectAgent(parley.url, await login(parley.url, AGENT_EMAILS.sam))
    closers.push(sam)
    await nextSession.agent(sam)
    expect((await ask(sam, 'supervisor:monitor', { channelId: channel.id })).ok).toBe(true)
    // another tenant's admin watches only their own tenant
    const view = await ask<{ snapshot: { channels: { id: string }[]; agents: { id: string }[]; waiting: unknown[] } }>(foreign, 'supervisor:watch', { watch: true })
    if (!view.ok) throw new Error(view.error.message)
    expect(view.data.snapshot.channels).toEqual([])
    expect(view.data.snapshot.waiting).toEqual([])
    const anna = await parley.db.agent.findFirstOrThrow({ where: { email: AGENT_EMAILS.anna } })
    expect(view.data.snapshot.agents.map((a) => a.id)).not.toContain(anna.id)
  })

  it('keep phone numbers to visitors, and invitations to real tokens', async () => {
    expect(await ask(ben, 'phone:set', { number: '+4917012345678' })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await ask(ben, 'phone:get', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    const forged = await ask(stranger, 'channel:join', { token: 'not-a-real-invitation' })
    expect(forged.ok).toBe(false)
    if (!forged.ok) expect(['forbidden', 'unauthorized', 'not_found', 'invalid_state']).toContain(forged.error.code)
  })
})
