/**
 * The spine over real sockets: a visitor queues with a question, a Ready agent is offered
 * it and accepts, both chat (through the same ChannelSync the web clients use), typing
 * previews flow one way with text, the channel ends when the visitor leaves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Parley } from '../server/app.js'
import type { ChannelEvent } from '../web/protocol/channel-event.js'
import type { RequestView, ChannelView } from '../web/protocol/views.js'
import type { TypingSignal } from '../web/protocol/events.js'
import { ChannelSync } from '../web/shared/channel-sync.js'
import { MemoryOutboxStore } from '../web/shared/outbox-store.js'
import { SocketLink } from '../web/shared/socket-link.js'
import { AGENT_EMAILS, ask, connectAgent, connectVisitor, eventually, login, next, nextSession, startTestParley, type AgentSocket, type VisitorSocket } from './support/parley-harness.js'

let parley: Parley
let shop: string
const sockets: { close(): void }[] = []

beforeAll(async () => {
  parley = await startTestParley()
  shop = parley.shopUrl!
})

afterAll(async () => {
  for (const socket of sockets) socket.close()
  await parley.close()
})

async function readyAgent(email: string): Promise<AgentSocket> {
  const agent = connectAgent(parley.url, await login(parley.url, email))
  sockets.push(agent)
  await nextSession.agent(agent)
  const set = await ask(agent, 'agent:set-state', { state: 'ready' })
  expect(set.ok).toBe(true)
  return agent
}

function chatText(events: ChannelEvent[]): string[] {
  return events.filter((e) => e.type === 'chat.message').map((e) => `${e.author.role}: ${(e.payload as { text: string }).text}`)
}

describe('click to chat', () => {
  let visitor: VisitorSocket
  let agent: AgentSocket
  let channel: ChannelView
  let visitorSync: ChannelSync
  let agentSync: ChannelSync
  let offer: RequestView

  it('recognizes a new visitor and gives them a signed token', async () => {
    visitor = connectVisitor(parley.url, shop)
    sockets.push(visitor)
    const session = await nextSession.visitor(visitor)
    expect(session.returning).toBe(false)
    expect(session.visitorToken).toMatch(/^v1\./)
    expect(session.requests).toEqual([])
  })

  it('queues the request and offers it to a Ready agent with the question and page', async () => {
    agent = await readyAgent(AGENT_EMAILS.anna)
    const offered = next<RequestView>(agent as never, 'request:offered')
    const created = await ask<{ request: RequestView }>(visitor, 'request:create', { clientRequestId: 'req-1', question: 'Does the X1 fit a 1.90 m rider?', pageUrl: `${shop}/products/trail-x1` })
    expect(created.ok && created.data.request).toMatchObject({ status: 'queued', position: 1 })
    offer = await offered
    expect(offer).toMatchObject({ question: 'Does the X1 fit a 1.90 m rider?', pageUrl: `${shop}/products/trail-x1`, position: 1 })
    // the same clientRequestId is the same request (a retried create after a network blip)
    const again = await ask<{ request: RequestView }>(visitor, 'request:create', { clientRequestId: 'req-1', question: 'Does the X1 fit a 1.90 m rider?', pageUrl: null })
    expect(again.ok && again.data.request.id).toBe(created.ok && created.data.request.id)
  })

  it('opens a channel with both when the agent accepts', async () => {
    const visitorJoined = next<ChannelView>(visitor as never, 'channel:joined')
    const unknown = await ask(agent, 'request:accept', { requestId: 'nope' })
    expect(unknown).toMatchObject({ ok: false, error: { code: 'conflict' } })
    const accepted = await ask<{ channel: ChannelView }>(agent, 'request:accept', { requestId: offer.id })
    expect(accepted.ok).toBe(true)
    if (!accepted.ok) return
    channel = accepted.data.channel
    expect(channel.status).toBe('open')
    expect(channel.participants.map((p) => p.role).sort()).toEqual(['agent', 'visitor'])
    const joined = await visitorJoined
    expect(joined.id).toBe(channel.id)
    expect(joined.selfParticipantId).toBe(channel.participants.find((p) => p.role === 'visitor')!.id)
    // accepting twice is refused
    const twice = await ask(agent, 'request:accept', { requestId: offer.id })
    expect(twice.ok).toBe(false)
  })

  it('delivers messages both ways, in order, exactly once', async () => {
    visitorSync = new ChannelSync(new SocketLink(visitor), new MemoryOutboxStore())
    agentSync = new ChannelSync(new SocketLink(agent), new MemoryOutboxStore())
    visitorSync.adopt((await ask<{ channel: ChannelView }>(visitor, 'channel:resume', { channelId: channel.id, afterSeq: 0 }) as { ok: true; data: { channel: ChannelView } }).data.channel)
    agentSync.adopt(channel)
    await eventually(() => expect(visitorSync.channels.get(channel.id)!.loading).toBe(false))
    agentSync.send(channel.id, 'Hi! I am Anna. Yes, the XL frame fits.')
    visitorSync.send(channel.id, 'Great, thanks')
    visitorSync.send(channel.id, 'And the helmet size?')
    agentSync.send(channel.id, 'M/L for most adults.')
    const expected = ['visitor: Does the X1 fit a 1.90 m rider?']
    await eventually(() => {
      for (const sync of [visitorSync, agentSync]) {
        const state = sync.channels.get(channel.id)!
        expect(state.pending).toEqual([])
        expect(chatText(state.events)).toHaveLength(5)
        expect(state.events.map((e) => e.seq)).toEqual(state.events.map((_, i) => i + 1))
      }
    })
    const visitorView = chatText(visitorSync.channels.get(channel.id)!.events)
    expect(visitorView).toEqual(chatText(agentSync.channels.get(channel.id)!.events))
    expect(visitorView[0]).toBe(expected[0])
    expect(visitorView.indexOf('visitor: Great, thanks')).toBeLessThan(visitorView.indexOf('visitor: And the helmet size?'))
  })

  it('makes sends idempotent by client message id', async () => {
    const first = await ask<{ seq: number; duplicate: boolean }>(visitor, 'chat:send', { channelId: channel.id, clientMsgId: 'same-id-1', text: 'once' })
    const second = await ask<{ seq: number; duplicate: boolean }>(visitor, 'chat:send', { channelId: channel.id, clientMsgId: 'same-id-1', text: 'once' })
    expect(first.ok && second.ok).toBe(true)
    if (!first.ok || !second.ok) return
    expect(second.data).toMatchObject({ seq: first.data.seq, duplicate: true })
    const rows = await parley.db.channelEvent.count({ where: { channelId: channel.id, clientMsgId: 'same-id-1' } })
    expect(rows).toBe(1)
  })

  it('shows the visitor live typing text to the agent, and only "typing" to the visitor', async () => {
    const atAgent = next<TypingSignal>(agent as never, 'channel:typing')
    visitor.emit('chat:typing', { channelId: channel.id, text: 'do you ship to Aus' })
    expect(await atAgent).toMatchObject({ channelId: channel.id, role: 'visitor', text: 'do you ship to Aus' })
    const atVisitor = next<TypingSignal>(visitor as never, 'channel:typing')
    agent.emit('chat:typing', { channelId: channel.id, text: 'secret draft' })
    const signal = await atVisitor
    expect(signal).toMatchObject({ channelId: channel.id, role: 'agent', name: 'Anna' })
    expect(signal.text).toBeUndefined()
  })

  it('reports receipt acks to the other side', async () => {
    const state = agentSync.channels.get(channel.id)!
    const visitorParticipant = channel.participants.find((p) => p.role === 'visitor')!.id
    await eventually(() => expect(state.acked.get(visitorParticipant)).toBeGreaterThanOrEqual(5))
  })

  it('archives every event with a timestamp', async () => {
    const rows = await parley.db.channelEvent.findMany({ where: { channelId: channel.id }, orderBy: { seq: 'asc' } })
    expect(rows.map((r) => r.type)).toEqual(expect.arrayContaining(['channel.opened', 'participant.joined', 'chat.message']))
    expect(rows.every((r) => r.createdAt instanceof Date)).toBe(true)
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1))
  })

  it('ends the channel when the last visitor leaves, and refuses further messages', async () => {
    const ended = next<ChannelEvent>(agent as never, 'channel:event')
    const left = await visitorSync.leave(channel.id)
    expect(left.status).toBe('ended')
    expect(left.endReason).toBe('visitor_left')
    await eventually(async () => expect((await parley.db.channel.findUniqueOrThrow({ where: { id: channel.id } })).status).toBe('ended'))
    expect(['participant.left', 'channel.ended']).toContain((await ended).type)
    await eventually(() => expect(agentSync.channels.get(channel.id)!.view.status).toBe('ended'))
    const late = await ask(agent, 'chat:send', { channelId: channel.id, clientMsgId: 'late-1', text: 'still there?' })
    expect(late).toMatchObject({ ok: false, error: { code: 'invalid_state' } })
    // the transcript stays readable for those who took part
    const resumed = await ask<{ events: ChannelEvent[] }>(visitor, 'channel:resume', { channelId: channel.id, afterSeq: 0 })
    expect(resumed.ok && resumed.data.events.at(-1)!.type).toBe('channel.ended')
    visitorSync.close()
    agentSync.close()
  })
})

describe('agents and capacity', () => {
  it('offers requests only up to the agent capacity, and again when a chat ends', async () => {
    const ben = await readyAgent(AGENT_EMAILS.ben)
    const benId = (await parley.db.agent.findFirstOrThrow({ where: { email: AGENT_EMAILS.ben } })).id
    await parley.db.agent.update({ where: { id: benId }, data: { maxChats: 1 } })
    await parley.services.agents.refresh(benId)
    // Anna is Ready too; set her Not ready so only Ben receives offers.
    const anna = connectAgent(parley.url, await login(parley.url, AGENT_EMAILS.anna))
    sockets.push(anna)
    await nextSession.agent(anna)
    await ask(anna, 'agent:set-state', { state: 'not_ready' })

    const offers: RequestView[] = []
    ben.on('request:offered', (r) => offers.push(r))
    const visitors = [connectVisitor(parley.url, shop), connectVisitor(parley.url, shop)]
    sockets.push(...visitors)
    await Promise.all(visitors.map((v) => nextSession.visitor(v)))
    for (const [i, v] of visitors.entries()) {
      await ask(v, 'request:create', { clientRequestId: `cap-${i}`, question: `question ${i}`, pageUrl: null })
    }
    await eventually(() => expect(offers.map((o) => o.question)).toEqual(['question 0']))
    const accepted = await ask<{ channel: ChannelView }>(ben, 'request:accept', { requestId: offers[0]!.id })
    expect(accepted.ok).toBe(true)
    const secondOffer = await new Promise<RequestView | null>((resolve) => setTimeout(() => resolve(offers[1] ?? null), 300))
    expect(secondOffer).toBeNull() // full: no further offer
    const positions: (number | null)[] = []
    visitors[1]!.on('request:update', (r) => positions.push(r.position))
    if (accepted.ok) await ask(ben, 'channel:leave', { channelId: accepted.data.channel.id })
    await eventually(() => expect(offers.map((o) => o.question)).toEqual(['question 0', 'question 1']))
    expect(offers[1]!.position).toBe(1)
  })

  it('refuses accepting while not Ready', async () => {
    const anna = connectAgent(parley.url, await login(parley.url, AGENT_EMAILS.anna))
    sockets.push(anna)
    const session = await nextSession.agent(anna)
    expect(session.agent.state).toBe('not_ready')
    const v = connectVisitor(parley.url, shop)
    sockets.push(v)
    await nextSession.visitor(v)
    const created = await ask<{ request: RequestView }>(v, 'request:create', { clientRequestId: 'nr-1', question: 'hello', pageUrl: null })
    if (!created.ok) throw new Error('create failed')
    const refused = await ask(anna, 'request:accept', { requestId: created.data.request.id })
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden', message: 'set yourself Ready to accept requests' } })
  })

  it('lets a waiting visitor cancel, and tells the agents', async () => {
    const v = connectVisitor(parley.url, shop)
    sockets.push(v)
    await nextSession.visitor(v)
    const created = await ask<{ request: RequestView }>(v, 'request:create', { clientRequestId: 'cancel-1', question: 'never mind', pageUrl: null })
    if (!created.ok) throw new Error('create failed')
    const cancelled = await ask<{ request: RequestView }>(v, 'request:cancel', { requestId: created.data.request.id })
    expect(cancelled.ok && cancelled.data.request.status).toBe('cancelled')
    const row = await parley.db.request.findUniqueOrThrow({ where: { id: created.data.request.id } })
    expect(row.status).toBe('cancelled')
    const again = await ask(v, 'request:cancel', { requestId: created.data.request.id })
    expect(again).toMatchObject({ ok: false, error: { code: 'invalid_state' } })
  })
})
