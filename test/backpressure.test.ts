/**
 * Backpressure on a slow consumer: an agent console that stops reading (its TCP socket paused)
 * while the visitor keeps typing and writing. Typing previews are dropped for it instead of
 * piling up; channel events are not dropped, so once its buffer stays over the limit the
 * server cuts the connection; the console reconnects, resumes from its last seq, and has every
 * message exactly once, in order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Parley } from '../server/app.js'
import type { ChannelFeedEvent } from '../web/protocol/channel-event.js'
import type { ResumeResult } from '../web/protocol/events.js'
import type { ChannelView } from '../web/protocol/views.js'
import { ask, eventually, next, startChat, startTestParley, type AgentSocket, type VisitorSocket } from './support/parley-harness.js'

let parley: Parley
let agent: AgentSocket
let visitor: VisitorSocket
let channel: ChannelView

const DROP = 8
const CLOSE = 200

beforeAll(async () => {
  parley = await startTestParley({
    SLOW_SOCKET_DROP_PACKETS: String(DROP),
    SLOW_SOCKET_CLOSE_PACKETS: String(CLOSE),
    SLOW_SOCKET_CLOSE_BYTES: String(256 * 1024 * 1024),
    SLOW_SOCKET_CLOSE_MS: '800',
    SOCKET_EVENT_RATE: '1000000',
    MESSAGE_RATE_PER_MEMBER: '1000000',
  })
  ;({ agent, visitor, channel } = await startChat(parley, { clientRequestId: 'slow-1' }))
})

afterAll(async () => {
  agent?.close()
  visitor?.close()
  await parley.close()
})

/** The agent client's TCP socket (socket.io-client over ws in Node). */
const tcpOf = (socket: AgentSocket) => (socket.io.engine.transport as unknown as { ws: { _socket: { pause(): void; resume(): void } } }).ws._socket

describe('a slow consumer', () => {
  it('gets no typing previews while backed up, is cut when channel events pile up, and resumes without losing any', async () => {
    const seen = new Map<number, ChannelFeedEvent>()
    agent.on('channel:event', (event) => void seen.set(event.seq, event))
    let typingSeen = 0
    agent.on('channel:typing', () => void typingSeen++)
    // one message that arrives normally first
    expect((await ask(visitor, 'chat:send', { channelId: channel.id, clientMsgId: 'before', text: 'before the stall' })).ok).toBe(true)
    await eventually(() => expect([...seen.values()].some((event) => event.type === 'chat.message')).toBe(true))

    const level = () => parley.protection.pressure.level('/agent', agent.id!)
    tcpOf(agent).pause()
    const text = 'x'.repeat(4000)
    // fill the kernel's buffers with typing previews until the server holds packets back even
    // after a pause (while the kernel still takes data, the buffer empties again in no time)
    for (let round = 0; round < 2000 && (level()?.packets ?? 0) < DROP; round++) {
      for (let i = 0; i < 25; i++) visitor.emit('chat:typing', { channelId: channel.id, text })
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    expect(level()!.packets).toBeGreaterThanOrEqual(DROP)
    // a backlog that outlives a check is congestion
    await eventually(() => expect(parley.protection.pressure.stats().congested).toBe(1), 3000)

    // more typing is dropped for it, not queued
    const held = level()!.packets
    for (let i = 0; i < 500; i++) visitor.emit('chat:typing', { channelId: channel.id, text })
    await ask(visitor, 'channel:resume', { channelId: channel.id, afterSeq: 0 }) // the visitor's events have all been handled
    expect(level()!.packets - held).toBeLessThanOrEqual(2)

    // channel events are never dropped: they pile up until the connection is cut
    const sent: string[] = []
    for (let i = 0; i < CLOSE + 20; i++) {
      const result = await ask(visitor, 'chat:send', { channelId: channel.id, clientMsgId: `m-${i}`, text: `message ${i}` })
      expect(result.ok).toBe(true)
      sent.push(`m-${i}`)
    }
    await eventually(() => expect(parley.protection.pressure.stats().cut).toBe(1), 5000)
    expect(level()).toBeNull()

    // the console reads again, notices the cut, reconnects and resumes from its last seq
    const reconnected = next(agent as never, 'session', 10_000)
    tcpOf(agent).resume()
    await reconnected
    let afterSeq = 0
    while (seen.has(afterSeq + 1)) afterSeq++
    for (let more = true; more; ) {
      const page = await ask<ResumeResult>(agent, 'channel:resume', { channelId: channel.id, afterSeq })
      if (!page.ok) throw new Error(page.error.message)
      for (const event of page.data.events) seen.set(event.seq, event)
      afterSeq = page.data.events.at(-1)?.seq ?? afterSeq
      more = page.data.hasMore
    }
    const seqs = [...seen.keys()].sort((a, b) => a - b)
    expect(seqs).toEqual(seqs.map((_, i) => i + 1))
    const messages = seqs.map((seq) => seen.get(seq)!).filter((event) => event.type === 'chat.message').map((event) => (event as { clientMsgId?: string | null }).clientMsgId)
    expect(messages.filter((id) => id?.startsWith('m-'))).toEqual(sent)
    // the visitor never noticed
    expect(visitor.connected).toBe(true)
    expect(typingSeen).toBeGreaterThan(0)
  })
})
