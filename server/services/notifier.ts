/**
 * How services reach connected clients, without knowing about sockets. The realtime gateway
 * implements it over socket.io rooms (one per agent, visitor and channel).
 */
import type { ChannelEvent } from '../../web/protocol/channel-event.js'
import type { AckedSignal, CallServerEvents, MediaConsumerParams, SupervisorSnapshot, TypingSignal, WithdrawReason } from '../../web/protocol/events.js'
import type { AgentView, ChannelView, RequestView } from '../../web/protocol/views.js'

export type Member = { kind: 'agent'; agentId: string } | { kind: 'visitor'; visitorId: string }

export interface Notifier {
  /** Put every live socket of the member into the channel's room. */
  joinChannel(channelId: string, member: Member): void
  /** Take every live socket of the member out of the channel's room. */
  leaveChannel(channelId: string, member: Member): void
  /** Fan committed events out to the channel rooms, leaving out each event's origin socket. */
  channelEvents(events: readonly { event: ChannelEvent; originSocketId?: string }[]): void
  /** `exceptSocketId`: the sender's own socket does not get its echo; `staffOnly`: a monitoring supervisor's */
  typing(signal: TypingSignal, exceptSocketId?: string, staffOnly?: boolean): void
  /** `staffOnly`: a monitoring supervisor's receipt (visitors do not know they are there) */
  acked(signal: AckedSignal, staffOnly?: boolean): void
  channelJoined(member: Member, view: ChannelView): void
  requestOffered(agentId: string, request: RequestView): void
  requestWithdrawn(agentId: string, requestId: string, reason: WithdrawReason): void
  requestUpdated(visitorId: string, request: RequestView): void
  requestReminder(visitorId: string, request: RequestView): void
  agentUpdated(agent: AgentView): void
  /** the live view for the tenant's supervisors who watch it */
  supervisorSnapshot(tenantId: string, snapshot: SupervisorSnapshot): void
  /** a member's client is to consume a new producer of the call */
  mediaConsume(member: Member, params: MediaConsumerParams): void
  mediaConsumerChanged(member: Member, change: Parameters<CallServerEvents['media:consumer-changed']>[0]): void
  /** the call's active speaker changed */
  mediaSpeaker(channelId: string, participantId: string): void
}
