import type { ChannelEndReason, ParticipantRole } from './channel-event.js'

/** Agent availability chosen by the agent (closed union). */
export type AgentState = 'ready' | 'not_ready' | 'break' | 'offline'

export const AGENT_STATES: readonly AgentState[] = ['ready', 'not_ready', 'break', 'offline']

export type AgentRole = 'agent' | 'supervisor' | 'admin'

/** Lifecycle of a visitor's request; only moves forward. */
export type RequestStatus = 'queued' | 'accepted' | 'cancelled' | 'abandoned'

export interface AgentView {
  id: string
  tenantId: string
  email: string
  displayName: string
  role: AgentRole
  state: AgentState
  stateChangedAt: string
  maxChats: number
  activeChats: number
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
}

export interface ParticipantView {
  id: string
  role: ParticipantRole
  name: string
  joinedAt: string
  leftAt: string | null
  /** highest seq this participant acknowledged receiving */
  ackedSeq: number
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
}
