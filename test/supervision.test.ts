/**
 * Supervision over real sockets: a supervisor monitors silently (visitors get no trace of
 * them: not in the channel view, their events as bare stand-ins), whispers with the agent
 * (a visitor socket never receives a whisper, live or on resume), then barges in and everyone
 * sees them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Parley } from '../server/app.js'
import type { ChannelFeedEvent } from '../web/protocol/channel-event.js'
import type { SupervisorSnapshot } from '../web/protocol/events.js'
import type { ChannelView } from '../web/protocol/views.js'
import { AGENT_EMAILS, ask, connectAgent, eventually, login, next, nextSession, startChat, startTestParley, type AgentSocket, type VisitorSocket } from './support/parley-harness.js'

let parley: Parley
let agent: AgentSocket
let visitor: VisitorSocket
let supervisor: AgentSocket
let channel: ChannelView
const sockets: { close(): void }[] = []
/** every packet the visitor socket receives, of any event */
const visitorPackets: { event: string; args: unknown[] }[] = []
const toAgent: ChannelFeedEvent[] = []

beforeAll(async () => {
  parley = await startTestParley()
  ;({ agent, visitor, channel } = await startChat(parley, { question: 'can I get a discount?' }))
  visitor.onAny((event, ...args) => visitorPackets.push({ event, args }))
  agent.on('channel:event', (event) => toAgent.push(event))
  supervisor = connectAgent(parley.url, await login(parley.url, AGENT_EMAILS.sam))
  await nextSession.agent(supervisor)
  sockets.push(agent, visitor, supervisor)
})

afterAll(async () => {
  for (const socket of sockets) socket.close()
  await parley.close()
})

const visitorText = () => JSON.stringify(visitorPackets)

describe('supervision', () => {
  it('lists live conversations in the supervisor’s live view', async () => {
    const watched = await ask<{ snapshot: SupervisorSnapshot }>(supervisor, 'supervisor:watch', { watch: true })
    if (!watched.ok) throw new Error(watched.error.message)
    expect(watched.data.snapshot.channels).toEqual([expect.objectContaining({ id: channel.id, question: 'can I get a discount?', agents: ['Anna'], visitors: 1, monitoredBy: [] })])
  })

  it('refuses monitoring to plain agents', async () => {
    const ben = connectAgent(parley.url, await login(parley.url, AGENT_EMAILS.ben))
    sockets.push(ben)
    await nextSession.agent(ben)
    expect(await ask(ben, 'supervisor:monitor', { channelId: channel.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await ask(supervisor, 'supervisor:monitor', { channelId: 'ch_nope' })).toMatchObject({ ok: false, error: { code: 'invalid_state' } })
  })

  it('monitors silently: the visitor is not told', async () => {
    const snapshot = next<SupervisorSnapshot>(supervisor as never, 'supervisor:snapshot')
    const monitored = await ask<{ channel: ChannelView }>(supervisor, 'supervisor:monitor', { channelId: channel.id })
    if (!monitored.ok) throw new Error(monitored.error.message)
    expect(monitored.data.channel.participants.map((p) => [p.role, p.silent])).toEqual([['visitor', false], ['agent', false], ['supervisor', true]])
    expect((await snapshot).channels[0]?.monitoredBy).toEqual(['Sam Supervisor'])
    await eventually(() => expect(toAgent.some((e) => e.type === 'participant.joined' && e.payload.silent === true)).toBe(true))
    const view = await ask<{ channel: ChannelView }>(visitor, 'channel:resume', { channelId: channel.id, afterSeq: 0 })
    expect(view.ok && view.data.channel.participants.map((p) => p.role)).toEqual(['visitor', 'agent'])
    await eventually(() => expect(visitorPackets.some((p) => p.event === 'channel:event' && (p.args[0] as ChannelFeedEvent).type === 'hidden')).toBe(true))
    expect(visitorText()).not.toContain('Sam')
  })

  it('a monitoring supervisor cannot talk to the visitor', async () => {
    expect(await ask(supervisor, 'chat:send', { channelId: channel.id, clientMsgId: 'su-1', text: 'hello visitor' })).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('whisper') } })
    expect(await ask(visitor, 'chat:send', { channelId: channel.id, clientMsgId: 'v-w', text: 'sneaky', whisper: true })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
  })

  it('whispers between supervisor and agent never reach the visitor socket, live or on resume', async () => {
    supervisor.emit('chat:typing', { channelId: channel.id, text: 'offer them ten per' })
    const sent = await ask(supervisor, 'chat:send', { channelId: channel.id, clientMsgId: 'wh-1', text: 'offer them ten percent off', whisper: true })
    expect(sent.ok).toBe(true)
    const reply = await ask(agent, 'chat:send', { channelId: channel.id, clientMsgId: 'wh-2', text: 'ok, will do', whisper: true })
    expect(reply.ok).toBe(true)
    await eventually(() => expect(toAgent.filter((e) => e.type === 'whisper.message').map((e) => e.type === 'whisper.message' && e.payload.text)).toEqual(['offer them ten percent off']))
    await ask(agent, 'chat:send', { channelId: channel.id, clientMsgId: 'a-1', text: 'I can give you 10% off.' })
    await eventually(() => expect(visitorText()).toContain('10% off'))
    const resumed = await ask<{ events: ChannelFeedEvent[] }>(visitor, 'channel:resume', { channelId: channel.id, afterSeq: 0 })
    if (!resumed.ok) throw new Error(resumed.error.message)
    expect(resumed.data.events.map((e) => e.seq)).toEqual(resumed.data.events.map((_, i) => i + 1))
    visitorPackets.push({ event: 'resume', args: [resumed.data] })
    const all = visitorText()
    expect(all).not.toContain('ten percent')
    expect(all).not.toContain('will do')
    expect(all).not.toContain('ten per')
    expect(all).not.toContain('whisper')
    // the agent's own resume has them
    const staff = await ask<{ events: ChannelFeedEvent[] }>(agent, 'channel:resume', { channelId: channel.id, afterSeq: 0 })
    expect(staff.ok && staff.data.events.filter((e) => e.type === 'whisper.message').length).toBe(2)
  })

  it('barges in: everyone sees the supervisor, who then chats normally', async () => {
    const barged = await ask<{ channel: ChannelView }>(supervisor, 'supervisor:barge', { channelId: channel.id })
    if (!barged.ok) throw new Error(barged.error.message)
    await eventually(() => expect(visitorPackets.some((p) => p.event === 'channel:event' && JSON.stringify(p.args).includes('"barged":true'))).toBe(true))
    const view = await ask<{ channel: ChannelView }>(visitor, 'channel:resume', { channelId: channel.id, afterSeq: 0 })
    expect(view.ok && view.data.channel.participants.map((p) => p.name)).toContain('Sam Supervisor')
    expect(await ask(supervisor, 'chat:send', { channelId: channel.id, clientMsgId: 'su-2', text: 'Hi, Sam here, I approve the discount.' })).toMatchObject({ ok: true })
    await eventually(() => expect(visitorText()).toContain('I approve the discount'))
    expect(await ask(agent, 'supervisor:barge', { channelId: channel.id })).toMatchObject({ ok: false })
  })

  it('the supervisor leaving does not end the conversation', async () => {
    expect(await ask(supervisor, 'channel:leave', { channelId: channel.id })).toMatchObject({ ok: true })
    expect(parley.services.channels.isOpen(channel.id)).toBe(true)
    expect(parley.services.agents.get(parley.services.channels.participantsOf(channel.id).find((p) => p.role === 'agent')!.agentId!)?.channels.size).toBe(1)
  })
})
