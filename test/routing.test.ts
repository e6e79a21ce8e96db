/**
 * Skills-based routing over real sockets: topics and skills decide who is offered what,
 * offers ring at one agent and pass on when declined or unanswered, agents' states follow
 * their load, the website's presence and the supervisors' view update live, and the
 * routing log replays to the very decisions that were taken.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import type { Parley } from '../server/app.js'
import { parseRoutingEvent } from '../server/domain/routing-log.js'
import { replay } from '../server/domain/router.js'
import type { SupervisorSnapshot, WithdrawReason } from '../web/protocol/events.js'
import type { AgentView, ChannelView, PresenceView, RequestView } from '../web/protocol/views.js'
import { AGENT_EMAILS, ask, connectAgent, connectVisitor, eventually, login, next, nextSession, startTestParley, type AgentSocket, type VisitorSocket } from './support/parley-harness.js'

let parley: Parley
let tenantId: string
let adminCookie: string
const sockets: { close(): void }[] = []

const admin = (method: string, path: string, body?: unknown) =>
  fetch(`${parley.url}/api/admin${path}`, { method, headers: { cookie: adminCookie, origin: parley.url, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })

async function agent(email: string, ready = true): Promise<{ socket: AgentSocket; offers: RequestView[]; withdrawn: { requestId: string; reason: WithdrawReason }[]; updates: AgentView[] }> {
  const socket = connectAgent(parley.url, await login(parley.url, email))
  sockets.push(socket)
  const offers: RequestView[] = []
  const withdrawn: { requestId: string; reason: WithdrawReason }[] = []
  const updates: AgentView[] = []
  socket.on('request:offered', (r) => offers.push(r))
  socket.on('request:withdrawn', (w) => withdrawn.push(w))
  socket.on('agent:updated', (a) => updates.push(a))
  await nextSession.agent(socket)
  if (ready) expect((await ask(socket, 'agent:set-state', { state: 'ready', reason: null })).ok).toBe(true)
  return { socket, offers, withdrawn, updates }
}

async function visitor(): Promise<{ socket: VisitorSocket; updates: RequestView[]; token: string }> {
  const socket = connectVisitor(parley.url, parley.shopUrl!)
  sockets.push(socket)
  const updates: RequestView[] = []
  socket.on('request:update', (r) => updates.push(r))
  const { visitorToken } = await nextSession.visitor(socket)
  return { socket, updates, token: visitorToken }
}

async function request(v: VisitorSocket, id: string, fields: Record<string, unknown> = {}): Promise<RequestView> {
  const created = await ask<{ request: RequestView }>(v, 'request:create', { clientRequestId: id, question: `question ${id}`, pageUrl: null, ...fields })
  if (!created.ok) throw new Error(created.error.message)
  return created.data.request
}

beforeAll(async () => {
  parley = await startTestParley()
  tenantId = (await parley.db.tenant.findUniqueOrThrow({ where: { slug: 'demo' } })).id
  adminCookie = await login(parley.url, AGENT_EMAILS.admin)
})

afterAll(async () => {
  for (const socket of sockets) socket.close()
  await parley.close()
})

describe('routing by skill', () => {
  it('offers a topic only to the agent with the skill, one agent at a time', async () => {
    const anna = await agent(AGENT_EMAILS.anna) // bikes 5, no accessories
    const ben = await agent(AGENT_EMAILS.ben) // accessories 5, bikes 2
    const v = await visitor()
    const helmet = await request(v.socket, 'helmet-1', { topic: 'accessories' })
    expect(helmet).toMatchObject({ status: 'queued', queue: { slug: 'accessories' } })
    await eventually(() => expect(ben.offers.map((o) => o.id)).toEqual([helmet.id]))
    expect(anna.offers).toEqual([])
    expect(ben.offers[0]!.offerExpiresAt).not.toBeNull()

    // a bike question from a bike page (hint) goes to Anna, the best bike tier
    const v2 = await visitor()
    const bike = await request(v2.socket, 'bike-1', { pageUrl: `${parley.shopUrl}/products/trail-x1` })
    expect(bike.hints).toEqual([{ key: 'product', value: 'bikes', source: 'page' }])
    await eventually(() => expect(anna.offers.map((o) => o.id)).toEqual([bike.id]))

    // Ben declines the helmet: nobody else has the skill, so it waits, and the visitor sees overflow
    expect((await ask(ben.socket, 'request:decline', { requestId: helmet.id })).ok).toBe(true)
    await eventually(() => expect(ben.withdrawn).toContainEqual({ requestId: helmet.id, reason: 'declined' }))
    // declined by the only qualified agent: it comes back to him (nobody else qualifies)
    await eventually(() => expect(ben.offers.filter((o) => o.id === helmet.id)).toHaveLength(2))
    const accepted = await ask<{ channel: ChannelView }>(ben.socket, 'request:accept', { requestId: helmet.id })
    expect(accepted.ok).toBe(true)
    await eventually(() => expect(v.updates.at(-1)).toMatchObject({ status: 'accepted' }))
    // Anna's offer is refused to Ben
    expect(await ask(ben.socket, 'request:accept', { requestId: bike.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    const annaChannel = await ask<{ channel: ChannelView }>(anna.socket, 'request:accept', { requestId: bike.id })
    expect(annaChannel.ok).toBe(true)
    // end both conversations, so the agents start the next test free
    if (accepted.ok) await ask(ben.socket, 'channel:leave', { channelId: accepted.data.channel.id })
    if (annaChannel.ok) await ask(anna.socket, 'channel:leave', { channelId: annaChannel.data.channel.id })
    for (const s of [anna.socket, ben.socket, v.socket, v2.socket]) s.close()
  })
})

describe('a waiting visitor', () => {
  it('sees position, estimate and overflow when nobody qualified is available, and can book a time or leave', async () => {
    // nobody with accessories skills is Ready now
    const v = await visitor()
    const waiting = await request(v.socket, 'lonely-1', { topic: 'accessories' })
    expect(waiting).toMatchObject({ position: 1, estimate: null, overflow: true })
    const later = new Date(Date.now() + 30 * 60_000).toISOString()
    const booked = await ask<{ request: RequestView }>(v.socket, 'request:schedule', { requestId: waiting.id, scheduledFor: later })
    expect(booked.ok && booked.data.request).toMatchObject({ status: 'scheduled', scheduledFor: later })
    expect((await parley.db.request.findUniqueOrThrow({ where: { id: waiting.id } })).status).toBe('scheduled')
    const tooSoon = await ask(v.socket, 'request:schedule', { requestId: waiting.id, scheduledFor: new Date().toISOString() })
    expect(tooSoon).toMatchObject({ ok: false, error: { code: 'bad_request' } })
    // the booking survives a reconnect (session lists it)
    const again = connectVisitor(parley.url, parley.shopUrl!, { visitorToken: v.token })
    sockets.push(again)
    expect((await nextSession.visitor(again)).requests.map((r) => r.status)).toEqual(['scheduled'])
    expect((await ask(again, 'request:cancel', { requestId: waiting.id })).ok).toBe(true)
    v.socket.close()
    again.close()
  })

  it('gets a live estimate that grows with the line when agents are full', async () => {
    const ben = await agent(AGENT_EMAILS.ben)
    const first = await visitor()
    const firstRequest = await request(first.socket, 'full-1', { topic: 'accessories' })
    await eventually(() => expect(ben.offers.some((o) => o.id === firstRequest.id)).toBe(true))
    await ask(ben.socket, 'request:accept', { requestId: firstRequest.id })
    // make Ben full: capacity 1 chat
    const benId = (await parley.db.agent.findFirstOrThrow({ where: { email: AGENT_EMAILS.ben } })).id
    expect((await admin('PATCH', `/agents/${benId}`, { maxChats: 1 })).status).toBe(200)
    onTestFinished(async () => void (await admin('PATCH', `/agents/${benId}`, { maxChats: 3 })))
    const v2 = await visitor()
    const v3 = await visitor()
    const second = await request(v2.socket, 'full-2', { topic: 'accessories' })
    const third = await request(v3.socket, 'full-3', { topic: 'accessories' })
    expect(second.position).toBe(1)
    expect(third.position).toBe(2)
    expect(second.estimate!.seconds).toBeGreaterThan(0)
    expect(third.estimate!.seconds).toBeGreaterThan(second.estimate!.seconds)
    expect(third.estimate!.highSeconds).toBeGreaterThan(third.estimate!.lowSeconds)
    await eventually(async () => expect((await parley.db.agent.findUniqueOrThrow({ where: { id: benId } })).state).toBe('busy'))
    // the chat ends: Ben is free again and takes the next in line
    const channelId = (await parley.db.channel.findFirstOrThrow({ where: { requestId: firstRequest.id } })).id
    await ask(ben.socket, 'channel:leave', { channelId })
    await eventually(() => expect(ben.offers.some((o) => o.id === second.id)).toBe(true))
    await ask(v2.socket, 'request:cancel', { requestId: second.id })
    await ask(v3.socket, 'request:cancel', { requestId: third.id })
    for (const s of [ben.socket, first.socket, v2.socket, v3.socket]) s.close()
  })
})

describe('agent states', () => {
  it('ring-no-answer passes the request on and sets the agent Not ready', async () => {
    expect((await admin('PUT', '/settings', { ringTimeoutSec: 5 })).status).toBe(200)
    const anna = await agent(AGENT_EMAILS.anna)
    const v = await visitor()
    const r = await request(v.socket, 'ring-1', { topic: 'bikes' })
    await eventually(() => expect(anna.offers.some((o) => o.id === r.id)).toBe(true))
    await eventually(() => expect(anna.withdrawn).toContainEqual({ requestId: r.id, reason: 'expired' }), 10_000)
    await eventually(() => expect(anna.updates.at(-1)).toMatchObject({ state: 'not_ready', stateReason: 'Missed a request' }))
    expect((await ask(v.socket, 'request:cancel', { requestId: r.id })).ok).toBe(true)
    await admin('PUT', '/settings', { ringTimeoutSec: 20 })
    anna.socket.close()
    v.socket.close()
  })

  it('validates reasons, enforces the seat cap and runs a timed wrap-up', async () => {
    const anna = await agent(AGENT_EMAILS.anna, false)
    expect(await ask(anna.socket, 'agent:set-state', { state: 'break', reason: 'Nap' })).toMatchObject({ ok: false, error: { code: 'bad_request' } })
    expect(await ask(anna.socket, 'agent:set-state', { state: 'break', reason: 'Lunch' })).toMatchObject({ ok: true, data: { agent: { state: 'break', stateReason: 'Lunch' } } })
    const history = await parley.db.agentStateChange.findMany({ where: { agent: { email: AGENT_EMAILS.anna } }, orderBy: { createdAt: 'asc' } })
    expect(history.at(-1)).toMatchObject({ state: 'break', reason: 'Lunch' })

    expect((await admin('PUT', '/settings', { seatCap: 1, wrapUpSec: 5 })).status).toBe(200)
    const ben = await agent(AGENT_EMAILS.ben)
    expect(await ask(anna.socket, 'agent:set-state', { state: 'ready', reason: null })).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('seats') } })
    await ask(ben.socket, 'agent:set-state', { state: 'away', reason: null })
    expect((await ask(anna.socket, 'agent:set-state', { state: 'ready', reason: null })).ok).toBe(true)

    const v = await visitor()
    const r = await request(v.socket, 'wrap-1', { topic: 'bikes' })
    await eventually(() => expect(anna.offers.some((o) => o.id === r.id)).toBe(true))
    const accepted = await ask<{ channel: ChannelView }>(anna.socket, 'request:accept', { requestId: r.id })
    if (!accepted.ok) throw new Error(accepted.error.message)
    await ask(anna.socket, 'channel:leave', { channelId: accepted.data.channel.id })
    await eventually(() => expect(anna.updates.at(-1)).toMatchObject({ state: 'wrap_up' }))
    expect(anna.updates.at(-1)!.stateUntil).not.toBeNull()
    await eventually(() => expect(anna.updates.at(-1)).toMatchObject({ state: 'ready' }), 10_000)
    await admin('PUT', '/settings', { seatCap: 0, wrapUpSec: 0 })
    for (const s of [anna.socket, ben.socket, v.socket]) s.close()
  })
})

describe('presence and supervision', () => {
  it('publishes availability and estimates to the website, cacheable and live', async () => {
    const origin = parley.shopUrl!
    const first = await fetch(`${parley.url}/api/widget/demo/presence`, { headers: { origin } })
    expect(first.status).toBe(200)
    expect(first.headers.get('cache-control')).toContain('max-age=5')
    const etag = first.headers.get('etag')!
    const body = (await first.json()) as PresenceView
    expect(body.queues.map((q) => q.slug)).toEqual(['general', 'bikes', 'accessories'])
    expect((await fetch(`${parley.url}/api/widget/demo/presence`, { headers: { origin, 'if-none-match': etag } })).status).toBe(304)
    expect((await fetch(`${parley.url}/api/widget/demo/presence`, { headers: { origin: 'https://evil.example' } })).status).toBe(403)

    // the live stream sends the current view, then an update when an agent becomes available
    const controller = new AbortController()
    const stream = await fetch(`${parley.url}/api/widget/demo/presence/stream`, { headers: { origin }, signal: controller.signal })
    expect(stream.headers.get('content-type')).toContain('text/event-stream')
    const reader = stream.body!.getReader()
    const views: PresenceView[] = []
    let buffer = ''
    const pump = (async () => {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) return
        buffer += new TextDecoder().decode(value)
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const frame = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const data = frame.split('\n').find((line) => line.startsWith('data: '))
          if (data) views.push(JSON.parse(data.slice(6)) as PresenceView)
        }
      }
    })().catch(() => undefined)
    await eventually(() => expect(views.length).toBeGreaterThanOrEqual(1))
    const before = views.at(-1)!.agentsAvailable
    const anna = await agent(AGENT_EMAILS.anna)
    await eventually(() => expect(views.at(-1)!.agentsAvailable).toBe(before + 1), 10_000)
    controller.abort()
    await pump
    anna.socket.close()
  })

  it('shows supervisors queues, waiting requests and agents, with an over-capacity alert; agents may not watch', async () => {
    const ben = await agent(AGENT_EMAILS.ben)
    expect(await ask(ben.socket, 'supervisor:watch', { watch: true })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    const supervisor = connectAgent(parley.url, adminCookie)
    sockets.push(supervisor)
    await nextSession.agent(supervisor)
    const watched = await ask<{ snapshot: SupervisorSnapshot }>(supervisor, 'supervisor:watch', { watch: true })
    if (!watched.ok) throw new Error(watched.error.message)
    expect(watched.data.snapshot.agents.map((a) => a.displayName).sort()).toEqual(['Alex Admin', 'Anna', 'Ben', 'Sam Supervisor'])
    const snapshots: SupervisorSnapshot[] = []
    supervisor.on('supervisor:snapshot', (s) => snapshots.push(s))

    const v = await visitor()
    const r = await request(v.socket, 'sup-1', { topic: 'accessories' })
    await eventually(() => expect(ben.offers.some((o) => o.id === r.id)).toBe(true))
    await eventually(() => expect(snapshots.at(-1)?.waiting.find((w) => w.id === r.id)).toMatchObject({ offeredTo: 'Ben', queue: { slug: 'accessories' } }))
    await ask(ben.socket, 'request:accept', { requestId: r.id })
    const benId = (await parley.db.agent.findFirstOrThrow({ where: { email: AGENT_EMAILS.ben } })).id
    expect((await admin('PATCH', `/agents/${benId}`, { maxChats: 0 })).status).toBe(200)
    await eventually(() => expect(snapshots.at(-1)?.alerts.map((a) => a.agentId)).toEqual([benId]))
    await admin('PATCH', `/agents/${benId}`, { maxChats: 3 })
    for (const s of [ben.socket, supervisor, v.socket]) s.close()
  })
})

describe('the routing log', () => {
  it('replays to exactly the decisions taken live', async () => {
    await parley.services.engine.flush()
    const rows = await parley.db.routingLogEntry.findMany({ where: { tenantId }, orderBy: { id: 'asc' } })
    const events = rows.map((row) => parseRoutingEvent(row.payload))
    const live = events.filter((e) => e.type === 'offer-made' || e.type === 'offer-expired')
    expect(live.length).toBeGreaterThan(5)
    // settings changes (the 5 s ring timeout above) are in the log too, so the replay follows them
    const replayed = replay(events).map((d) => JSON.stringify(d))
    const expected = live.map((e) =>
      JSON.stringify(e.type === 'offer-made' ? { type: 'offer', requestId: e.requestId, agentId: e.agentId, expiresAt: e.expiresAt } : { type: 'offer-expired', requestId: e.requestId, agentId: (e as { agentId: string }).agentId }),
    )
    expect(replayed).toEqual(expected)
  })
})

describe('admin validation', () => {
  it('explains a bad queue requirement and an unknown skill', async () => {
    const syntax = await admin('POST', '/queues', { slug: 'de', name: 'German', requirement: 'language de' })
    expect(syntax.status).toBe(400)
    expect(((await syntax.json()) as { error: { issues: { path: string }[] } }).error.issues[0]!.path).toBe('requirement')
    const unknown = await admin('POST', '/queues', { slug: 'fr', name: 'French', requirement: 'language=fr' })
    expect(unknown.status).toBe(400)
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toContain('no skill language=fr')
    const ok = await admin('POST', '/queues', { slug: 'german', name: 'German', requirement: 'language=de, proficiency>=3', relaxSteps: [{ afterSec: 30, minProficiency: 1 }] })
    expect(ok.status).toBe(201)
  })
})
