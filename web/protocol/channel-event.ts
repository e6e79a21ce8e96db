/**
 * The ordered, archived event log of a channel, as clients see it. Every event has a dense
 * per-channel `seq`; clients render in seq order and resume after their highest seq.
 */

import type { CartEventPayloads } from './cart.js'
import type { PhoneEventPayloads } from './phone.js'

/** Who can take part in a channel. */
export type ParticipantRole = 'visitor' | 'agent' | 'supervisor'

/** Why a channel ended (closed union: add here, never a free string). */
export type ChannelEndReason = 'agent_left' | 'visitor_left' | 'visitor_gone' | 'agent_gone'

/** Why a participant left a channel. */
export type LeaveReason = 'left' | 'gone' | 'channel_ended'

export interface ChannelEventPayloads extends PhoneEventPayloads, CartEventPayloads {
  'channel.opened': { question: string; pageUrl: string | null }
  /** `silent`: a supervisor monitoring (staff only); `barged`: a monitoring supervisor joined visibly */
  'participant.joined': { participantId: string; role: ParticipantRole; name: string; silent?: boolean; barged?: boolean }
  'participant.left': { participantId: string; role: ParticipantRole; name: string; reason: LeaveReason; silent?: boolean }
  'chat.message': { text: string }
  /** A burst of typing that ended (sent, cleared or idle); archived, not shown in the transcript. */
  'typing.burst': { startedAt: string; endedAt: string; chars: number; sent: boolean }
  'channel.ended': { reason: ChannelEndReason }
  /** someone asks to upgrade the chat to a call; the other side consents (or not) */
  'call.requested': { callId: string; video: boolean }
  'call.declined': { callId: string }
  /** the call was accepted: both sides join its media */
  'call.started': { callId: string; video: boolean }
  'call.ended': { callId: string; reason: CallEndReason; seconds: number }
  /** a participant's media stopped working (ICE/DTLS failure, no packets, media server lost) */
  'media.failed': { callId: string; participantId: string; reason: MediaFailureReason }
  /** the call is (no longer) being recorded: everyone in it is told */
  'call.recording': { callId: string; recording: boolean }
  /** the page a participant's browser shows now (staff only) */
  'page.viewed': { url: string; title: string | null }
  /** the lead baton moved */
  'lead.changed': { leaderId: string; previousLeaderId: string | null }
  /** followers go to `url`: pushed by the leader, or the leader's own page changed */
  'lead.navigate': { url: string; newTab: boolean; includeLeader: boolean; source: LeadNavigateSource }
  /** an element (or a region of it, as fractions of its box) circled on `pageUrl` */
  'lead.highlight': { pageUrl: string; selector: string; region: LeadRegion | null; label: string | null }
  'lead.highlight-cleared': { pageUrl: string }
  /** the leader filled one form field on `pageUrl` (never a password or card field) */
  'lead.fill': { pageUrl: string; selector: string; value: string | boolean }
  /** the leader scrolled (fractions of the scrollable range) */
  'lead.scroll': { pageUrl: string; x: number; y: number }
  /** the leader clicked an element */
  'lead.click': { pageUrl: string; selector: string }
  /** between the channel's staff (agents, supervisors): visitors never receive it */
  'whisper.message': { text: string }
  /** a private side conversation: only its author and `toParticipantId` receive it */
  'sidebar.message': { text: string; toParticipantId: string }
}

/** Why followers are sent somewhere (closed union). */
export type LeadNavigateSource = 'push' | 'leader_page'

/** A part of an element's box, each value a fraction 0..1 of its width or height. */
export interface LeadRegion {
  x: number
  y: number
  width: number
  height: number
}

/** Why a call ended (closed union). */
export type CallEndReason = 'hangup' | 'cancelled' | 'declined' | 'channel_ended' | 'media_failed'

/** Why media failed (closed union; 'worker-died' is the media server's process). */
export type MediaFailureReason = 'ice' | 'dtls' | 'timeout' | 'worker-died'

export type ChannelEventType = keyof ChannelEventPayloads

/**
 * Stands in for an event the receiver may not see (a whisper, someone else's sidebar), so
 * every client's log stays dense by seq without learning what happened.
 */
export interface HiddenEvent {
  channelId: string
  seq: number
  type: 'hidden'
}

/** What clients receive for each seq of a channel's log. */
export type ChannelFeedEvent = ChannelEvent | HiddenEvent

export interface ChannelEventAuthor {
  role: ParticipantRole | 'system'
  /** participant id; absent for system events */
  participantId?: string
  name?: string
}

/** One event of a channel's log, as sent to clients. */
export type ChannelEvent = {
  [T in ChannelEventType]: {
    channelId: string
    seq: number
    type: T
    /** ISO-8601 server time */
    at: string
    author: ChannelEventAuthor
    clientMsgId?: string
    payload: ChannelEventPayloads[T]
  }
}[ChannelEventType]

/** Event types shown in a transcript (the rest are archived signals). */
export const TRANSCRIPT_EVENT_TYPES: readonly ChannelEventType[] = [
  'channel.opened',
  'participant.joined',
  'participant.left',
  'chat.message',
  'channel.ended',
  'call.requested',
  'call.declined',
  'call.started',
  'call.ended',
  'media.failed',
  'call.recording',
  'phone.dialing',
  'phone.answered',
  'phone.held',
  'phone.transferred',
  'phone.ended',
  'whisper.message',
  'sidebar.message',
]
