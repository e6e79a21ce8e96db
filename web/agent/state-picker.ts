/**
 * `<parley-state-picker>`: the agent's availability. The current state with its reason
 * (system states too: Busy at capacity, Wrap-up with its countdown and "Ready now",
 * Offline while disconnected) and a segmented control to pick Ready, or Not ready / Break /
 * Away with one of the tenant's reasons from a small menu.
 */
import { LitElement, html, nothing, type PropertyValues } from 'lit'
import type { AgentState } from '../protocol/views.js'
import type { PickableState, StateReasons } from './console-session.js'
import { baseStyles, stateColors } from './console-styles.js'
import { STATE_LABELS, formatCountdown } from './format.js'
import { statePickerStyles } from './state-picker-styles.js'

const CHOICES: readonly PickableState[] = ['ready', 'not_ready', 'break', 'away']

/** Detail of the `state-change` event. */
export interface StateChangeDetail {
  state: PickableState
  /** one of the tenant's reasons for that state, or null */
  reason: string | null
}

/**
 * @fires state-change - CustomEvent<StateChangeDetail>: the agent picked a state (and reason)
 * @csspart current - the current-state pill
 */
export class StatePicker extends LitElement {
  static override properties = {
    state: { type: String, reflect: true },
    reason: { attribute: false },
    until: { attribute: false },
    reasons: { attribute: false },
    busy: { type: Boolean, reflect: true },
    disabled: { type: Boolean, reflect: true },
    open: { state: true },
    now: { state: true },
  }

  static override styles = [baseStyles, stateColors, statePickerStyles]

  /** The agent's current state (offline while the console is disconnected). */
  state: AgentState = 'offline'
  /** The reason that came with the state. */
  reason: string | null = null
  /** When a timed state (wrap-up) ends by itself (ISO). */
  until: string | null = null
  /** The tenant's reasons per state that has them. */
  reasons: StateReasons = { not_ready: [], break: [], away: [] }
  /** A change is being applied; further clicks wait. */
  busy = false
  /** Nothing can be picked (not connected). */
  disabled = false
  /** the state whose reason menu is open */
  private open: PickableState | null = null
  private now = Date.now()
  private ticker: ReturnType<typeof setInterval> | undefined

  private readonly onOutside = (event: Event) => {
    if (this.open && !event.composedPath().includes(this)) this.open = null
  }

