/**
 * The socket protocol: typed event maps for socket.io's typed Server and client.
 * Namespaces: `/visitor` (widget, cross-origin, visitor token) and `/agent` (console, session cookie).
 */
import type { z } from 'zod'
import type * as schema from './schemas.js'
import type { ChannelEvent, ChannelFeedEvent, ParticipantRole } from './channel-event.js'
import type { AgentView, CallView, ChannelView, PresenceView, RequestView } from './views.js'
import type { types as msc } from 'mediasoup-client'
import type { PhoneClientEvents } from './phone.js'
import type { AgentHoldView } from './cart.js'

/** Error codes carried by error acks and `error` events (closed union). */
export type ErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'invalid_state'
  | 'payload_too_large'
  | 'origin_refused'
  | 'rate_limited'
  | 'internal'

export interface ErrorBody {
  code: ErrorCode
  message: string
  /** field-level problems of a rejected payload */
  issues?: { path: string; message: string }[]
  /** rate_limited: try again after this many milliseconds */
  retryAfterMs?: number
}

export type AckResult<T> = { ok: true; data: T } | { ok: false; error: ErrorBody }
export type Ack<T> = (result: AckResult<T>) => void

export type RequestCreate = z.input<typeof schema.requestCreate>
export type ChatSend = z.input<typeof schema.chatSend>
export type ChatTyping = z.input<typeof schema.chatTyping>
export type ChannelResume = z.input<typeof schema.channelResume>
export type ChannelAck = z.input<typeof schema.channelAck>
export type AgentSetState = z.input<typeof schema.agentSetState>
export type RequestSchedule = z.input<typeof schema.requestSchedule>

export interface ResumeResult {
  channel: ChannelView
  /** every seq after the one asked for; events the receiver may not see come as `hidden` */
  events: ChannelFeedEvent[]
  /** more events after the last one returned: call again from its seq */
  hasMore: boolean
}

export interface SendResult {
  seq: number
  at: string
  /** the message had already been stored (a retried send) */
  duplicate: boolean
  /** the stored event: the sending socket gets it here instead of a `channel:event` */
  event: ChannelEvent
}

/** Live typing preview. `text` only reaches agents; visitors see that someone types. */
export interface TypingSignal {
  channelId: string
  participantId: string
  role: ParticipantRole
  name: string
  text?: string
}

export interface AckedSignal {
  channelId: string
  participantId: string
  seq: number
}

export type CallRequest = z.input<typeof schema.callRequest>
export type CallAnswer = z.input<typeof schema.callAnswer>
export type CallRef = z.input<typeof schema.callRef>
export type CallRecord = z.input<typeof schema.callRecord>

/** What a mediasoup-client Device needs to create a transport (`device.createSendTransport(params)`). */
export interface MediaTransportParams {
  id: string
  direction: 'send' | 'recv'
  iceParameters: msc.IceParameters
  iceCandidates: msc.IceCandidate[]
  dtlsParameters: msc.DtlsParameters
}

/** A consumer to create on the recv transport (`transport.consume(...)`), then resume. */
export interface MediaConsumerParams {
  channelId: string
  id: string
  producerId: string
  kind: 'audio' | 'video'
  rtpParameters: msc.RtpParameters
  /** channel participant who produces it, and what it is */
  participantId: string
  source: 'audio' | 'video' | 'screen' | 'phone'
  producerPaused: boolean
}

export interface MediaJoinResult {
  routerRtpCapabilities: msc.RtpCapabilities
  /** produce audio with this codec (PCMU when the call is bridged to the phone) */
  audioMimeType: 'audio/opus' | 'audio/PCMU'
}

export interface MediaSetupResult {
  send: MediaTransportParams
  recv: MediaTransportParams
  /** what the others already produce */
  consumers: MediaConsumerParams[]
}

/**
 * Calls, for both kinds of channel member. Flow: `call:request` → the other side gets a
 * `call.requested` channel event and answers with `call:answer` → `call.started`; each side
 * then `media:join` (load the Device) → `media:setup` (transports + existing consumers) →
 * `media:connect` on the transports' `connect` → `media:produce` per track; new producers of
 * the others arrive as `media:consume`. On `media.failed` (or a `call.started` for the same
 * call after the media server was lost) a client drops its media and joins again.
 */
