import type { ChannelEndReason, ParticipantRole } from './channel-event.js'

/**
 * Agent availability (closed union). Agents choose ready, not_ready, break and away; the
 * system sets busy (at capacity), wrap_up (timed, after a conversation) and offline.
 */
export type AgentState = 'ready' | 'not_ready' | 'break' | 'away' | 'offline' | 'busy' | 'wrap_up'

export const AGENT_STATES: readonly AgentState[] = ['ready', 'not_ready', 'break', 'away', 'offline', 'busy', 'wrap_up']

/** States an agent may pick; the others are set by the system. */
export type ChosenAgentState = 'ready' | 'not_ready' | 'break' | 'away'

/** Kind of conversation a request asks for. */
export type ChannelKind = 'chat' | 'call'

export type AgentRole = 'agent' | 'supervisor' | 'admin'

/** Lifecycle of a visitor's request; only moves forward (scheduled -> queued -> accepted). */
export type RequestStatus = 'scheduled' | 'queued' | 'accepted' | 'cancelled' | 'abandoned'

export interface AgentView {
  id: string
  tenantId: string
  email: string
  displayName: string
  role: AgentRole
  state: AgentState
  /** the reason picked with the state, if any */
  stateReason: string | null
  stateChangedAt: string
  /** when a timed state (wrap-up) ends by itself */
  stateUntil: string | null
  maxChats: number
  maxCalls: number
  activeChats: number
  activeCalls: number
}

/** A wait estimate with its 80% band, in seconds. */
export interface WaitEstimateView {
  seconds: number
  lowSeconds: number
  highSeconds: number
}

export interface QueueRef {
  slug: string
  name: string
}

export interface RequestView {
  id: string
  clientRequestId: string
  status: RequestStatus
  question: string
  pageUrl: string | null
  createdAt: string
  /** 1-based position in the queue while queued */
  position: number | null
  channelId: string | null
  visitor: { id: string; returning: boolean; displayName: string | null }
  kind: ChannelKind
  queue: QueueRef | null
  /** skill hints that shaped the routing */
  hints: { key: string; value: string; source: string }[]
  /** expected wait while queued; null when nobody who could serve it is staffed */
  estimate: WaitEstimateView | null
  /** nobody can serve it soon (no eligible agent, or the wait passed the queue's maximum): offer the visitor choices */
  overflow: boolean
  /** for scheduled requests */
  scheduledFor: string | null
  /** for an agent being offered it: until when it rings */
  offerExpiresAt: string | null
}

/** What the website shows next to the button, per tenant and queue. */
export interface PresenceView {
  tenant: { slug: string; name: string }
  /** agents who could take a conversation now */
  agentsAvailable: number
  /** agents logged in (any state but offline) */
  agentsOnline: number
  queueLength: number
  queues: {
    slug: string
    name: string
    isPublic: boolean
    waiting: number
    agentsAvailable: number
    /** for someone joining this queue now; null when nobody is staffed */
    estimate: WaitEstimateView | null
  }[]
  updatedAt: string
}

export interface ParticipantView {
  id: string
  role: ParticipantRole
  name: string
  joinedAt: string
  leftAt: string | null
  /** highest seq this participant acknowledged receiving */
  ackedSeq: number
  /** a picture for them (an agent's own, or the tenant's for the page); null: show initials */
  avatarUrl: string | null
  /** a supervisor monitoring without being shown to visitors (only staff see such participants) */
  silent: boolean
}

/** Who leads the channel's browsing, and the tenant's rules for it. */
export interface LeadingView {
  /** participant id holding the baton */
  leaderId: string | null
  /** the leader's scrolling and clicks are shown to followers (per tenant) */
  scrollAndClicks: boolean
  /** form fields whose name, id or autocomplete contains one of these are never read or written */
  maskedFields: string[]
}

export interface ChannelView {
  id: string
  status: 'open' | 'ended'
  createdAt: string
  endedAt: string | null
  endReason: ChannelEndReason | null
  lastSeq: number
  question: string
  pageUrl: string | null
  /** the participant id of whoever receives this view, when they take part */
  selfParticipantId: string | null
  participants: ParticipantView[]
  /** the channel's call (ringing or active), if any */
  call: CallView | null
  leading: LeadingView
}

/** A voice/video call of a channel. */
export interface CallView {
  id: string
  channelId: string
  status: 'ringing' | 'active' | 'ended'
  video: boolean
  /** participant who asked for it (the other side consents) */
  requestedBy: string
  requestedAt: string
  startedAt: string | null
  recording: boolean
}
