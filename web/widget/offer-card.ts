/**
 * The proactive offer in the shopper's browser: a small card next to the "Talk to us" button
 * that never covers the cart or the checkout button (offer-placement.ts), with the ways to
 * talk the offer allows (chat, a voice call in the browser, a phone call to their number),
 * the shopper's own choice preselected (remembered by Parley and in a first-party cookie),
 * the price when the conversation is billable, and one "Yes". A lazily loaded chunk: the
 * loader imports it only when an offer arrives, and calls `mountOffer`.
 */
import { css, html, LitElement, nothing } from 'lit'
import type { ContactMode, OfferAccepted, OfferView } from '../protocol/cart.js'
import { toE164 } from '../protocol/phone.js'
import { chooseSpot, keepClearBoxes } from './offer-placement.js'
import { panelStyles } from './panel-styles.js'

/** What the loader hands to `mountOffer`. */
export interface OfferCardOptions {
  /** the loader's shadow root, where the card lives next to the button */
  root: ShadowRoot
  /** the launcher button the card sits beside */
  anchor: HTMLElement
  offer: OfferView
  /** `{base}/api/widget/{tenant}` */
  api: string
  tenant: string
  token: string
  /** the shopper said yes and the conversation started: open the panel */
  onAccepted(result: OfferAccepted): void
  /** the card is gone (answered, ran out, withdrawn) */
  onGone(): void
}

export interface OfferCardHandle {
  /** the server closed the offer (answered in another tab, ran out, the agent left) */
  close(): void
}

/** Detail of `parley-offer-answer`. */
export interface OfferAnswerDetail {
  answer: 'accept' | 'decline'
  mode: ContactMode
  phone?: string
}

const MODE_LABELS: Record<ContactMode, string> = { chat: 'Chat', voice: 'Voice call in the browser', phone: 'Call my phone' }

/** "€4.90 per call" in the shopper's language. */
export function priceText(charge: NonNullable<OfferView['charge']>): string {
  let amount: string
  try {
    const format = new Intl.NumberFormat(undefined, { style: 'currency', currency: charge.currency })
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2
    amount = format.format(charge.amountMinor / 10 ** digits)
  } catch {
    amount = `${(charge.amountMinor / 100).toFixed(2)} ${charge.currency}`
  }
  return `${amount} ${charge.mode === 'per_call' ? 'per call' : 'per minute'}`
}

/**
 * @fires parley-offer-answer - CustomEvent<OfferAnswerDetail>: the shopper said yes (with a mode) or no thanks
 */
export class OfferCard extends LitElement {
  static override properties = {
    offer: { attribute: false },
    mode: { state: true },
    phone: { state: true },
    busy: { state: true },
    error: { state: true },
  }

  static override styles = [
    panelStyles,
    css`
      :host {
        position: fixed;
        z-index: 1;
        display: block;
        width: min(320px, calc(100vw - 32px));
      }
      .card {
        position: relative;
        padding: 14px 16px 16px;
        border-radius: 12px;
        background: #fff;
        box-shadow: 0 10px 36px rgba(20, 40, 90, 0.25), 0 2px 6px rgba(20, 40, 90, 0.12);
        animation: rise 0.2s ease-out;
      }
      @keyframes rise {
        from {
          transform: translateY(8px);
          opacity: 0;
        }
      }
      @media (prefers-reduced-motion: reduce) {
        .card {
          animation: none;
        }
      }
      p {
        margin: 0 28px 10px 0;
        font-weight: 600;
      }
      .close {
        position: absolute;
        top: 8px;
        right: 8px;
        border: 0;
        background: none;
        color: var(--parley-muted);
        font-size: 20px;
        line-height: 1;
        padding: 2px 6px;
        border-radius: 6px;
      }
      fieldset {
        border: 0;
        margin: 0 0 10px;
        padding: 0;
        display: grid;
        gap: 4px;
      }
      legend {
        padding: 0;
        margin-bottom: 4px;
        color: var(--parley-muted);
        font-size: 12.5px;
      }
      label {
        display: flex;
        gap: 8px;
        align-items: center;
      }
      input[type='tel'] {
        width: 100%;
        margin: 4px 0 0;
        padding: 7px 9px;
        border: 1px solid var(--parley-line);
        border-radius: 6px;
        font: inherit;
      }
      .price {
        margin: 0 0 10px;
        padding: 6px 8px;
        border-radius: 6px;
        background: #fff7e6;
        font-size: 12.5px;
      }
      .buttons {
        display: flex;
        gap: 8px;
      }
      .error {
        margin: 0 0 8px;
        color: var(--parley-danger);
        font-size: 12.5px;
      }
    `,
  ]

  declare offer: OfferView
  declare private mode: ContactMode
  declare private phone: string
  declare private busy: boolean
  declare private error: string | null

  constructor() {
    super()
    this.busy = false
    this.error = null
    this.phone = ''
  }

  override willUpdate(): void {
    if (this.offer && !this.mode) {
      this.mode = this.offer.preferred ?? this.offer.modes[0]!
      this.phone = this.offer.phone ?? ''
    }
  }

  /** Show why the answer did not go through (the card stays). */
  fail(message: string): void {
    this.busy = false
    this.error = message
  }