  override connectedCallback(): void {
    super.connectedCallback()
    document.addEventListener('pointerdown', this.onOutside, true)
    this.ticker = setInterval(() => {
      if (this.state === 'wrap_up') this.now = Date.now()
    }, 500)
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    document.removeEventListener('pointerdown', this.onOutside, true)
    clearInterval(this.ticker)
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('state') || changed.has('until')) this.now = Date.now()
    if ((changed.has('disabled') || changed.has('busy')) && (this.disabled || this.busy)) this.open = null
  }

  protected override updated(changed: PropertyValues): void {
    // keyboard users land in the menu they opened
    if (changed.has('open') && this.open) this.renderRoot.querySelector<HTMLButtonElement>('[role=menuitem]')?.focus()
  }

  override render() {
    const locked = this.busy || this.disabled
    return html`<div class="picker" data-test="state-picker" data-current=${this.state}>
      ${this.renderCurrent()}
      <div class="group" role="group" aria-label="Set availability">
        ${CHOICES.map((choice) => {
          const reasons = this.reasonsOf(choice)
          const pressed = this.state === choice
          return html`<span class="slot">
            <button
              type="button"
              data-test="state"
              data-state=${choice}
              aria-pressed=${pressed ? 'true' : 'false'}
              aria-haspopup=${reasons.length > 0 ? 'menu' : nothing}
              aria-expanded=${reasons.length > 0 ? (this.open === choice ? 'true' : 'false') : nothing}
              ?disabled=${locked}
              title=${this.titleOf(choice)}
              @click=${() => this.onChoice(choice)}
            >
              <span class="dot" aria-hidden="true"></span>${STATE_LABELS[choice]}${reasons.length > 0 ? html`<span class="caret" aria-hidden="true">▾</span>` : nothing}
            </button>
            ${this.open === choice ? this.renderMenu(choice, reasons) : nothing}
          </span>`
        })}
      </div>
    </div>`
  }

  private renderCurrent() {
    const state = this.state
    const system = state === 'busy' || state === 'wrap_up' || state === 'offline'
    const detail = state === 'busy' ? 'at capacity' : state === 'offline' && this.disabled ? 'reconnecting…' : this.reason
    return html`<div class="current ${system ? 'system' : ''}" part="current" data-test="current-state" data-state=${state} role="status" aria-live="polite">
      <span class="dot" aria-hidden="true"></span>
      <strong>${STATE_LABELS[state] ?? state}</strong>
      ${detail ? html`<span class="reason" title=${detail}>${detail}</span>` : nothing}
      ${state === 'wrap_up'
        ? html`${this.until
              ? html`<span class="countdown" data-test="wrap-up" data-until=${this.until} title="Wrap-up ends by itself at ${new Date(this.until).toLocaleTimeString()}"
                  >${formatCountdown(this.until, this.now)}</span
                >`
              : nothing}
            <button type="button" class="ready-now" data-test="ready-now" ?disabled=${this.busy || this.disabled} @click=${() => this.pick('ready', null)}>Ready now</button>`
        : nothing}
    </div>`
  }

  private renderMenu(choice: PickableState, reasons: readonly string[]) {
    return html`<div class="menu" role="menu" aria-label="${STATE_LABELS[choice]}: pick a reason" data-state=${choice} @keydown=${this.onMenuKey}>
      ${reasons.map(
        (reason) => html`<button
          type="button"
          role="menuitem"
          data-test="state-reason"
          data-state=${choice}
          data-reason=${reason}
          aria-current=${this.state === choice && this.reason === reason ? 'true' : nothing}
          @click=${() => this.pick(choice, reason)}
        >
          ${reason}
        </button>`,
      )}
      <button
        type="button"
        role="menuitem"
        class="plain"
        data-test="state-reason"
        data-state=${choice}
        data-reason=""
        aria-current=${this.state === choice && this.reason === null ? 'true' : nothing}
        @click=${() => this.pick(choice, null)}
      >
        ${STATE_LABELS[choice]}, no reason
      </button>
    </div>`
  }

  private reasonsOf(choice: PickableState): readonly string[] {
    return choice === 'ready' ? [] : (this.reasons[choice] ?? [])
  }

  private titleOf(choice: PickableState): string {
    if (choice !== 'ready') return this.reasonsOf(choice).length > 0 ? `${STATE_LABELS[choice]}: pick a reason` : STATE_LABELS[choice]
    if (this.state === 'wrap_up') return 'End wrap-up and take requests now'
    if (this.state === 'busy') return 'You are Ready, and at capacity'
    return 'Take requests'
  }

  private onChoice(choice: PickableState): void {
    if (this.reasonsOf(choice).length === 0) {
      this.pick(choice, null)
      return
    }
    this.open = this.open === choice ? null : choice
  }

  private onMenuKey(event: KeyboardEvent): void {
    const items = [...this.renderRoot.querySelectorAll<HTMLButtonElement>('[role=menuitem]')]
    const index = items.indexOf(this.renderRoot.querySelector<HTMLButtonElement>('[role=menuitem]:focus') ?? items[0]!)
    if (event.key === 'Escape') {
      const opener = this.open
      this.open = null
      this.renderRoot.querySelector<HTMLButtonElement>(`[data-test=state][data-state=${opener}]`)?.focus()
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      items[(index + (event.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus()
    } else return
    event.preventDefault()
  }

  private pick(state: PickableState, reason: string | null): void {
    this.open = null
    if (this.busy || this.disabled) return
    // Ready while busy changes nothing (the server keeps Busy until there is room again)
    if (state === 'ready' && (this.state === 'ready' || this.state === 'busy')) return
    if (state === this.state && reason === this.reason) return
    this.dispatchEvent(new CustomEvent<StateChangeDetail>('state-change', { detail: { state, reason }, bubbles: true, composed: true }))
  }
}

customElements.define('parley-state-picker', StatePicker)

declare global {
  interface HTMLElementTagNameMap {
    'parley-state-picker': StatePicker
  }
}