export interface CallClientEvents extends PhoneClientEvents {
  'call:request': (payload: CallRequest, ack: Ack<{ call: CallView }>) => void
  'call:answer': (payload: CallAnswer, ack: Ack<{ call: CallView }>) => void
  'call:hangup': (payload: CallRef, ack: Ack<{ call: CallView }>) => void
  /** agents: record the call (each voice to its own file), when the tenant allows it; everyone is told */
  'call:record': (payload: CallRecord, ack: Ack<{ call: CallView }>) => void
  'media:join': (payload: CallRef, ack: Ack<MediaJoinResult>) => void
  'media:setup': (payload: { channelId: string; callId: string; rtpCapabilities: msc.RtpCapabilities }, ack: Ack<MediaSetupResult>) => void
  'media:connect': (payload: { channelId: string; transportId: string; dtlsParameters: msc.DtlsParameters }, ack: Ack<Record<string, never>>) => void
  'media:produce': (
    payload: { channelId: string; transportId: string; kind: 'audio' | 'video'; rtpParameters: msc.RtpParameters; source: 'audio' | 'video' | 'screen'; paused?: boolean },
    ack: Ack<{ producerId: string }>,
  ) => void
  'media:producer': (payload: { channelId: string; producerId: string; action: 'pause' | 'resume' | 'close' }, ack: Ack<Record<string, never>>) => void
  'media:consumer': (payload: { channelId: string; consumerId: string; action: 'pause' | 'resume' }, ack: Ack<Record<string, never>>) => void
  'media:restart-ice': (payload: { channelId: string; transportId: string }, ack: Ack<{ iceParameters: msc.IceParameters }>) => void
}

export interface CallServerEvents {
  /** another participant started producing: consume it */
  'media:consume': (params: MediaConsumerParams) => void
  'media:consumer-changed': (change: { channelId: string; consumerId: string; producerId: string; change: 'producer-paused' | 'producer-resumed' | 'closed' }) => void
  /** who is speaking now */
  'media:speaker': (speaker: { channelId: string; participantId: string }) => void
}

export type PageViewed = z.input<typeof schema.pageViewed>
export type LeadNavigate = z.input<typeof schema.leadNavigate>
export type LeadHighlight = z.input<typeof schema.leadHighlight>
export type LeadFill = z.input<typeof schema.leadFill>

type Done = Ack<Record<string, never>>

/**
 * Browser leading, for every channel member (the agent's co-browsing tab included). Only the
 * current leader may navigate, highlight, fill, scroll and click; the leader or an agent passes
 * the baton. Each is a channel event; followers apply them (web/widget/lead-follower.ts).
 */
export interface LeadClientEvents {
  /** the page this member's browser shows now (a leader's page change also leads followers there) */
  'page:viewed': (payload: PageViewed, ack: Done) => void
  'lead:navigate': (payload: LeadNavigate, ack: Done) => void
  'lead:pass': (payload: z.input<typeof schema.leadPass>, ack: Ack<{ channel: ChannelView }>) => void
  'lead:highlight': (payload: LeadHighlight, ack: Done) => void
  'lead:clear-highlight': (payload: z.input<typeof schema.leadClearHighlight>, ack: Done) => void
  'lead:fill': (payload: LeadFill, ack: Done) => void
  /** fire-and-forget, throttled by the leader */
  'lead:scroll': (payload: z.input<typeof schema.leadScroll>) => void
  'lead:click': (payload: z.input<typeof schema.leadClick>) => void
}

/** Events both kinds of channel member send. */
export interface ChannelMemberClientEvents extends CallClientEvents, LeadClientEvents {
  'channel:resume': (payload: ChannelResume, ack: Ack<ResumeResult>) => void
  'chat:send': (payload: ChatSend, ack: Ack<SendResult>) => void
  'chat:typing': (payload: ChatTyping) => void
  'channel:ack': (payload: ChannelAck) => void
  'channel:leave': (payload: { channelId: string }, ack: Ack<{ channel: ChannelView }>) => void
}

/** Events both kinds of channel member receive. */
export interface ChannelMemberServerEvents extends CallServerEvents {
  'channel:joined': (channel: ChannelView) => void
  'channel:event': (event: ChannelFeedEvent) => void
  'channel:typing': (signal: TypingSignal) => void
  'channel:acked': (signal: AckedSignal) => void
  /** a problem with an event that has no ack (e.g. typing) */
  error: (error: ErrorBody) => void
}

export interface VisitorSession {
  visitorId: string
  /** signed token to keep as a first-party cookie on the shop's site */
  visitorToken: string
  returning: boolean
  requests: RequestView[]
  channels: ChannelView[]
}

export interface VisitorClientToServer extends ChannelMemberClientEvents {
  'request:create': (payload: RequestCreate, ack: Ack<{ request: RequestView }>) => void
  'request:cancel': (payload: { requestId: string }, ack: Ack<{ request: RequestView }>) => void
  /** move a waiting request to a later time slot (an overflow choice) */
  'request:schedule': (payload: RequestSchedule, ack: Ack<{ request: RequestView }>) => void
  /** join a group session with the token of an agent's invitation link */
  'channel:join': (payload: z.input<typeof schema.channelJoin>, ack: Ack<{ channel: ChannelView }>) => void
}

