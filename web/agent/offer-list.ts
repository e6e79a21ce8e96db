/**
 * `<parley-offer-list>`: the requests offered to this agent, each with the visitor's
 * question, the page they came from, a waiting time that ticks up and an Accept button.
 */
import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import { repeat } from 'lit/directives/repeat.js'
import type { RequestView } from '../protocol/views.js'
import { baseStyles } from './console-styles.js'
import { displayUrl, formatElapsed, safeHref } from './format.js'

/** Detail of the `accept` event. */
export interface AcceptDetail {
  requestId: string
}

/** How long a newly arrived offer stays highlighted. */
const NEW_HIGHLIGHT_MS = 4000

/**
 * @fires accept - CustomEvent<AcceptDetail>: the agent wants to take this request
 */
export class OfferList extends LitElement {
  static override properties = {
    offers: { attribute: false },
    ready: { type: Boolean },
    full: { type: Boolean },
    accepting: { type: String },
    now: { state: true },
  }

  static override styles = [
    baseStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
        background: var(--p-surface);
      }
      header {
        display: flex;
        align-items: center;
        gap: 8px;
        padding: 10px 14px;
        border-bottom: 1px solid var(--p-border);
        transition: background-color 0.3s;
      }
      header h2 {
        font-size: 13px;
        margin: 0;
        font-weight: 600;
        flex: 1;
      }
      header .badge {
        background: var(--p-not-ready-soft);
        color: var(--p-text-muted);
      }
      header .badge.some {
        background: var(--p-primary);
        color: #fff;
      }
      :host([flashing]) header {
        animation: flash 0.6s ease-in-out 3;
      }
      @keyframes flash {
        50% {
          background: #fff1b8;
        }
      }
      .hint {
        margin: 10px 12px 0;
        padding: 8px 10px;
        border-radius: var(--p-radius);
        background: var(--p-break-soft);
        border: 1px solid #f0d98c;
        color: #6b4f00;
      }
      .empty {
        padding: 28px 16px;
        text-align: center;
        color: var(--p-text-faint);
      }
      ol {
        list-style: none;
        margin: 0;
        padding: 8px;
        overflow-y: auto;
        flex: 1;
        min-height: 0;
      }
      li {
        border: 1px solid var(--p-border);
        border-radius: 8px;
        padding: 10px 12px;
        margin-bottom: 8px;
        background: var(--p-surface);
        transition:
          background-color 0.4s,
          border-color 0.4s;
      }
      li.new {
        border-color: var(--p-primary);
        background: var(--p-primary-soft);
        box-shadow: 0 0 0 2px rgba(47, 111, 237, 0.18);
      }
      .top {
        display: flex;
        align-items: center;
        gap: 6px;
        margin-bottom: 4px;
      }
      .name {
        font-weight: 600;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .returning {
        background: #ddf4ff;
        color: #0550ae;
        font-weight: 500;
      }
      .wait {
        margin-left: auto;
        color: var(--p-text-muted);
        font-variant-numeric: tabular-nums;
        white-space: nowrap;
      }
      .wait.long {
        color: var(--p-danger);
        font-weight: 600;
      }
      .question {
        margin: 0 0 6px;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        display: -webkit-box;
        -webkit-line-clamp: 4;
        -webkit-box-orient: vertical;
        overflow: hidden;
      }
      .page {
        display: block;
        font-size: 12px;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        margin-bottom: 8px;
      }
      .actions {
        display: flex;
        align-items: center;
        gap: 8px;
      }
      .actions .muted {
        font-size: 12px;
      }
      .actions button {
        margin-left: auto;
      }
    `,
  ]

  /** Offered requests, oldest first. */
  offers: RequestView[] = []
  /** The agent is Ready (otherwise a hint explains why nothing arrives). */
  ready = false
  /** The agent is at capacity: accepting is disabled. */
  full = false
  /** The request whose accept is in flight. */
  accepting = ''
  private now = Date.now()
  private ticker: ReturnType<typeof setInterval> | undefined
  private flashTimer: ReturnType<typeof setTimeout> | undefined
  private readonly arrivedAt = new Map<string, number>()
  private firstRender = true

  /** Draw the eye to the list (a new request arrived). */
  flash(): void {
    clearTimeout(this.flashTimer)
    this.removeAttribute('flashing')
    void this.offsetWidth // NOTE: flushes styles so re-adding the attribute restarts the animation
    this.setAttribute('flashing', '')
    this.flashTimer = setTimeout(() => this.removeAttribute('flashing'), 1900)
  }

  override connectedCallback(): void {
    super.connectedCallback()
    this.ticker = setInterval(() => {
      if (this.offers.length > 0) this.now = Date.now()
    }, 500) // half a second keeps the displayed seconds within 0.5 s of the truth
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    clearInterval(this.ticker)
    clearTimeout(this.flashTimer)
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('offers')) {
      const now = Date.now()
      const ids = new Set(this.offers.map((offer) => offer.id))
      for (const id of this.arrivedAt.keys()) if (!ids.has(id)) this.arrivedAt.delete(id)
      // offers present at the first render are not "new": they were there on page load
      for (const id of ids) if (!this.arrivedAt.has(id)) this.arrivedAt.set(id, this.firstRender ? 0 : now)
      this.firstRender = false
      this.now = now // the ticker then clears the "new" highlight within a second of expiry
    }
  }

  override render() {
    const count = this.offers.length
    return html`
      <header>
        <h2>Incoming requests</h2>
        <span class="badge ${count > 0 ? 'some' : ''}" data-test="offer-count">${count}</span>
      </header>
      ${this.ready ? nothing : html`<div class="hint" data-test="not-ready-hint">Set yourself Ready to receive requests.</div>`}
      ${count === 0
        ? html`<div class="empty">${this.ready ? 'No one is waiting. New requests ring here.' : 'No requests.'}</div>`
        : html`<ol aria-live="polite">
            ${repeat(
              this.offers,
              (offer) => offer.id,
              (offer) => this.renderOffer(offer),
            )}
          </ol>`}
    `
  }

  private renderOffer(offer: RequestView) {
    const waitedMs = this.now - Date.parse(offer.createdAt)
    const href = safeHref(offer.pageUrl)
    const isNew = this.now - (this.arrivedAt.get(offer.id) ?? 0) < NEW_HIGHLIGHT_MS
    const busy = this.accepting === offer.id
    return html`<li class=${isNew ? 'new' : ''} data-test="offer" data-request-id=${offer.id}>
      <div class="top">
        <span class="name">${offer.visitor.displayName ?? 'Visitor'}</span>
        ${offer.visitor.returning ? html`<span class="badge returning" data-test="returning">Returning visitor</span>` : nothing}
        <span class="wait ${waitedMs > 120_000 ? 'long' : ''}" title="Waiting since ${new Date(offer.createdAt).toLocaleTimeString()}" data-test="wait"
          >waiting <strong>${formatElapsed(offer.createdAt, this.now)}</strong></span
        >
      </div>
      <p class="question" title=${offer.question}>${offer.question}</p>
      ${offer.pageUrl
        ? href
          ? html`<a class="page" href=${href} target="_blank" rel="noopener noreferrer" title=${offer.pageUrl} data-test="offer-page">${displayUrl(offer.pageUrl)}</a>`
          : html`<span class="page muted" title=${offer.pageUrl}>${displayUrl(offer.pageUrl)}</span>`
        : html`<span class="page muted">Page unknown</span>`}
      <div class="actions">
        ${offer.position ? html`<span class="muted">#${offer.position} in queue</span>` : nothing}
        <button
          class="primary"
          type="button"
          data-test="accept"
          ?disabled=${busy || this.accepting !== '' || this.full}
          title=${this.full ? 'You are at capacity: end a conversation first' : 'Take this request'}
          @click=${() => this.dispatchEvent(new CustomEvent<AcceptDetail>('accept', { detail: { requestId: offer.id }, bubbles: true, composed: true }))}
        >
          ${busy ? 'Accepting…' : 'Accept'}
        </button>
      </div>
    </li>`
  }
}

customElements.define('parley-offer-list', OfferList)

declare global {
  interface HTMLElementTagNameMap {
    'parley-offer-list': OfferList
  }
}
