/**
 * Who may receive each channel event. Most events are for everyone in the channel; whispers,
 * the pages participants view, the shopper's cart and a monitoring supervisor's comings and goings are for the
 * channel's staff only; a sidebar message is for its two participants. Pure: the notifier
 * (fan-out) and the resume path (replay) both ask here, so they cannot disagree.
 */
import type { ChannelEvent, ChannelFeedEvent, ParticipantRole } from '../../web/protocol/channel-event.js'

export type EventAudience =
  | { kind: 'everyone' }
  /** agents and supervisors of the channel */
  | { kind: 'staff' }
  /** exactly these participants */
  | { kind: 'participants'; ids: readonly string[] }

const EVERYONE: EventAudience = { kind: 'everyone' }
const STAFF: EventAudience = { kind: 'staff' }

export function audienceOf(event: ChannelEvent): EventAudience {
  switch (event.type) {
    case 'whisper.message':
    case 'page.viewed':
    // the cart with the merchant's margins: for agents, not shown back to the shopper
    case 'cart.updated':
      return STAFF
    case 'participant.joined':
    case 'participant.left':
      return event.payload.silent ? STAFF : EVERYONE
    case 'sidebar.message':
      return { kind: 'participants', ids: [event.author.participantId ?? '', event.payload.toParticipantId] }
    default:
      return EVERYONE
  }
}

export interface Viewer {
  role: ParticipantRole
  /** the viewer's participant id in this channel (null: not a participant, e.g. an archive reader) */
  participantId: string | null
}

export function isStaff(role: ParticipantRole): boolean {
  return role === 'agent' || role === 'supervisor'
}

export function canSee(audience: EventAudience, viewer: Viewer): boolean {
  if (audience.kind === 'everyone') return true
  if (audience.kind === 'staff') return isStaff(viewer.role)
  return viewer.participantId !== null && audience.ids.includes(viewer.participantId)
}

/** The event as this viewer receives it: itself, or a `hidden` stand-in that keeps seqs dense. */
export function redactFor(event: ChannelEvent, viewer: Viewer): ChannelFeedEvent {
  return canSee(audienceOf(event), viewer) ? event : { channelId: event.channelId, seq: event.seq, type: 'hidden' }
}
