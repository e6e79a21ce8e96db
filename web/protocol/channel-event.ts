/**
 * The ordered, archived event log of a channel, as clients see it. Every event has a dense
 * per-channel `seq`; clients render in seq order and resume after their highest seq.
 */

/** Who can take part in a channel. */
export type ParticipantRole = 'visitor' | 'agent' | 'supervisor'

/** Why a channel ended (closed union: add here, never a free string). */
export type ChannelEndReason = 'agent_left' | 'visitor_left' | 'visitor_gone' | 'agent_gone'

/** Why a participant left a channel. */
export type LeaveReason = 'left' | 'gone' | 'channel_ended'

export interface ChannelEventPayloads {
  'channel.opened': { question: string; pageUrl: string | null }
  'participant.joined': { participantId: string; role: ParticipantRole; name: string }
  'participant.left': { participantId: string; role: ParticipantRole; name: string; reason: LeaveReason }
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
}

/** Why a call ended (closed union). */
export type CallEndReason = 'hangup' | 'cancelled' | 'declined' | 'channel_ended' | 'media_failed'

/** Why media failed (closed union; 'worker-died' is the media server's process). */
export type MediaFailureReason = 'ice' | 'dtls' | 'timeout' | 'worker-died'

export type ChannelEventType = keyof ChannelEventPayloads

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
]
