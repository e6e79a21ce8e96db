/**
 * Call signalling over real sockets (the media itself is exercised in Chromium by
 * e2e/video-call.test.ts): consent, who may answer, cancel and decline, bad payloads, other
 * channels' calls, the call ending with its channel, and calls refused without a media server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Parley } from '../server/app.js'
import type { ChannelEvent } from '../web/protocol/channel-event.js'
import type { CallView, ChannelView, RequestView } from '../web/protocol/views.js'
import { AGENT_EMAILS, ask, connectAgent, connectVisitor, login, next, nextSession, eventually, mediaOverrides, startChat, startTestParley, type AgentSocket, type VisitorSocket } from './support/parley-harness.js'

let parley: Parley
const sockets: { close(): void }[] = []

beforeAll(async () => {
  parley = await startTestParley(mediaOverrides())
})

afterAll(async () => {
  for (const socket of sockets) socket.close()
  await parley.close()
})

async function chat(clientRequestId: string, agentEmail = AGENT_EMAILS.anna): Promise<{ agent: AgentSocket; visitor: VisitorSocket; channelId: string }> {
  const { agent, visitor, channel } = await startChat(parley, { clientRequestId, agentEmail })
  sockets.push(agent, visitor)
  return { agent, visitor, channelId: channel.id }
}

async function callEvents(channelId: string): Promise<{ type: string; payload: Record<string, unknown> }[]> {
  const rows = await parley.db.channelEvent.findMany({ where: { channelId, type: { startsWith: 'call.' } }, orderBy: { seq: 'asc' } })
  return rows.map((row) => ({ type: row.type, payload: JSON.parse(row.payload) }))
}

describe('calls', () => {
  it('asks the other side, who consents; the requester cannot answer their own call', async () => {
    const { agent, visitor, channelId } = await chat('call-1')
    const requested = new Promise<ChannelEvent>((resolve) => visitor.on('channel:event', (event) => event.type === 'call.requested' && resolve(event)))
    const asked = await ask<{ call: CallView }>(agent, 'call:request', { channelId, video: true })
    expect(asked.ok && asked.data.call).toMatchObject({ status: 'ringing', video: true })
    const call = (asked as { data: { call: CallView } }).data.call
    expect((await requested).payload).toEqual({ callId: call.id, video: true })

    expect(await ask(agent, 'call:request', { channelId, video: false })).toMatchObject({ ok: false, error: { code: 'conflict' } })
    expect(await ask(agent, 'call:answer', { channelId, callId: call.id, accept: true })).toMatchObject({ ok: false, error: { code: 'invalid_state' } })
    expect(await ask(visitor, 'media:join', { channelId, callId: call.id })).toMatchObject({ ok: false, error: { code: 'invalid_state' } })

    const answered = await ask<{ call: CallView }>(visitor, 'call:answer', { channelId, callId: call.id, accept: true })
    expect(answered.ok && answered.data.call.status).toBe('active')
    const resumed = await ask(visitor, 'channel:resume', { channelId, afterSeq: 0 })
    expect(resumed.ok && resumed.data.channel.call).toMatchObject({ id: call.id, status: 'active' })

    const joined = await ask(visitor, 'media:join', { channelId, callId: call.id })
    expect(joined.ok && joined.data.audioMimeType).toBe('audio/opus')
    expect(joined.ok && joined.data.routerRtpCapabilities.codecs.map((c: { mimeType: string }) => c.mimeType)).toEqual(expect.arrayContaining(['audio/opus', 'video/VP8']))

    const hung = await ask(visitor, 'call:hangup', { channelId, callId: call.id })
    expect(hung.ok && hung.data.call.status).toBe('ended')
    await eventually(async () => expect((await callEvents(channelId)).map((e) => e.type)).toEqual(['call.requested', 'call.started', 'call.ended']))
    expect((await callEvents(channelId))[2]!.payload).toMatchObject({ callId: call.id, reason: 'hangup' })
    expect(await parley.db.call.findUniqueOrThrow({ where: { id: call.id } })).toMatchObject({ status: 'ended', endReason: 'hangup' })
    expect(await parley.services.media.stats(call.id)).toBeNull()
    await ask(agent, 'channel:leave', { channelId })
  })

  it('logs a decline once and a cancel as such', async () => {
    const { agent, visitor, channelId } = await chat('call-2')
    const first = await ask(visitor, 'call:request', { channelId, video: false })
    const declined = await ask(agent, 'call:answer', { channelId, callId: first.ok && first.data.call.id, accept: false })
    expect(declined.ok && declined.data.call.status).toBe('ended')
    const second = await ask(visitor, 'call:request', { channelId, video: false })
    expect(second.ok).toBe(true)
    await ask(visitor, 'call:hangup', { channelId, callId: second.ok && second.data.call.id })
    await eventually(async () =>
      expect((await callEvents(channelId)).map((e) => [e.type, e.payload.reason ?? null])).toEqual([
        ['call.requested', null],
        ['call.declined', null],
        ['call.requested', null],
        ['call.ended', 'cancelled'],
      ]),
    )
    await ask(agent, 'channel:leave', { channelId })
  })

  it('rejects bad payloads and calls of other channels with clear errors', async () => {
    const { agent, channelId } = await chat('call-3')
    await ask(agent, 'agent:set-state', { state: 'not_ready' }) // the next chat goes to Ben
    const other = await chat('call-4', AGENT_EMAILS.ben)
    const asked = await ask(other.agent, 'call:request', { channelId: other.channelId, video: false })
    const otherCall = asked.ok && asked.data.call.id

    expect(await ask(agent, 'call:request', { channelId, video: 'yes' })).toMatchObject({ ok: false, error: { code: 'bad_request' } })
    expect(await ask(agent, 'call:request', { channelId: other.channelId, video: false })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await ask(agent, 'call:hangup', { channelId, callId: otherCall })).toMatchObject({ ok: false, error: { code: 'not_found' } })
    expect(await ask(agent, 'media:produce', { channelId, transportId: 'nope', kind: 'audio', rtpParameters: {}, source: 'audio' })).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    })
    expect(await ask(agent, 'media:connect', { channelId, transportId: crypto.randomUUID(), dtlsParameters: {} })).toMatchObject({ ok: false, error: { code: 'not_found' } })
    // the other channel's call is untouched
    expect(parley.services.calls.callOf(other.channelId)?.status).toBe('ringing')
    await ask(agent, 'channel:leave', { channelId })
    await ask(other.agent, 'channel:leave', { channelId: other.channelId })
    await ask(other.agent, 'agent:set-state', { state: 'not_ready' }) // the next chat goes to Anna
  })

  it('ends the call with its channel', async () => {
    const { agent, visitor, channelId } = await chat('call-5')
    const asked = await ask(agent, 'call:request', { channelId, video: false })
    const callId = asked.ok && asked.data.call.id
    await ask(visitor, 'call:answer', { channelId, callId, accept: true })
    await ask(agent, 'channel:leave', { channelId })
    await eventually(async () => expect((await callEvents(channelId)).at(-1)).toMatchObject({ type: 'call.ended', payload: { reason: 'channel_ended' } }))
    const events = await parley.db.channelEvent.findMany({ where: { channelId }, orderBy: { seq: 'asc' } })
    expect(events.at(-1)!.type).toBe('channel.ended')
    expect(parley.services.calls.callOf(channelId)).toBeUndefined()
  })
})

describe('a request that starts as a voice call', () => {
  it('is routed as a call and starts the call when the agent accepts', async () => {
    const agent = connectAgent(parley.url, await login(parley.url, AGENT_EMAILS.anna))
    sockets.push(agent)
    await nextSession.agent(agent)
    await ask(agent, 'agent:set-state', { state: 'ready' })
    const visitor = connectVisitor(parley.url, parley.shopUrl!)
    sockets.push(visitor)
    await nextSession.visitor(visitor)
    const offered = next<RequestView>(agent as never, 'request:offered')
    const created = await ask(visitor, 'request:create', { clientRequestId: 'voice-1', question: 'Please call me', pageUrl: null, kind: 'call' })
    expect(created.ok && created.data.request.kind).toBe('call')
    const offer = await offered
    expect(offer.kind).toBe('call')
    const accepted = await ask<{ channel: ChannelView }>(agent, 'request:accept', { requestId: offer.id })
    expect(accepted.ok && accepted.data.channel.call).toMatchObject({ status: 'active', video: false })
    const channelId = (accepted as { data: { channel: ChannelView } }).data.channel.id
    expect((await callEvents(channelId)).map((e) => e.type)).toEqual(['call.requested', 'call.started'])
    const joined = await ask(visitor, 'media:join', { channelId, callId: (accepted as { data: { channel: ChannelView } }).data.channel.call!.id })
    expect(joined.ok).toBe(true)
    await ask(agent, 'channel:leave', { channelId })
  })
})

describe('calls without a media server', () => {
  it('are refused with a message and the chat goes on', async () => {
    const chatOnly = await startTestParley()
    try {
      const { agent, visitor, channel } = await startChat(chatOnly)
      sockets.push(agent, visitor)
      const asked = await ask(visitor, 'call:request', { channelId: channel.id, video: true })
      expect(asked).toMatchObject({ ok: false, error: { code: 'invalid_state', message: expect.stringContaining('not available') } })
      expect(await ask(visitor, 'request:create', { clientRequestId: 'voice-x', question: 'call me', pageUrl: null, kind: 'call' })).toMatchObject({
        ok: false,
        error: { code: 'invalid_state', message: expect.stringContaining('start a chat') },
      })
      expect((await ask(visitor, 'chat:send', { channelId: channel.id, clientMsgId: 'm1', text: 'ok, chat then' })).ok).toBe(true)
    } finally {
      await chatOnly.close()
    }
  })
})
