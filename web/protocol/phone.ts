/**
 * The phone in the socket protocol (no zod here, so the widget can import it): phone channel
 * events, the phone socket events of visitors and agents, and the E.164 rule both sides check.
 * A channel's call may have one phone leg: the visitor called back on their phone (on request
 * or automatically when their connection fails) or a caller who dialled one of the tenant's
 * numbers; its audio is bridged into the call's media room.
 */
import type { Ack } from './events.js'

/** E.164: a plus, then 8 to 15 digits, no leading zero (the server and sip/ use the same rule). */
export const E164_PATTERN = /^\+[1-9]\d{7,14}$/

/** A number as people type it (+49 170 123-4567) in E.164 (+491701234567), or null when it is not one. */
export function toE164(input: string): string | null {
  const compact = input.trim().replace(/[\s().\-/]/g, '').replace(/^00/, '+')
  return E164_PATTERN.test(compact) ? compact : null
}

/** Why the phone leg exists (closed union). */
export type PhonePurpose = 'callback' | 'fallback' | 'inbound'

/**
 * Why a phone leg ended (closed union): the callee was busy, did not answer, the call failed
 * (trunk or network), the phone side hung up, the agent hung up the leg, the ring was
 * cancelled, the call was transferred away, the channel's call ended, the server shut down,
 * or a restart found it (the process died during the call).
 */
export type PhoneEndReason = 'busy' | 'no_answer' | 'failed' | 'hangup' | 'agent_hangup' | 'cancelled' | 'transferred' | 'call_ended' | 'shutdown' | 'restart'

/** Channel events of the phone leg (merged into ChannelEventPayloads). */
export interface PhoneEventPayloads {
  /** an outbound call left through the trunk; `number` is masked unless the tenant shows numbers */
  'phone.dialing': { phoneCallId: string; callId: string; purpose: PhonePurpose; number: string }
  /** the phone rings */
  'phone.ringing': { phoneCallId: string }
  /** the phone leg talks in the call (outbound: answered; inbound: the agent took the caller) */
  'phone.answered': { phoneCallId: string; callId: string; purpose: PhonePurpose; number: string }
  'phone.held': { phoneCallId: string; held: boolean }
  /** a key pressed on the phone, or digits the agent sent to it */
  'phone.dtmf': { phoneCallId: string; digits: string; from: 'phone' | 'agent' }
  /** blind transfer: the phone was sent on to `target`; the leg ends with reason transferred */
  'phone.transferred': { phoneCallId: string; target: string }
  'phone.ended': { phoneCallId: string; reason: PhoneEndReason; seconds: number; sipStatus?: number }
}

/** The phone number a visitor gave, and whether it may be called when their connection fails. */
export interface VisitorPhoneView {
  number: string
  fallback: boolean
}

/** Phone events both kinds of member may send (each checks who may do what). */
export interface PhoneClientEvents {
  /** visitors: the number they gave before (remembered per visitor), and whether phone calls are possible here at all */
  'phone:get': (payload: Record<string, never>, ack: Ack<{ phone: VisitorPhoneView | null; available: boolean }>) => void
  /** visitors: remember (or forget, with null) their number */
  'phone:set': (payload: { number: string | null; fallback?: boolean }, ack: Ack<{ phone: VisitorPhoneView | null }>) => void
  /** call the visitor's phone into the channel's call: visitors (their number, given or remembered) and agents (the remembered one) */
  'phone:call': (payload: { channelId: string; number?: string }, ack: Ack<{ phoneCallId: string }>) => void
  /** agents: hang up the phone leg (the chat and the browser call go on) */
  'phone:hangup': (payload: { channelId: string; phoneCallId: string }, ack: Ack<Record<string, never>>) => void
  'phone:hold': (payload: { channelId: string; phoneCallId: string; hold: boolean }, ack: Ack<{ held: boolean }>) => void
  'phone:dtmf': (payload: { channelId: string; phoneCallId: string; digits: string }, ack: Ack<{ via: 'rfc4733' | 'info' }>) => void
  /** agents: blind transfer (REFER) of the phone to another number */
  'phone:transfer': (payload: { channelId: string; phoneCallId: string; target: string }, ack: Ack<{ sipStatus: number }>) => void
}
