/**
 * The visitor's side of the phone, as a part of the chat panel (a lit ReactiveController like
 * VisitorCall): a "Call me" header button and its form (number, checked as E.164 here and on
 * the server; "call me if my connection drops"), a hint during a browser call to leave a
 * number for that case, and, while they are on the phone, a bar saying so (the chat stays
 * open next to the phone leg). The number is remembered for the visitor by the server.
 */
import { css, html, nothing, svg, type ReactiveController, type ReactiveControllerHost } from 'lit'
import { toE164 } from '../protocol/phone.js'
import { callPhase } from '../shared/call-state.js'
import { formatDuration, livePhoneLeg, type PhoneLegState } from '../shared/phone-state.js'
import type { VisitorSession } from './visitor-session.js'

export interface VisitorPhoneHost extends ReactiveControllerHost {
  readonly session: VisitorSession
}

const callMeIcon = svg`<svg width="20" height="20" viewBox="0 0 20 20" fill="none" stroke="currentColor" stroke-width="1.7" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M4.5 3.5h2.3l1.2 3-1.6 1.1a8 8 0 0 0 4.9 4.9l1.1-1.6 3 1.2v2.3a2 2 0 0 1-2 2C7.6 16 3.9 12.3 3.5 5.5a2 2 0 0 1 1-2z" /><path d="M12.5 2.5h5v5M17.5 2.5l-5 5" /></svg>`

export const visitorPhoneStyles = css`
  .phone-form {
    display: grid;
    gap: 8px;
    padding: 10px 12px;
    border-bottom: 1px solid var(--parley-line);
    background: #f4f8ff;
    font-size: 13.5px;
  }
  .phone-form input[type='tel'] {
    width: 100%;
    box-sizing: border-box;
    padding: 7px 9px;
    font: inherit;
  }
  .phone-form .buttons {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
  }
  .phone-form label.check {
    display: flex;
    gap: 6px;
    align-items: flex-start;
  }
  .phone-bar {
    padding: 9px 12px;
    border-bottom: 1px solid var(--parley-line);
    background: #eef7f0;
    font-size: 13.5px;
  }
  .phone-hint {
    padding: 6px 12px;
    font-size: 12.5px;
    border-bottom: 1px solid var(--parley-line);
  }
  .phone-hint button {
    padding: 2px 8px;
  }
`

export class VisitorPhone implements ReactiveController {
  private formOpen = false
  private draft: string | null = null
  private fallback = true
  private invalid: string | null = null
  private saved = false
  private timer: ReturnType<typeof setInterval> | undefined

  constructor(private readonly host: VisitorPhoneHost) {
    host.addController(this)
  }

  hostUpdate(): void {
    const talking = this.leg()?.phase === 'answered'
    if (talking && !this.timer) this.timer = setInterval(() => this.host.requestUpdate(), 1000)
    if (!talking && this.timer) {
      clearInterval(this.timer)
      this.timer = undefined
    }
    if (this.leg()) this.formOpen = false
  }

  hostDisconnected(): void {
    clearInterval(this.timer)
    this.timer = undefined
  }

  /** True while the visitor is in the conversation's call on their phone (the browser stays out of its media). */
  onPhone(callId: string): boolean {
    return this.leg()?.callId === callId
  }

  /** "Call me on my phone", in the header of an open chat. */
  renderHeaderButton() {
    if (!this.openChannel() || this.leg() || !this.host.session.phone.available) return nothing
    return html`<button class="icon" data-test="phone-open" aria-label="Call me on my phone" title="Call me on my phone" aria-expanded=${this.formOpen} @click=${() => this.toggle()}>
      ${callMeIcon}
    </button>`
  }

  /** The form, the "you are on the phone" bar, or the hint during a browser call. */
  renderBar() {
    const leg = this.leg()
    if (leg) return this.renderOnPhone(leg)
    if (this.formOpen) return this.renderForm()
    const view = this.openChannel()
    const phone = this.host.session.phone
    if (view && callPhase(view).kind === 'active' && phone.available && !phone.phone?.fallback) {
      return html`<div class="phone-hint" data-test="phone-hint">
        Bad connection? <button class="secondary" data-test="phone-hint-open" @click=${() => this.toggle()}>Leave your number</button> and we'll call you if the call drops.
      </div>`
    }
    return nothing
  }

