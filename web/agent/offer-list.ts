/**
 * `<parley-offer-list>`: the request ringing at this agent (the router offers one at a time;
 * the list copes with more), each as an offer card with a ring countdown, Accept and
 * Decline, plus a hint when the agent's state keeps requests away.
 */
import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import { repeat } from 'lit/directives/repeat.js'
import type { AgentView, RequestView } from '../protocol/views.js'
import { baseStyles } from './console-styles.js'
import { atCapacityFor, formatCountdown } from './format.js'
import { offerCardStyles, renderOfferCard } from './offer-card.js'
import { offerHoldStyles, renderHoldNotice } from './offer-hold.js'
import type { AgentHoldView } from '../protocol/cart.js'

/** Detail of the `accept` event. */
export interface AcceptDetail {
  requestId: string
}

/** Detail of the `decline` event. */
export interface DeclineDetail {
  requestId: string
}

/** How long a newly arrived offer stays highlighted. */
const NEW_HIGHLIGHT_MS = 4000

/**
 * @fires accept - CustomEvent<AcceptDetail>: the agent wants to take this request
 * @fires decline - CustomEvent<DeclineDetail>: the agent lets this request go to the next agent
 */
export class OfferList extends LitElement {
  static override properties = {
    offers: { attribute: false },
    agent: { attribute: false },
    connected: { type: Boolean },
    accepting: { type: String },
    declining: { type: String },
    hold: { attribute: false },
    now: { state: true },
  }

  static override styles = [
    baseStyles,
    offerCardStyles,
    offerHoldStyles,
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
      .hint[data-state='busy'] {
        background: var(--p-busy-soft);
        border-color: #b6e3ff;
        color: #0a3069;
      }
      .hint[data-state='wrap_up'] {
        background: var(--p-wrap-up-soft);
        border-color: #ecd8ff;
        color: #512a97;
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
    `,
  ]

  /** Ringing requests, oldest first. */
  offers: RequestView[] = []
  /** The agent (state and capacity decide the hint and whether Accept is possible). */
  agent: AgentView | null = null
  /** The console is connected (otherwise the agent counts as offline). */
  connected = true
  /** The request whose accept is in flight. */
  accepting = ''
  /** The request whose decline is in flight. */
  declining = ''
  /** A proactive offer holds this agent (shown above the requests). */
  hold: AgentHoldView | null = null
  private now = Date.now()
  private ticker: ReturnType<typeof setInterval> | undefined
  private flashTimer: ReturnType<typeof setTimeout> | undefined
  private readonly arrivedAt = new Map<string, number>()
  /** per offer: the expiry seen and how long the ring lasts from when this console saw it */
  private readonly rings = new Map<string, { expiresAt: string; totalMs: number }>()
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
      if (this.offers.length > 0 || this.hold || this.agent?.state === 'wrap_up') this.now = Date.now()
    }, 250) // a quarter second keeps the ring bar smooth and the seconds within 0.25 s
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    clearInterval(this.ticker)
    clearTimeout(this.flashTimer)
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('hold')) this.now = Date.now()
    if (changed.has('offers')) {
      const now = Date.now()
      const ids = new Set(this.offers.map((offer) => offer.id))
      for (const id of this.arrivedAt.keys()) if (!ids.has(id)) this.arrivedAt.delete(id)
      for (const id of this.rings.keys()) if (!ids.has(id)) this.rings.delete(id)
      // offers present at the first render are not "new": they were there on page load
      for (const id of ids) if (!this.arrivedAt.has(id)) this.arrivedAt.set(id, this.firstRender ? 0 : now)
      for (const offer of this.offers) {
        const expiresAt = offer.offerExpiresAt
        // NOTE: a re-offer brings a new expiry; the bar then starts full again
        if (expiresAt && this.rings.get(offer.id)?.expiresAt !== expiresAt) this.rings.set(offer.id, { expiresAt, totalMs: Math.max(1000, Date.parse(expiresAt) - now) })
      }
      this.firstRender = false
      this.now = now // the ticker then clears the "new" highlight within a second of expiry
    }
  }

  override render() {
    const count = this.offers.length
    const ready = this.connected && (this.agent?.state === 'ready' || this.agent?.state === 'busy')
    return html`
      <header>
        <h2>Incoming requests</h2>
        <span class="badge ${count > 0 ? 'some' : ''}" data-test="offer-count">${count}</span>
      </header>
      ${this.renderHint()} ${renderHoldNotice(this.hold, this.now)}
      ${count === 0
        ? html`<div class="empty">${ready ? 'No one is waiting. New requests ring here.' : 'No requests.'}</div>`
        : html`<ol aria-live="polite">
            ${repeat(
              this.offers,
              (offer) => offer.id,
              (offer) =>
                renderOfferCard(offer, {
                  now: this.now,
                  isNew: this.now - (this.arrivedAt.get(offer.id) ?? 0) < NEW_HIGHLIGHT_MS,
                  ringTotalMs: this.rings.get(offer.id)?.totalMs ?? 0,
                  accepting: this.accepting === offer.id,
                  declining: this.declining === offer.id,
                  busy: this.accepting !== '' || this.declining !== '' || !this.connected,
                  full: this.agent ? atCapacityFor(this.agent, offer.kind) : false,
                  onAccept: () => this.fire<AcceptDetail>('accept', { requestId: offer.id }),
                  onDecline: () => this.fire<DeclineDetail>('decline', { requestId: offer.id }),
                }),
            )}
          </ol>`}
    `
  }

  private renderHint() {
    const state = this.connected ? (this.agent?.state ?? 'offline') : 'offline'
    if (state === 'ready') return nothing
    let text: string
    if (state === 'busy') text = 'You are at capacity: new requests ring once a conversation ends.'
    else if (state === 'wrap_up') {
      const until = this.agent?.stateUntil
      text = `Wrap-up${until ? ` (${formatCountdown(until, this.now)} left)` : ''}: requests ring again when it ends, or pick Ready now.`
    } else if (state === 'offline') text = this.connected ? 'You are offline. Set yourself Ready to receive requests.' : 'Offline until the connection is back.'
    else text = 'Set yourself Ready to receive requests.'
    return html`<div class="hint" data-test="not-ready-hint" data-state=${state}>${text}</div>`
  }

  private fire<T>(type: string, detail: T): void {
    this.dispatchEvent(new CustomEvent<T>(type, { detail, bubbles: true, composed: true }))
  }
}

customElements.define('parley-offer-list', OfferList)

declare global {
  interface HTMLElementTagNameMap {
    'parley-offer-list': OfferList
  }
}
