/**
 * Pure rules of browser leading: who may lead and pass the baton, where followers may be sent,
 * and which form fields are never read or written.
 */
import type { ParticipantRole } from '../../web/protocol/channel-event.js'

export interface LeadMember {
  id: string
  role: ParticipantRole
  present: boolean
  /** a monitoring supervisor, not shown to visitors */
  silent: boolean
}

export { ALWAYS_MASKED, isMaskedField, type FieldDescription } from '../../web/protocol/field-masking.js'

/** Why a participant may not pass the baton to another, or null when they may. */
export function refusePass(members: readonly LeadMember[], leaderId: string | null, byId: string, toId: string): string | null {
  const by = members.find((member) => member.id === byId && member.present)
  const to = members.find((member) => member.id === toId && member.present)
  if (!by) return 'you are not in this conversation'
  if (!to) return 'that participant is not in this conversation'
  if (to.silent) return 'a monitoring supervisor cannot lead'
  // The leader hands it on; agents (and supervisors who barged in) can always take it back or reassign it.
  const mayAssign = by.id === leaderId || by.role === 'agent' || (by.role === 'supervisor' && !by.silent)
  if (!mayAssign) return 'only the leader or an agent can pass the lead'
  return null
}

/**
 * Why followers may not be sent to `url`, or null when they may: http(s) only, and only to the
 * tenant's own site (its allowed embed origins) or the extra lead origins it lists.
 */
export function refuseLeadUrl(url: string, allowedOrigins: readonly string[]): string | null {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return 'not a valid URL'
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'only http(s) pages can be shared'
  if (parsed.username || parsed.password) return 'URLs with credentials cannot be shared'
  if (!allowedOrigins.includes(parsed.origin)) return `${parsed.origin} is not one of this site's allowed origins`
  return null
}

/** Two page URLs show the same page for highlights and form fills (the fragment does not count). */
export function samePage(a: string, b: string): boolean {
  try {
    const x = new URL(a)
    const y = new URL(b)
    return x.origin === y.origin && x.pathname === y.pathname && x.search === y.search
  } catch {
    return false
  }
}
