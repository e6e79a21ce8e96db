/** Pure rules of a channel's life: who may act, and when a departure ends it. */
import type { ChannelEndReason, LeaveReason, ParticipantRole } from '../../web/protocol/channel-event.js'

export interface MemberSnapshot {
  id: string
  role: ParticipantRole
  /** still in the channel */
  present: boolean
}

/** The end reason when `leaver` leaves (or vanishes), or null when the channel goes on. */
export function endAfterLeave(members: readonly MemberSnapshot[], leaver: MemberSnapshot, reason: LeaveReason): ChannelEndReason | null {
  if (leaver.role === 'agent') return reason === 'gone' ? 'agent_gone' : 'agent_left'
  if (leaver.role === 'visitor') {
    const visitorsLeft = members.some((member) => member.role === 'visitor' && member.present && member.id !== leaver.id)
    if (!visitorsLeft) return reason === 'gone' ? 'visitor_gone' : 'visitor_left'
  }
  return null
}
