/**
 * One-to-many sessions over real sockets: an agent invites more visitors with a signed link,
 * the tenant's seat cap holds, the leader's navigation reaches every visitor, sidebars stay
 * between their two participants, and the session ends with its last visitor.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Parley } from '../server/app.js'
import type { ChannelFeedEvent } from '../web/protocol/channel-event.js'
import type { ChannelView } from '../web/protocol/views.js'
import { ask, connectVisitor, eventually, next, nextSession, startChat, startTestParley, type AgentSocket, type VisitorSocket } from './support/parley-harness.js'

let parley: Parley
let agent: AgentSocket
let host: VisitorSocket
let channel: ChannelView
let token: string
const sockets: { close(): void }[] = []
const guests: { socket: VisitorSocket; events: ChannelFeedEvent[]; participantId: string }[] = []

beforeAll(async () => {
  parley = await startTestParley()
  const tenant = await parley.db.tenant.findUniqueOrThrow({ where: { slug: 'demo' } })
  await parley.db.tenant.update({ where: { id: tenant.id }, data: { settings: JSON.stringify({ ...JSON.parse(tenant.settings), maxVisitorsPerChannel: 3 }) } })
  parley.services.routing.invalidate(tenant.id)
  ;({ agent, visitor: host, channel } = await startChat(parley, { question: 'guided tour please' }))
  sockets.push(agent, host)
})

afterAll(async () => {
  for (const socket of sockets) socket.close()
  await parley.close()
})

async function guest(): Promise<VisitorSocket> {
  const socket = connectVisitor(parley.url, parley.shopUrl!)
  sockets.push(socket)
  await nextSession.visitor(socket)
  return socket
}

describe('a group session', () => {
  it('gives the agent an invitation link with the seats left', async () => {
    const invite = await ask<{ url: string; token: string; seats: { used: number; max: number } }>(agent, 'channel:invite', { channelId: channel.id, url: `${parley.shopUrl}/` })
    if (!invite.ok) throw new Error(invite.error.message)
    token = invite.data.token
    expect(invite.data.url).toBe(`${parley.shopUrl}/#parley-join=${token}`)
    expect(invite.data.seats).toEqual({ used: 1, max: 3 })
    expect(await ask(host, 'channel:invite', { channelId: channel.id })).toMatchObject({ ok: false })
  })

  it('lets invited visitors join up to the seat cap', async () => {
    for (let i = 0; i < 2; i++) {
      const socket = await guest()
      const joined = next<ChannelView>(socket as never, 'channel:joined')
      const answer = await ask<{ channel: ChannelView }>(socket, 'channel:join', { token })
      if (!answer.ok) throw new Error(answer.error.message)
      expect((await joined).id).toBe(channel.id)
      const events: ChannelFeedEvent[] = []
      socket.on('channel:event', (event) => events.push(event))
      guests.push({ socket, events, participantId: answer.data.channel.selfParticipantId! })
    }
    // joining again is harmless
    expect(await ask(guests[0]!.socket, 'channel:join', { token })).toMatchObject({ ok: true })
    const late = await guest()
    expect(await ask(late, 'channel:join', { token })).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('full') } })
    expect(await ask(late, 'channel:join', { token: token.slice(0, -3) + 'abc' })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(parley.services.channels.participantsOf(channel.id).filter((p) => p.role === 'visitor')).toHaveLength(3)
  })

  it('sends every visitor where the leader goes', async () => {
    const url = `${parley.shopUrl}/products/city-c3`
    expect(await ask(agent, 'lead:navigate', { channelId: channel.id, url })).toMatchObject({ ok: true })
    await eventually(() => {
      for (const { events } of guests) expect(events.some((e) => e.type === 'lead.navigate' && e.payload.url === url)).toBe(true)
    })
  })

  it('keeps a sidebar between its two participants', async () => {
    const [a, b] = guests
    const agentParticipant = channel.participants.find((p) => p.role === 'agent')!.id
    const sent = await ask(a!.socket, 'chat:send', { channelId: channel.id, clientMsgId: 'side-1', text: 'privately: is there a student discount?', to: agentParticipant })
    expect(sent.ok).toBe(true)
    const seq = sent.ok ? (sent.data as { seq: number }).seq : 0
    await eventually(() => expect(b!.events.find((e) => e.seq === seq)).toEqual({ channelId: channel.id, seq, type: 'hidden' }))
    const staff = await ask<{ events: ChannelFeedEvent[] }>(agent, 'channel:resume', { channelId: channel.id, afterSeq: seq - 1 })
    expect(staff.ok && staff.data.events[0]).toMatchObject({ type: 'sidebar.message', payload: { toParticipantId: agentParticipant } })
    const other = await ask<{ events: ChannelFeedEvent[] }>(b!.socket, 'channel:resume', { channelId: channel.id, afterSeq: 0 })
    expect(JSON.stringify(other)).not.toContain('student discount')
    expect(await ask(b!.socket, 'chat:send', { channelId: channel.id, clientMsgId: 'side-2', text: 'me', to: b!.participantId })).toMatchObject({ ok: false, error: { code: 'bad_request' } })
  })

  it('gives the lead back to the agent when a visitor leader leaves, and ends with the last visitor', async () => {
    const [a, b] = guests
    await ask(agent, 'lead:pass', { channelId: channel.id, participantId: a!.participantId })
    expect(await ask(a!.socket, 'channel:leave', { channelId: channel.id })).toMatchObject({ ok: true })
    expect(parley.services.channels.get(channel.id)?.leaderId).toBe(channel.participants.find((p) => p.role === 'agent')!.id)
    await ask(b!.socket, 'channel:leave', { channelId: channel.id })
    expect(parley.services.channels.isOpen(channel.id)).toBe(true)
    await ask(host, 'channel:leave', { channelId: channel.id })
    expect(parley.services.channels.isOpen(channel.id)).toBe(false)
    const row = await parley.db.channel.findUniqueOrThrow({ where: { id: channel.id } })
    expect(row.endReason).toBe('visitor_left')
  })
})
