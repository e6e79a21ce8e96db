/**
 * The phone leg in `<parley-channel-view>`: "Call phone" (the number the visitor gave) in the
 * header, and while the visitor is on the phone a bar with the number (as the tenant lets
 * agents see it), the state and a timer, hold / resume, a DTMF keypad, blind transfer to
 * another number and hang-up of the phone leg. The agent keeps talking from the browser (the
 * call view above); the state comes from the channel log (phone-state.ts).
 */
import { css, html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit'
import { toE164 } from '../protocol/phone.js'
import { callPhase } from '../shared/call-state.js'
import type { ChannelSync } from '../shared/channel-sync.js'
import { formatDuration, livePhoneLeg, type PhoneLegState } from '../shared/phone-state.js'

export interface PhoneControlsHost extends ReactiveControllerHost {
  readonly sync: ChannelSync | null
  readonly channelId: string
}

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#']

export const phoneControlsStyles = css`
  .phone-bar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px;
    padding: 8px 16px;
    border-bottom: 1px solid var(--p-border);
    background: #eef7f0;
  }
  .phone-bar .what {
    flex: 1;
    min-width: 180px;
  }
  .phone-bar .number {
    font-variant-numeric: tabular-nums;
    font-weight: 600;
  }
  .phone-keypad {
    display: grid;
    grid-template-columns: repeat(3, 44px);
    gap: 4px;
    padding: 6px 16px;
  }
  .phone-transfer {
    display: flex;
    gap: 8px;
    padding: 6px 16px;
    align-items: center;
  }
  .phone-error {
    padding: 4px 16px;
  }
`

export class PhoneControls implements ReactiveController {
  private busy: string | null = null
  private error: string | null = null
  private panel: 'none' | 'keypad' | 'transfer' = 'none'
  private transferTo = ''
  private timer: ReturnType<typeof setInterval> | undefined

  constructor(private readonly host: PhoneControlsHost) {
    host.addController(this)
  }

  hostUpdate(): void {
    // tick the call timer while the phone talks
    const talking = this.leg()?.phase === 'answered'
    if (talking && !this.timer) this.timer = setInterval(() => this.host.requestUpdate(), 1000)
    if (!talking && this.timer) {
      clearInterval(this.timer)
      this.timer = undefined
      this.panel = 'none'
    }
  }

  hostDisconnected(): void {
    clearInterval(this.timer)
    this.timer = undefined
  }

  /** "Call phone": calls the number the visitor gave into the conversation's call. */
  renderStartButton(): TemplateResult | typeof nothing {
    const state = this.state()
    if (!state || state.view.status !== 'open' || this.leg()) return nothing
    const phase = callPhase(state.view).kind
    if (phase === 'incoming' || phase === 'outgoing') return nothing
    return html`<button type="button" data-test="phone-call" ?disabled=${this.busy !== null} title="Call the number the visitor gave" @click=${() => this.run('call', 'phone:call', {})}>
      Call phone
    </button>`
  }

  /** The phone leg's bar, keypad and transfer box. */
  renderBar(): unknown {
    const leg = this.leg()
    const errorLine = this.error ? html`<div class="error phone-error" data-test="phone-error" role="alert">${this.error}</div>` : nothing
    if (!leg) return errorLine
    const talking = leg.phase === 'answered'
    const phase =
      leg.phase === 'dialing' ? 'Calling…' : leg.phase === 'ringing' ? 'Ringing…' : leg.held ? 'On hold' : `Connected ${formatDuration((Date.now() - Date.parse(leg.answeredAt ?? new Date().toISOString())) / 1000)}`
    const why = leg.purpose === 'fallback' ? ' (their connection dropped)' : leg.purpose === 'inbound' ? ' (called in)' : ''
    return html`<div class="phone-bar" data-test="phone-bar" data-phase=${leg.phase} data-held=${leg.held ? 'true' : 'false'} role="status">
        <span class="what">Phone${why}: <span class="number" data-test="phone-number">${leg.number}</span> · <span data-test="phone-phase">${phase}</span></span>
        ${talking
          ? html`<button type="button" data-test="phone-hold" ?disabled=${this.busy !== null} @click=${() => this.run('hold', 'phone:hold', { phoneCallId: leg.id, hold: !leg.held })}>${leg.held ? 'Resume' : 'Hold'}</button>
              <button type="button" data-test="phone-keypad" aria-expanded=${this.panel === 'keypad'} @click=${() => this.toggle('keypad')}>Keypad</button>
              <button type="button" data-test="phone-transfer" aria-expanded=${this.panel === 'transfer'} @click=${() => this.toggle('transfer')}>Transfer</button>`
          : nothing}
        <button type="button" class="danger" data-test="phone-hangup" ?disabled=${this.busy === 'hangup'} @click=${() => this.run('hangup', 'phone:hangup', { phoneCallId: leg.id })}>Hang up phone</button>
      </div>
      ${talking && this.panel === 'keypad' ? this.renderKeypad(leg) : nothing} ${talking && this.panel === 'transfer' ? this.renderTransfer(leg) : nothing} ${errorLine}`
  }

  private renderKeypad(leg: PhoneLegState) {
    return html`<div class="phone-keypad" role="group" aria-label="Send keys to the phone">
      ${KEYS.map((key) => html`<button type="button" data-test="phone-key" data-key=${key} @click=${() => this.run('dtmf', 'phone:dtmf', { phoneCallId: leg.id, digits: key })}>${key}</button>`)}
    </div>`
  }

  private renderTransfer(leg: PhoneLegState) {
    return html`<form class="phone-transfer" @submit=${(event: Event) => this.transfer(event, leg)}>
      <input data-test="phone-transfer-number" placeholder="+4930123456" aria-label="Transfer to number" .value=${this.transferTo} @input=${(event: Event) => (this.transferTo = (event.target as HTMLInputElement).value)} />
      <button type="submit" class="primary" data-test="phone-transfer-go" ?disabled=${this.busy !== null}>Transfer</button>
    </form>`
  }

  private transfer(event: Event, leg: PhoneLegState): void {
    event.preventDefault()
    const target = toE164(this.transferTo)
    if (!target) {
      this.error = 'Enter the number in international format, e.g. +4930123456'
      this.host.requestUpdate()
      return
    }
    void this.run('transfer', 'phone:transfer', { phoneCallId: leg.id, target }).then((ok) => {
      if (ok) {
        this.transferTo = ''
        this.panel = 'none'
      }
    })
  }

  private toggle(panel: 'keypad' | 'transfer'): void {
    this.panel = this.panel === panel ? 'none' : panel
    this.host.requestUpdate()
  }

  private async run(action: string, event: string, payload: Record<string, unknown>): Promise<boolean> {
    const link = this.host.sync?.link
    if (!link || this.busy) return false
    this.busy = action
    this.error = null
    this.host.requestUpdate()
    try {
      await link.call(event, { channelId: this.host.channelId, ...payload })
      return true
    } catch (reason) {
      this.error = (reason as { body?: { message: string } }).body?.message ?? 'The server did not answer. Try again.'
      return false
    } finally {
      this.busy = null
      this.host.requestUpdate()
    }
  }

  private state() {
    return this.host.sync?.channels.get(this.host.channelId)
  }

  private leg(): PhoneLegState | null {
    const state = this.state()
    return state && state.view.status === 'open' ? livePhoneLeg(state.events) : null
  }
}
