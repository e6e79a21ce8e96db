/**
 * A channel's call as its members see it: kept current from the call events of the channel
 * log (ChannelSync applies them to `ChannelView.call`), and what that means for one side
 * (someone calls us, we are calling, we are in the call). Pure functions, no media here.
 */
import type { ChannelEvent } from '../protocol/channel-event.js'
import type { CallView, ChannelView } from '../protocol/views.js'

/** The call after one more event of its channel's log (the same object when the event is not about calls). */
export function nextCall(call: CallView | null, event: ChannelEvent): CallView | null {
  switch (event.type) {
    case 'call.requested':
      return {
        id: event.payload.callId,
        channelId: event.channelId,
        status: 'ringing',
        video: event.payload.video,
        requestedBy: event.author.participantId ?? '',
        requestedAt: event.at,
        startedAt: null,
        recording: false,
      }
    case 'call.started':
      if (call && call.id !== event.payload.callId) return call
      return {
        ...(call ?? { id: event.payload.callId, channelId: event.channelId, requestedBy: '', requestedAt: event.at, recording: false }),
        status: 'active',
        video: event.payload.video,
        startedAt: call?.startedAt ?? event.at,
      }
    case 'call.declined':
    case 'call.ended':
      return call?.id === event.payload.callId ? null : call
    case 'call.recording':
      return call?.id === event.payload.callId ? { ...call, recording: event.payload.recording } : call
    default:
      return call
  }
}

/** What a side of the channel is to show about its call. */
export type CallPhase =
  | { kind: 'none' }
  /** the other side asks us to join */
  | { kind: 'incoming'; call: CallView }
  /** we asked; it rings at the other side */
  | { kind: 'outgoing'; call: CallView }
  | { kind: 'active'; call: CallView }

export function callPhase(view: ChannelView | undefined): CallPhase {
  const call = view?.call
  if (!view || view.status !== 'open' || !call || call.status === 'ended') return { kind: 'none' }
  if (call.status === 'active') return { kind: 'active', call }
  return call.requestedBy === view.selfParticipantId ? { kind: 'outgoing', call } : { kind: 'incoming', call }
}

const FAILURES: Record<string, string> = {
  ice: 'the network path was lost',
  dtls: 'the secure connection failed',
  timeout: 'no audio or video arrived',
  'worker-died': 'the media server restarted',
}

/**
 * The transcript line of a call event, from the reader's point of view (`self`: the reader's
 * participant id); null for events that are not about calls.
 */
export function callEventText(event: ChannelEvent, self: string | null): string | null {
  const who = event.author.participantId === self ? 'You' : event.author.name || 'The other side'
  switch (event.type) {
    case 'call.requested':
      return `${who} asked for a ${event.payload.video ? 'video' : 'voice'} call`
    case 'call.declined':
      return `${who} declined the call`
    case 'call.started':
      return `${event.payload.video ? 'Video' : 'Voice'} call started`
    case 'call.ended': {
      const { seconds, reason } = event.payload
      if (reason === 'cancelled') return 'Call cancelled'
      if (reason === 'declined') return 'Call declined'
      const length = seconds > 0 ? ` (${Math.floor(seconds / 60)}:${String(Math.round(seconds) % 60).padStart(2, '0')})` : ''
      return reason === 'media_failed' ? `Call ended: the connection failed${length}` : `Call ended${length}`
    }
    case 'media.failed':
      return event.payload.reason === 'worker-died' ? 'Call interrupted (the media server restarted): reconnecting…' : `Call connection problem: ${FAILURES[event.payload.reason] ?? event.payload.reason}`
    case 'call.recording':
      return event.payload.recording ? 'This call is being recorded' : 'Call recording stopped'
    default:
      return null
  }
}
