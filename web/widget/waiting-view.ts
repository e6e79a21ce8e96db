/**
 * The queue step: the visitor waits for an agent and sees their place in line, the queue and
 * the expected wait; when nobody can serve them soon, their choices (keep waiting, book a
 * later session, leave).
 */
import { html, LitElement, css, nothing } from 'lit'
import type { RequestView } from '../protocol/views.js'
import { panelStyles } from './panel-styles.js'
import { formatWait } from './time-format.js'
import './slot-picker.js'

/**
 * Waiting view.
 * @fires parley-cancel - the visitor leaves the queue
 * @fires parley-keep-waiting - the visitor dismisses the overflow choices and keeps their place
 * @fires parley-schedule - `detail: { at }` (ISO): the visitor books a later session instead
 */
export class WaitingView extends LitElement {
  static override properties = {
    request: { attribute: false },
    keptWaiting: { type: Boolean },
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
      .dots {
        display: flex;
        gap: 6px;
      }
      .dots span {
        width: 10px;
        height: 10px;
        border-radius: 50%;
        background: var(--parley-primary);
        animation: bounce 1.2s infinite ease-in-out;
      }
      .dots span:nth-child(2) {
        animation-delay: 0.15s;
      }
      .dots span:nth-child(3) {
        animation-delay: 0.3s;
      }
      @keyframes bounce {
        0%,
        80%,
        100% {
          transform: scale(0.6);
          opacity: 0.5;
        }
        40% {
          transform: scale(1);
          opacity: 1;
        }
      }
      @media (prefers-reduced-motion: reduce) {
        .dots span {
          animation: none;
        }
      }
      h2 {
        margin: 0;
        font-size: 17px;
        font-weight: 600;
      }
      .queue {
        margin: -6px 0 0;
        padding: 2px 10px;
        border-radius: 999px;
        background: #e8efff;
        color: var(--parley-primary-dark);
        font-size: 12.5px;
        font-weight: 600;
      }
      .position {
        margin: 0;
        font-size: 15px;
      }
      .estimate {
        margin: -6px 0 0;
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
      .choices {
        display: flex;
        flex-direction: column;
        gap: 8px;
        width: 100%;
        text-align: left;
      }
      .choices p {
        margin: 0;
        font-weight: 600;
        text-align: center;
      }
      .choice {
        display: flex;
        flex-direction: column;
        gap: 1px;
        width: 100%;
        padding: 9px 12px;
        border: 1px solid var(--parley-line);
        border-radius: 10px;
        background: #fff;
        color: var(--parley-text);
        text-align: left;
      }
      .choice:hover:not(:disabled) {
        border-color: var(--parley-primary);
        background: var(--parley-soft);
      }
      .choice strong {
        font-weight: 600;
      }
      .choice span {
        color: var(--parley-muted);
        font-size: 12.5px;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        justify-content: center;
        gap: 8px 16px;
      }
    `,
  ]

  /** the queued request */
  declare request: RequestView | null
  /** the visitor already chose "Keep waiting" for this request: no choices, only a way to book */
  declare keptWaiting: boolean
  /** the cancel is being sent */
  declare busy: boolean
  /** a booking is being sent */
  declare scheduling: boolean
  /** why the last action failed */
  declare error: string | null
  /** the slot picker is open */
  declare private picking: boolean

  constructor() {
    super()
    this.request = null
    this.keptWaiting = false
    this.busy = false
    this.scheduling = false
    this.error = null
    this.picking = false
  }

  override render() {
    const request = this.request
    const position = request?.position
    const estimate = request?.estimate ?? null
    // Nobody can serve them soon (or nobody is staffed at all): offer the choices, once.
    const overflow = !!request && (request.overflow || estimate === null)
    return html`<div class="body">
      ${this.picking ? nothing : html`<div class="dots" aria-hidden="true"><span></span><span></span><span></span></div>`}
      <h2 data-test="waiting" role="status">Waiting for an agent…</h2>
      ${request?.queue ? html`<p class="queue" data-test="queue">${request.queue.name}</p>` : nothing}
      <p class="position" data-test="position" aria-live="polite">${position == null ? 'You are in the queue.' : `You are number ${position} in line.`}</p>
      ${request
        ? html`<p class="estimate" data-test="estimate" aria-live="polite">${estimate ? formatWait(estimate) : 'No agent can take your question right now.'}</p>`
        : nothing}
      ${this.picking
        ? html`<parley-slot-picker
            ?busy=${this.scheduling}
            hint="We will keep your question and remind you here shortly before."
            @parley-slot=${(event: CustomEvent<{ at: string }>) => this.emit('parley-schedule', event.detail)}
            @parley-slot-cancel=${() => (this.picking = false)}
          ></parley-slot-picker>`
        : overflow && !this.keptWaiting
          ? this.renderChoices(estimate === null)
          : html`
              <p class="note">You can keep browsing: the chat follows you from page to page.</p>
              ${request ? html`<blockquote aria-label="Your question">${request.question}</blockquote>` : nothing}
              <div class="actions">
                <button class="secondary" data-test="cancel" ?disabled=${this.busy} @click=${() => this.emit('parley-cancel')}>
                  ${this.busy ? 'Leaving…' : 'Leave the queue'}
                </button>
                ${overflow ? html`<button class="link" data-test="book" @click=${() => (this.picking = true)}>Book a time instead</button>` : nothing}
              </div>
            `}
      ${this.error ? html`<p class="error" data-test="error" role="alert">${this.error}</p>` : nothing}
    </div>`
  }

  private renderChoices(nobody: boolean) {
    return html`<div class="choices" data-test="overflow" role="group" aria-label="What would you like to do?">
      <p>${nobody ? 'Nobody is free to chat right now. What would you like to do?' : 'This may take a while. What would you like to do?'}</p>
      <button class="choice" data-test="keep-waiting" @click=${() => this.emit('parley-keep-waiting')}>
        <strong>Keep waiting</strong><span>Browse on, we'll keep your place</span>
      </button>
      <button class="choice" data-test="book" @click=${() => (this.picking = true)}>
        <strong>Book a time</strong><span>Pick a slot and we'll remind you here</span>
      </button>
      <button class="choice" data-test="leave" ?disabled=${this.busy} @click=${() => this.emit('parley-cancel')}>
        <strong>${this.busy ? 'Leaving…' : 'Leave'}</strong><span>Give up your place in line</span>
      </button>
    </div>`
  }

  private emit(type: string, detail?: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }))
  }
}

if (!customElements.get('parley-waiting-view')) customElements.define('parley-waiting-view', WaitingView)

declare global {
  interface HTMLElementTagNameMap {
    'parley-waiting-view': WaitingView
  }
}
