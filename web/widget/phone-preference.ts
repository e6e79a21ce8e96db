/**
 * The visitor's phone number as Parley remembers it (per visitor, so it follows their signed
 * token across pages and visits), whether it may be called when their connection fails during
 * a call, and "call me now" into the conversation. No UI here (visitor-phone.ts renders it).
 */
import type { VisitorPhoneView } from '../protocol/phone.js'
import type { SocketLink } from '../shared/socket-link.js'

export class PhonePreference {
  /** what the server remembers (null: no number given) */
  phone: VisitorPhoneView | null = null
  loaded = false
  /** the tenant can call phones (a trunk runs, media too); without it the panel offers nothing */
  available = false
  busy: 'save' | 'call' | null = null
  error: string | null = null

  constructor(
    private readonly link: SocketLink,
    private readonly changed: () => void,
  ) {}

  /** Read the remembered number (after every new session: it may have changed elsewhere). */
  async load(): Promise<void> {
    try {
      const answer = await this.link.call<{ phone: VisitorPhoneView | null; available: boolean }>('phone:get', {})
      this.phone = answer.phone
      this.available = answer.available
      this.loaded = true
    } catch {
      // not fatal: the form simply starts empty
    }
    this.changed()
  }

  /** Remember a number (E.164, checked by the caller and the server), or forget it with null. */
  save(number: string | null, fallback: boolean): Promise<boolean> {
    return this.run('save', async () => {
      this.phone = (await this.link.call<{ phone: VisitorPhoneView | null }>('phone:set', { number, fallback })).phone
    })
  }

  /** Have the conversation's agent talk to us on this number now (it is remembered too). */
  callMe(channelId: string, number: string, fallback: boolean): Promise<boolean> {
    return this.run('call', async () => {
      this.phone = (await this.link.call<{ phone: VisitorPhoneView | null }>('phone:set', { number, fallback })).phone
      await this.link.call('phone:call', { channelId })
    })
  }

  clearError(): void {
    this.error = null
    this.changed()
  }

  private async run(action: 'save' | 'call', work: () => Promise<void>): Promise<boolean> {
    if (this.busy) return false
    this.busy = action
    this.error = null
    this.changed()
    try {
      await work()
      return true
    } catch (reason) {
      this.error = (reason as { body?: { message: string } }).body?.message ?? 'The chat server did not answer. Please try again.'
      return false
    } finally {
      this.busy = null
      this.changed()
    }
  }
}