  private renderOnPhone(leg: PhoneLegState) {
    const phase =
      leg.phase === 'dialing' || leg.phase === 'ringing'
        ? 'Calling your phone… please pick up.'
        : leg.held
          ? 'You are on hold.'
          : `You are on the phone with us · ${formatDuration((Date.now() - Date.parse(leg.answeredAt ?? new Date().toISOString())) / 1000)}`
    return html`<div class="phone-bar" data-test="phone-bar" data-phase=${leg.phase} role="status">${phase} The chat stays open here.</div>`
  }

  private renderForm() {
    const phone = this.host.session.phone
    const value = this.draft ?? phone.phone?.number ?? ''
    const error = this.invalid ?? phone.error
    const inCall = this.openChannel() !== undefined
    return html`<form class="phone-form" data-test="phone-form" @submit=${(event: Event) => this.submit(event, 'call')} novalidate>
      <label>
        Your phone number
        <input
          type="tel"
          data-test="phone-number"
          autocomplete="tel"
          placeholder="+49 170 1234567"
          .value=${value}
          aria-invalid=${this.invalid ? 'true' : 'false'}
          @input=${(event: Event) => {
            this.draft = (event.target as HTMLInputElement).value
            this.invalid = null
            this.saved = false
            if (phone.error) phone.clearError()
          }}
        />
      </label>
      <label class="check">
        <input type="checkbox" data-test="phone-fallback" .checked=${this.fallback} @change=${(event: Event) => (this.fallback = (event.target as HTMLInputElement).checked)} />
        <span>If my connection drops during a call, call me on this number</span>
      </label>
      <div class="buttons">
        ${inCall ? html`<button class="primary" type="submit" data-test="phone-call-me" ?disabled=${phone.busy !== null}>${phone.busy === 'call' ? 'Calling…' : 'Call me now'}</button>` : nothing}
        <button class="secondary" type="button" data-test="phone-save" ?disabled=${phone.busy !== null} @click=${(event: Event) => this.submit(event, 'save')}>${phone.busy === 'save' ? 'Saving…' : 'Save number'}</button>
        <button class="secondary" type="button" data-test="phone-close" @click=${() => this.toggle()}>Close</button>
      </div>
      ${error ? html`<p class="error" data-test="phone-error" role="alert">${error}</p>` : nothing}
      ${this.saved ? html`<p class="note" data-test="phone-saved" role="status">Saved. We only call it when you ask, or if your connection drops during a call.</p>` : nothing}
    </form>`
  }

  private toggle(): void {
    this.formOpen = !this.formOpen
    this.fallback = this.host.session.phone.phone?.fallback ?? true
    this.draft = null
    this.invalid = null
    this.saved = false
    this.host.requestUpdate()
  }

  private async submit(event: Event, action: 'call' | 'save'): Promise<void> {
    event.preventDefault()
    const phone = this.host.session.phone
    const number = toE164(this.draft ?? phone.phone?.number ?? '')
    if (!number) {
      this.invalid = 'Please enter your number in international format, starting with + and your country code (e.g. +49 170 1234567).'
      this.host.requestUpdate()
      return
    }
    const channel = this.openChannel()
    const ok = action === 'call' && channel ? await phone.callMe(channel.id, number, this.fallback) : await phone.save(number, this.fallback)
    if (ok && action === 'save') {
      this.saved = true
      this.draft = null
    }
    if (ok && action === 'call') this.formOpen = false
    this.host.requestUpdate()
  }

  private openChannel() {
    const session = this.host.session
    const view = session.stage === 'chat' ? session.channel?.view : undefined
    return view?.status === 'open' ? view : undefined
  }

  private leg(): PhoneLegState | null {
    const session = this.host.session
    const state = session.stage === 'chat' ? session.channel : undefined
    return state && state.view.status === 'open' ? livePhoneLeg(state.events) : null
  }
}
