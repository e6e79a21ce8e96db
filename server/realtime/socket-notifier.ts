/** The Notifier over socket.io rooms in the /visitor and /agent namespaces. */
import type { Namespace } from 'socket.io'
import type { ChannelEvent, HiddenEvent } from '../../web/protocol/channel-event.js'
import type { AckedSignal, AgentClientToServer, CallServerEvents, MediaConsumerParams, AgentServerToClient, SupervisorSnapshot, TypingSignal, VisitorClientToServer, VisitorServerToClient, WithdrawReason } from '../../web/protocol/events.js'
import type { AgentView, ChannelView, RequestView } from '../../web/protocol/views.js'
import { audienceOf } from '../domain/event-audience.js'
import type { Member, Notifier } from '../services/notifier.js'
import { rooms } from './rooms.js'

export type VisitorNamespace = Namespace<VisitorClientToServer, VisitorServerToClient>
export type AgentNamespace = Namespace<AgentClientToServer, AgentServerToClient>

const memberRoom = (member: Member) => (member.kind === 'agent' ? rooms.agent(member.agentId) : rooms.visitor(member.visitorId))

export class SocketNotifier implements Notifier {
  /** who a channel's participant is (set once the services exist), for events meant for some participants only */
  memberOf: (channelId: string, participantId: string) => Member | null = () => null

  constructor(
    private readonly visitors: VisitorNamespace,
    private readonly agents: AgentNamespace,
  ) {}

  joinChannel(channelId: string, member: Member): void {
    this.memberSockets(member).socketsJoin(rooms.channel(channelId))
  }

  leaveChannel(channelId: string, member: Member): void {
    this.memberSockets(member).socketsLeave(rooms.channel(channelId))
  }

  channelEvents(events: readonly { event: ChannelEvent; originSocketId?: string }[]): void {
    for (const { event, originSocketId } of events) {
      const room = rooms.channel(event.channelId)
      const except = originSocketId ? [originSocketId] : []
      const audience = audienceOf(event)
      if (audience.kind === 'everyone') {
        this.agents.to(room).except(except).emit('channel:event', event)
        this.visitors.to(room).except(except).emit('channel:event', event)
        continue
      }
      // NOTE: whoever may not see an event still gets its seq, so every client's log stays dense.
      const hidden: HiddenEvent = { channelId: event.channelId, seq: event.seq, type: 'hidden' }
      if (audience.kind === 'staff') {
        this.agents.to(room).except(except).emit('channel:event', event)
        this.visitors.to(room).except(except).emit('channel:event', hidden)
        continue
      }
      const members = audience.ids.map((id) => this.memberOf(event.channelId, id)).filter((member): member is Member => member !== null)
      const agentRooms = members.filter((member) => member.kind === 'agent').map(memberRoom)
      const visitorRooms = members.filter((member) => member.kind === 'visitor').map(memberRoom)
      if (agentRooms.length) this.agents.to(agentRooms).except(except).emit('channel:event', event)
      this.agents.to(room).except([...except, ...agentRooms]).emit('channel:event', hidden)
      if (visitorRooms.length) this.visitors.to(visitorRooms).except(except).emit('channel:event', event)
      this.visitors.to(room).except([...except, ...visitorRooms]).emit('channel:event', hidden)
    }
  }

  typing(signal: TypingSignal, exceptSocketId?: string, staffOnly = false): void {
    const room = rooms.channel(signal.channelId)
    // Agents see the live text; visitors only see that someone types ('' still means "stopped").
    const { text: _text, ...withoutText } = signal
    const forVisitors = signal.text ? withoutText : signal
    // Droppable: a backed-up socket gets no typing previews (rooms.congested).
    const except = exceptSocketId ? [exceptSocketId, rooms.congested] : [rooms.congested]
    this.agents.to(room).except(except).emit('channel:typing', signal)
    if (!staffOnly) this.visitors.to(room).except(except).emit('channel:typing', forVisitors)
  }

  acked(signal: AckedSignal, staffOnly = false): void {
    const room = rooms.channel(signal.channelId)
    this.agents.to(room).emit('channel:acked', signal)
    if (!staffOnly) this.visitors.to(room).emit('channel:acked', signal)
  }

  channelJoined(member: Member, view: ChannelView): void {
    if (member.kind === 'agent') this.agents.to(rooms.agent(member.agentId)).emit('channel:joined', view)
    else this.visitors.to(rooms.visitor(member.visitorId)).emit('channel:joined', view)
  }

  requestOffered(agentId: string, request: RequestView): void {
    this.agents.to(rooms.agent(agentId)).emit('request:offered', request)
  }

  requestWithdrawn(agentId: string, requestId: string, reason: WithdrawReason): void {
    this.agents.to(rooms.agent(agentId)).emit('request:withdrawn', { requestId, reason })
  }

  requestUpdated(visitorId: string, request: RequestView): void {
    this.visitors.to(rooms.visitor(visitorId)).emit('request:update', request)
  }

  requestReminder(visitorId: string, request: RequestView): void {
    this.visitors.to(rooms.visitor(visitorId)).emit('request:reminder', request)
  }

  supervisorSnapshot(tenantId: string, snapshot: SupervisorSnapshot): void {
    this.agents.to(rooms.supervisors(tenantId)).emit('supervisor:snapshot', snapshot)
  }

  agentUpdated(agent: AgentView): void {
    this.agents.to(rooms.agent(agent.id)).emit('agent:updated', agent)
  }

  mediaConsume(member: Member, params: MediaConsumerParams): void {
    if (member.kind === 'agent') this.agents.to(rooms.agent(member.agentId)).emit('media:consume', params)
    else this.visitors.to(rooms.visitor(member.visitorId)).emit('media:consume', params)
  }

  mediaConsumerChanged(member: Member, change: Parameters<CallServerEvents['media:consumer-changed']>[0]): void {
    if (member.kind === 'agent') this.agents.to(rooms.agent(member.agentId)).emit('media:consumer-changed', change)
    else this.visitors.to(rooms.visitor(member.visitorId)).emit('media:consumer-changed', change)
  }

  mediaSpeaker(channelId: string, participantId: string): void {
    this.agents.to(rooms.channel(channelId)).except(rooms.congested).emit('media:speaker', { channelId, participantId })
    this.visitors.to(rooms.channel(channelId)).except(rooms.congested).emit('media:speaker', { channelId, participantId })
  }

  private memberSockets(member: Member) {
    return member.kind === 'agent' ? this.agents.in(rooms.agent(member.agentId)) : this.visitors.in(rooms.visitor(member.visitorId))
  }
}