export interface VisitorServerToClient extends ChannelMemberServerEvents {
  session: (session: VisitorSession) => void
  'request:update': (request: RequestView) => void
  /** a scheduled session starts soon */
  'request:reminder': (request: RequestView) => void
}

export interface AgentSession {
  agent: AgentView
  offers: RequestView[]
  channels: ChannelView[]
  /** reasons the tenant offers per chosen state */
  stateReasons: { not_ready: string[]; break: string[]; away: string[] }
}

export type WithdrawReason = 'accepted' | 'cancelled' | 'abandoned' | 'unavailable' | 'expired' | 'declined' | 'scheduled'

/** What a supervisor watches live. */
export interface SupervisorSnapshot {
  queues: (PresenceView['queues'][number] & { longestWaitSec: number })[]
  waiting: (RequestView & { waitedSec: number; offeredTo: string | null })[]
  agents: (AgentView & { connected: boolean; overCapacity: boolean; skills: { skill: string; proficiency: number }[] })[]
  /** agents handling more than their capacity */
  alerts: { agentId: string; message: string }[]
  /** open conversations, to monitor */
  channels: LiveChannelView[]
  updatedAt: string
}

/** An open conversation as the supervisor's live view lists it. */
export interface LiveChannelView {
  id: string
  kind: 'chat' | 'call'
  question: string
  openedAt: string
  agents: string[]
  visitors: number
  /** names of the supervisors monitoring it */
  monitoredBy: string[]
  inCall: boolean
}

export interface AgentClientToServer extends ChannelMemberClientEvents {
  'agent:set-state': (payload: AgentSetState, ack: Ack<{ agent: AgentView }>) => void
  'request:accept': (payload: { requestId: string }, ack: Ack<{ channel: ChannelView }>) => void
  'request:decline': (payload: { requestId: string }, ack: Ack<{ requestId: string }>) => void
  /** supervisors and admins: start/stop the live view */
  'supervisor:watch': (payload: { watch: boolean }, ack: Ack<{ snapshot: SupervisorSnapshot | null }>) => void
  /** supervisors and admins: watch a live channel (visitors are not shown the monitor) */
  'supervisor:monitor': (payload: z.input<typeof schema.supervisorMonitor>, ack: Ack<{ channel: ChannelView }>) => void
  /** a monitoring supervisor joins visibly */
  'supervisor:barge': (payload: z.input<typeof schema.supervisorMonitor>, ack: Ack<{ channel: ChannelView }>) => void
  /** a link that opens a shop page as this agent's co-browsing tab for the channel */
  'lead:companion': (payload: z.input<typeof schema.leadCompanion>, ack: Ack<LinkResult>) => void
  /** an invitation link for more visitors (a group session, up to the tenant's seat cap) */
  'channel:invite': (payload: z.input<typeof schema.channelInvite>, ack: Ack<LinkResult & { seats: { used: number; max: number } }>) => void
}

/** A signed link to a page of the tenant's site (the token rides in the URL fragment). */
export interface LinkResult {
  url: string
  token: string
  expiresAt: string
}

/**
 * The agent's co-browsing tab: the shop page opened from the console with a lead token. It
 * speaks to `/agent` with `auth: { leadToken }` from the tenant's site and may only lead,
 * follow and read its one channel.
 */
export type CompanionClientToServer = Pick<AgentClientToServer, 'channel:resume' | 'channel:ack' | 'lead:pass' | keyof LeadClientEvents>

export interface CompanionSession {
  channel: ChannelView
  agent: { id: string; displayName: string }
}

export interface CompanionServerToClient extends Pick<ChannelMemberServerEvents, 'channel:event' | 'channel:acked' | 'error'> {
  session: (session: CompanionSession) => void
}

export interface AgentServerToClient extends ChannelMemberServerEvents {
  session: (session: AgentSession) => void
  'agent:updated': (agent: AgentView) => void
  'request:offered': (request: RequestView) => void
  'request:withdrawn': (withdrawal: { requestId: string; reason: WithdrawReason }) => void
  'supervisor:snapshot': (snapshot: SupervisorSnapshot) => void
  /** this agent is held for a proactive offer: if the shopper says yes, the conversation opens at once */
  'offer:hold': (hold: AgentHoldView) => void
  /** the hold is over (answered, ran out, withdrawn) */
  'offer:hold-ended': (ended: { offerId: string }) => void
}
