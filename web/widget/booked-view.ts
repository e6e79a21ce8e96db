/** A session booked for later: when it is, and a way to change or cancel it. */
import { html, LitElement, css, nothing } from 'lit'
import type { RequestView } from '../protocol/views.js'
import { panelStyles } from './panel-styles.js'
import { formatWhen } from './time-format.js'
import './slot-picker.js'

/**
 * Booked view.
 * @fires parley-cancel - the visitor cancels the booking
 * @fires parley-schedule - `detail: { at }` (ISO): the visitor moves the booking
 */
export class BookedView extends LitElement {
  static override properties = {
    request: { attribute: false },
    busy: { type: Boolean },
    scheduling: { type: Boolean },
    error: {},
    picking: { state: true },
  }
  static override styles = [
    panelStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        padding: 20px 18px;
        overflow-y: auto;
      }
      .body {
        margin: auto 0;
        display: flex;
        flex-direction: column;
        align-items: center;
        gap: 12px;
        text-align: center;
      }
      .icon {
        display: grid;
        place-items: center;
        width: 48px;
        height: 48px;
        border-radius: 50%;
        background: #e8efff;
        color: var(--parley-primary);
      }
      h2 {
        margin: 0;
        font-size: 17px;
        font-weight: 600;
      }
      .booked p {
        margin: 4px 0 0;
        color: var(--parley-muted);
      }
      blockquote {
        margin: 0;
        max-width: 100%;
        max-height: 100px;
        overflow-y: auto;
        padding: 10px 12px;
        border-radius: 10px;
        background: var(--parley-soft);
        color: var(--parley-muted);
        font-size: 13px;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        text-align: left;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        justify-content: center;
        gap: 8px;
      }
    `,
  ]

  /** the booked (scheduled) request */
  declare request: RequestView | null
  /** the cancel is being sent */
  declare busy: boolean
  /** a new time is being sent */
  declare scheduling: boolean
  /** why the last action failed */
  declare error: string | null
  /** the slot picker is open (changing the time) */
  declare private picking: boolean

  private shownFor: string | null = null

  constructor() {
    super()
    this.request = null
    this.busy = false
    this.scheduling = false
    this.error = null
    this.picking = false
  }

  override willUpdate(): void {
    // A new time came back from the server: the picker has done its job.
    const at = this.request?.scheduledFor ?? null
    if (at !== this.shownFor) {
      this.shownFor = at
      this.picking = false
    }
  }

  override render() {
    const request = this.request
    const at = request?.scheduledFor
    return html`<div class="body">
      <div class="icon" aria-hidden="true">
        <svg width="24" height="24" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round">
          <rect x="3" y="5" width="18" height="16" rx="2" />
          <path d="M3 10h18M8 3v4M16 3v4" />
        </svg>
      </div>
      <div class="booked" data-test="booked" role="status">
        <h2>${at ? `Booked for ${formatWhen(at)}` : 'Session booked'}</h2>
        <p>We'll remind you here a few minutes before. Keep browsing, or come back then.</p>
      </div>
      ${request ? html`<blockquote aria-label="Your question">${request.question}</blockquote>` : nothing}
      ${this.picking
        ? html`<parley-slot-picker
            ?busy=${this.scheduling}
            @parley-slot=${(event: CustomEvent<{ at: string }>) => this.emit('parley-schedule', event.detail)}
            @parley-slot-cancel=${() => (this.picking = false)}
          ></parley-slot-picker>`
        : html`<div class="actions">
            <button class="secondary" data-test="change-booking" @click=${() => (this.picking = true)}>Change time</button>
            <button class="secondary" data-test="cancel-booking" ?disabled=${this.busy} @click=${() => this.emit('parley-cancel')}>
              ${this.busy ? 'Cancelling…' : 'Cancel booking'}
            </button>
          </div>`}
      ${this.error ? html`<p class="error" data-test="error" role="alert">${this.error}</p>` : nothing}
    </div>`
  }

  private emit(type: string, detail?: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }))
  }
}

if (!customElements.get('parley-booked-view')) customElements.define('parley-booked-view', BookedView)

declare global {
  interface HTMLElementTagNameMap {
    'parley-booked-view': BookedView
  }
}
