/**
 * A channel's phone leg as its members see it, from the phone.* events of the channel log
 * (no extra state on the server's views), and the transcript lines of those events. Pure.
 */
import type { ChannelEvent } from '../protocol/channel-event.js'
import type { PhoneEndReason, PhonePurpose } from '../protocol/phone.js'

export type PhoneLegPhase = 'dialing' | 'ringing' | 'answered' | 'ended'

export interface PhoneLegState {
  id: string
  /** the channel call (media room) it is bridged into */
  callId: string
  purpose: PhonePurpose
  /** as the tenant lets its agents see it (maybe masked) */
  number: string
  phase: PhoneLegPhase
  held: boolean
  /** ISO time it answered (for the call timer) */
  answeredAt: string | null
  endReason: PhoneEndReason | null
}

/** The channel's latest phone leg (live or ended), or null when it never had one. */
export function phoneLegOf(events: readonly ChannelEvent[]): PhoneLegState | null {
  let leg = null as PhoneLegState | null
  for (const event of events) {
    switch (event.type) {
      case 'phone.dialing':
        leg = { id: event.payload.phoneCallId, callId: event.payload.callId, purpose: event.payload.purpose, number: event.payload.number, phase: 'dialing', held: false, answeredAt: null, endReason: null }
        break
      case 'phone.ringing':
        if (leg?.id === event.payload.phoneCallId && leg.phase === 'dialing') leg = { ...leg, phase: 'ringing' }
        break
      case 'phone.answered':
        leg =
          leg?.id === event.payload.phoneCallId
            ? { ...leg, phase: 'answered', answeredAt: event.at }
            : { id: event.payload.phoneCallId, callId: event.payload.callId, purpose: event.payload.purpose, number: event.payload.number, phase: 'answered', held: false, answeredAt: event.at, endReason: null }
        break
      case 'phone.held':
        if (leg?.id === event.payload.phoneCallId) leg = { ...leg, held: event.payload.held }
        break
      case 'phone.ended':
        if (leg?.id === event.payload.phoneCallId) leg = { ...leg, phase: 'ended', endReason: event.payload.reason }
        break
      default:
        break
    }
  }
  return leg
}

/** The live phone leg (not ended), or null. */
export function livePhoneLeg(events: readonly ChannelEvent[]): PhoneLegState | null {
  const leg = phoneLegOf(events)
  return leg && leg.phase !== 'ended' ? leg : null
}

const ENDINGS: Record<PhoneEndReason, string> = {
  busy: 'the line was busy',
  no_answer: 'nobody answered',
  failed: 'the call could not be connected',
  hangup: 'hung up',
  agent_hangup: 'hung up by the agent',
  cancelled: 'cancelled',
  transferred: 'transferred',
  call_ended: 'the call ended',
  shutdown: 'the server stopped',
  restart: 'the server restarted',
}

/** "1:05" */
export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds))
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`
}

/** The transcript line of a phone event, for the visitor (`audience` visitor) or staff; null for other events. */
export function phoneEventText(event: ChannelEvent, audience: 'visitor' | 'staff'): string | null {
  const visitor = audience === 'visitor'
  switch (event.type) {
    case 'phone.dialing':
      // the visitor knows their number (and may only see it masked)
      if (event.payload.purpose === 'fallback') return visitor ? 'Your connection dropped: calling your phone…' : `The visitor's connection dropped: calling them on ${event.payload.number}…`
      return visitor ? 'Calling your phone…' : `Calling the visitor on ${event.payload.number}…`
    case 'phone.answered':
      if (event.payload.purpose === 'inbound') return visitor ? 'You are connected.' : `Phone call from ${event.payload.number} connected`
      return visitor ? 'You are on the phone with us now; the chat stays open.' : `The visitor answered on ${event.payload.number}`
    case 'phone.held':
      return event.payload.held ? 'Phone call on hold' : 'Phone call resumed'
    case 'phone.transferred':
      return `Phone call transferred to ${event.payload.target}`
    case 'phone.ended': {
      const length = event.payload.seconds > 0 ? ` (${formatDuration(event.payload.seconds)})` : ''
      return `Phone call ended: ${ENDINGS[event.payload.reason]}${length}`
    }
    default:
      return null
  }
}
