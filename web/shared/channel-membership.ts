/**
 * Who is in a channel and who leads, kept current from its events between resumes (pure, so
 * the widget, the console and the co-browsing tab agree on the participant list and the baton).
 */
import type { ChannelFeedEvent } from '../protocol/channel-event.js'
import type { ChannelView, ParticipantView } from '../protocol/views.js'

/** The view after `event`; the same object when nothing changed. */
export function nextMembership(view: ChannelView, event: ChannelFeedEvent): ChannelView {
  switch (event.type) {
    case 'lead.changed':
      return view.leading.leaderId === event.payload.leaderId ? view : { ...view, leading: { ...view.leading, leaderId: event.payload.leaderId } }
    case 'participant.joined': {
      const { participantId, role, name, silent } = event.payload
      const known = view.participants.find((p) => p.id === participantId)
      if (known) return known.silent && !silent ? withParticipant(view, { ...known, silent: false, leftAt: null }) : view
      return withParticipant(view, { id: participantId, role, name, joinedAt: event.at, leftAt: null, ackedSeq: 0, avatarUrl: null, silent: silent === true })
    }
    case 'participant.left': {
      const known = view.participants.find((p) => p.id === event.payload.participantId)
      return known && !known.leftAt ? withParticipant(view, { ...known, leftAt: event.at }) : view
    }
    default:
      return view
  }
}

function withParticipant(view: ChannelView, participant: ParticipantView): ChannelView {
  const others = view.participants.filter((p) => p.id !== participant.id)
  const index = view.participants.findIndex((p) => p.id === participant.id)
  const participants = index < 0 ? [...others, participant] : view.participants.map((p) => (p.id === participant.id ? participant : p))
  return { ...view, participants }
}