  override render() {
    const offer = this.offer
    const phoneInvalid = this.mode === 'phone' && !toE164(this.phone)
    return html`<div class="card" role="dialog" aria-label="An offer to talk" data-test="offer-card" data-mode=${this.mode}>
      <button class="close" aria-label="No thanks" title="No thanks" data-test="offer-close" ?disabled=${this.busy} @click=${() => this.answer('decline')}>×</button>
      <p data-test="offer-message">${offer.message}</p>
      ${offer.modes.length > 1
        ? html`<fieldset>
            <legend>How would you like to talk?</legend>
            ${offer.modes.map(
              (mode) => html`<label
                ><input type="radio" name="mode" value=${mode} data-test="offer-mode" data-mode=${mode} .checked=${this.mode === mode} @change=${() => ((this.mode = mode), (this.error = null))} />${MODE_LABELS[mode]}</label
              >`,
            )}
          </fieldset>`
        : html`<fieldset><legend>${MODE_LABELS[offer.modes[0]!]}</legend></fieldset>`}
      ${this.mode === 'phone'
        ? html`<label style="display:block"
            >Your phone number
            <input type="tel" autocomplete="tel" placeholder="+49 170 1234567" data-test="offer-phone" .value=${this.phone} @input=${(e: Event) => (this.phone = (e.target as HTMLInputElement).value)}
          /></label>`
        : nothing}
      ${offer.charge ? html`<div class="price" data-test="offer-price">Expert advice costs ${priceText(offer.charge)}, charged to you if you say yes.</div>` : nothing}
      ${this.error ? html`<div class="error" role="alert" data-test="offer-error">${this.error}</div>` : nothing}
      <div class="buttons">
        <button class="primary" data-test="offer-yes" ?disabled=${this.busy || phoneInvalid} @click=${() => this.answer('accept')}>${this.busy ? 'Connecting…' : 'Yes, please'}</button>
        <button class="secondary" data-test="offer-no" ?disabled=${this.busy} @click=${() => this.answer('decline')}>No, thanks</button>
      </div>
    </div>`
  }

  private answer(answer: 'accept' | 'decline'): void {
    if (this.busy) return
    this.busy = true
    this.error = null
    const phone = this.mode === 'phone' ? (toE164(this.phone) ?? undefined) : undefined
    this.dispatchEvent(new CustomEvent<OfferAnswerDetail>('parley-offer-answer', { detail: { answer, mode: this.mode, phone }, bubbles: true, composed: true }))
  }
}

if (!customElements.get('parley-offer-card')) customElements.define('parley-offer-card', OfferCard)

declare global {
  interface HTMLElementTagNameMap {
    'parley-offer-card': OfferCard
  }
}

const PREFERENCE_DAYS = 365

/** Show the offer next to the launcher; answers go to Parley, a yes opens the panel. */
export function mountOffer(options: OfferCardOptions): OfferCardHandle {
  const card = document.createElement('parley-offer-card')
  const cookie = `parley_pref_${options.tenant}`
  const remembered = document.cookie.split('; ').find((part) => part.startsWith(cookie + '='))?.slice(cookie.length + 1) as ContactMode | undefined
  // the server's memory first; this site's cookie when the server has none yet
  card.offer = { ...options.offer, preferred: options.offer.preferred ?? (remembered && options.offer.modes.includes(remembered) ? remembered : null) }
  options.root.append(card)
  let gone = false
  let frame = 0
  const place = () => {
    frame = 0
    const rect = card.getBoundingClientRect()
    const anchor = options.anchor.getBoundingClientRect()
    const spot = chooseSpot({ width: innerWidth, height: innerHeight }, { width: rect.width, height: rect.height }, anchor.width > 0 ? anchor : null, keepClearBoxes())
    card.style.left = `${spot.left}px`
    card.style.top = `${spot.top}px`
  }
  const schedule = () => (frame ||= requestAnimationFrame(place))
  // NOTE: shops move things around (sticky bars, lazy images): look again now and then, not only on scroll
  const relayout = setInterval(schedule, 1000)
  addEventListener('scroll', schedule, { passive: true, capture: true })
  addEventListener('resize', schedule, { passive: true })
  void card.updateComplete.then(place)

  const remove = () => {
    if (gone) return
    gone = true
    clearInterval(relayout)
    removeEventListener('scroll', schedule, { capture: true })
    removeEventListener('resize', schedule)
    card.remove()
    options.onGone()
  }
  const expiry = setTimeout(remove, Math.max(0, Date.parse(options.offer.expiresAt) - Date.now()))

  card.addEventListener('parley-offer-answer', async (event) => {
    const { answer, mode, phone } = (event as CustomEvent<OfferAnswerDetail>).detail
    document.cookie = `${cookie}=${mode}; Path=/; Max-Age=${PREFERENCE_DAYS * 86_400}; SameSite=Lax${location.protocol == 'https:' ? '; Secure' : ''}`
    try {
      const response = await fetch(`${options.api}/offers/${encodeURIComponent(options.offer.id)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        credentials: 'omit',
        body: JSON.stringify({ token: options.token, answer, mode, ...(phone ? { phone } : {}) }),
      })
      const body = await response.json()
      if (!response.ok) {
        if (answer === 'decline' || response.status === 404 || body?.error?.code === 'invalid_state') return void remove()
        return card.fail(body?.error?.message ?? 'Sorry, that did not work. Please try again.')
      }
      clearTimeout(expiry)
      remove()
      if (answer === 'accept') options.onAccepted(body as OfferAccepted)
    } catch {
      if (answer === 'decline') return void remove()
      card.fail('The connection failed. Please try again.')
    }
  })

  return {
    close: () => {
      clearTimeout(expiry)
      remove()
    },
  }
}
