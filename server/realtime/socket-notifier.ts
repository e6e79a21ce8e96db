/** The Notifier over socket.io rooms in the /visitor and /agent namespaces. */
import type { Namespace } from 'socket.io'
import type { ChannelEvent } from '../../web/protocol/channel-event.js'
import type { AckedSignal, AgentClientToServer, CallServerEvents, MediaConsumerParams, AgentServerToClient, SupervisorSnapshot, TypingSignal, VisitorClientToServer, VisitorServerToClient, WithdrawReason } from '../../web/protocol/events.js'
import type { AgentView, ChannelView, RequestView } from '../../web/protocol/views.js'
import type { Member, Notifier } from '../services/notifier.js'
import { rooms } from './rooms.js'

export type VisitorNamespace = Namespace<VisitorClientToServer, VisitorServerToClient>
export type AgentNamespace = Namespace<AgentClientToServer, AgentServerToClient>

/** Events a visitor socket may receive: everything in the log for now (whispers will not be). */
export function visibleToVisitors(_event: ChannelEvent): boolean {
  return true
}

export class SocketNotifier implements Notifier {
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
      this.agents.to(room).except(except).emit('channel:event', event)
      if (visibleToVisitors(event)) this.visitors.to(room).except(except).emit('channel:event', event)
    }
  }

  typing(signal: TypingSignal, exceptSocketId?: string): void {
    const room = rooms.channel(signal.channelId)
    // Agents see the live text; visitors only see that someone types ('' still means "stopped").
    const { text: _text, ...withoutText } = signal
    const forVisitors = signal.text ? withoutText : signal
    const except = exceptSocketId ? [exceptSocketId] : []
    this.agents.to(room).except(except).emit('channel:typing', signal)
    this.visitors.to(room).except(except).emit('channel:typing', forVisitors)
  }

  acked(signal: AckedSignal): void {
    const room = rooms.channel(signal.channelId)
    this.agents.to(room).emit('channel:acked', signal)
    this.visitors.to(room).emit('channel:acked', signal)
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
    this.agents.to(rooms.channel(channelId)).emit('media:speaker', { channelId, participantId })
    this.visitors.to(rooms.channel(channelId)).emit('media:speaker', { channelId, participantId })
  }

  private memberSockets(member: Member) {
    return member.kind === 'agent' ? this.agents.in(rooms.agent(member.agentId)) : this.visitors.in(rooms.visitor(member.visitorId))
  }
}
