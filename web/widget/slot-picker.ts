/** Picking the time of a later session: the next quarter hours, or any time within two weeks. */
import { html, LitElement, css } from 'lit'
import { panelStyles } from './panel-styles.js'
import { dayLabel, formatClock, formatWhen, localInputValue } from './time-format.js'

const QUARTER_MS = 15 * 60_000
/** quarter-hour slots offered as buttons */
const SLOT_COUNT = 8
/** the server takes 1 minute to 14 days ahead; the free input keeps a margin at both ends */
const EARLIEST_MS = 5 * 60_000
const LATEST_MS = 14 * 24 * 3600_000 - 10 * 60_000

/** The next `count` quarter hours, starting at least 15 minutes from `now`. */
export function nextSlots(now: number, count = SLOT_COUNT): Date[] {
  const first = Math.ceil((now + QUARTER_MS) / QUARTER_MS) * QUARTER_MS
  return Array.from({ length: count }, (_, index) => new Date(first + index * QUARTER_MS))
}

/**
 * Slot picker.
 * @fires parley-slot - `detail: { at }` (ISO) when the visitor picks a time
 * @fires parley-slot-cancel - the visitor goes back without picking
 */
export class SlotPicker extends LitElement {
  static override shadowRootOptions = { ...LitElement.shadowRootOptions, delegatesFocus: true }
  static override properties = {
    disabled: { type: Boolean },
    busy: { type: Boolean },
    hint: {},
    later: { state: true },
  }
  static override styles = [
    panelStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: 10px;
        width: 100%;
        padding: 12px;
        border: 1px solid var(--parley-line);
        border-radius: 10px;
        background: var(--parley-soft);
        text-align: left;
      }
      h3 {
        margin: 0;
        font-size: 14px;
        font-weight: 600;
      }
      .slots {
        display: grid;
        grid-template-columns: repeat(4, 1fr);
        gap: 6px;
      }
      .slot {
        display: flex;
        flex-direction: column;
        align-items: center;
        padding: 6px 2px;
        border: 1px solid #c9d1e0;
        border-radius: 8px;
        background: #fff;
        color: var(--parley-text);
        font-size: 13.5px;
        font-weight: 600;
        font-variant-numeric: tabular-nums;
      }
      .slot small {
        font-size: 10.5px;
        font-weight: 400;
        color: var(--parley-muted);
      }
      .slot:hover:not(:disabled) {
        border-color: var(--parley-primary);
        color: var(--parley-primary);
      }
      .later {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 6px;
      }
      .later label {
        font-size: 13px;
        color: var(--parley-muted);
      }
      input {
        flex: 1;
        min-width: 0;
        padding: 6px 8px;
        border: 1px solid #c9d1e0;
        border-radius: 8px;
        font: inherit;
        font-size: 13.5px;
        color: inherit;
        background: #fff;
      }
      input:focus {
        outline: none;
        border-color: var(--parley-primary);
        box-shadow: 0 0 0 3px rgba(47, 111, 237, 0.18);
      }
      .later .secondary {
        padding: 6px 12px;
      }
      .foot {
        display: flex;
        justify-content: space-between;
        align-items: center;
        gap: 8px;
      }
    `,
  ]

  /** the slots cannot be picked yet (e.g. no question typed) */
  declare disabled: boolean
  /** a booking is being sent */
  declare busy: boolean
  /** a line under the title, e.g. why the slots are disabled */
  declare hint: string | null
  /** the free date/time input's value (`datetime-local`) */
  declare private later: string

  constructor() {
    super()
    this.disabled = false
    this.busy = false
    this.hint = null
    this.later = ''
  }

  override render() {
    const now = Date.now()
    const off = this.disabled || this.busy
    const laterAt = this.later ? new Date(this.later).getTime() : NaN
    const laterOk = laterAt - now >= EARLIEST_MS && laterAt - now <= LATEST_MS
    return html`
      <h3 id="title">Pick a time for your session</h3>
      ${this.hint ? html`<p class="note">${this.hint}</p>` : null}
      <div class="slots" role="group" aria-labelledby="title">
        ${nextSlots(now).map((slot) => {
          const day = dayLabel(slot)
          return html`<button
            class="slot"
            data-test="slot"
            data-at=${slot.toISOString()}
            aria-label=${formatWhen(slot)}
            ?disabled=${off}
            @click=${() => this.pick(slot.toISOString())}
          >
            ${formatClock(slot)}${day ? html`<small>${day}</small>` : null}
          </button>`
        })}
      </div>
      <div class="later">
        <label for="later">Or later:</label>
        <input
          id="later"
          type="datetime-local"
          data-test="slot-input"
          step="900"
          min=${localInputValue(new Date(now + EARLIEST_MS))}
          max=${localInputValue(new Date(now + LATEST_MS))}
          .value=${this.later}
          @input=${(event: InputEvent) => (this.later = (event.target as HTMLInputElement).value)}
        />
        <button class="secondary" data-test="slot-later" ?disabled=${off || !laterOk} @click=${() => this.pick(new Date(laterAt).toISOString())}>Book</button>
      </div>
      <div class="foot">
        <span class="note">${this.later && !laterOk ? 'Pick a time within the next two weeks.' : this.busy ? 'Booking…' : ''}</span>
        <button class="link" data-test="slot-back" @click=${this.back}>Back</button>
      </div>
    `
  }

  private pick(at: string): void {
    if (this.disabled || this.busy) return
    this.dispatchEvent(new CustomEvent('parley-slot', { detail: { at }, bubbles: true, composed: true }))
  }

  private back(): void {
    this.dispatchEvent(new CustomEvent('parley-slot-cancel', { bubbles: true, composed: true }))
  }
}

if (!customElements.get('parley-slot-picker')) customElements.define('parley-slot-picker', SlotPicker)

declare global {
  interface HTMLElementTagNameMap {
    'parley-slot-picker': SlotPicker
  }
}
