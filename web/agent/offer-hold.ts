/**
 * The notice in the request list while a proactive offer holds this agent: which rule, the
 * shopper's cart and how long the offer stands. Nothing to click: if the shopper says yes,
 * the conversation opens here at once (and the call starts, for voice or phone). A template
 * plus its styles for `<parley-offer-list>`.
 */
import { css, html, nothing } from 'lit'
import type { AgentHoldView, ContactMode } from '../protocol/cart.js'
import { formatMoney } from './cart-summary.js'
import { formatCountdown } from './format.js'

const MODES: Record<ContactMode, string> = { chat: 'chat', voice: 'browser call', phone: 'phone call' }

export function renderHoldNotice(hold: AgentHoldView | null, now: number) {
  if (!hold || Date.parse(hold.expiresAt) <= now) return nothing
  const cart = hold.cart
  const items = cart?.items.reduce((sum, item) => sum + item.quantity, 0) ?? 0
  return html`<div class="hold" role="status" data-test="offer-hold">
    <strong>Held for a proactive offer</strong> · ${formatCountdown(hold.expiresAt, now)} left
    <div>“${hold.rule}”: a shopper${cart ? html` with ${formatMoney(cart.value, cart.currency)} in the cart${items ? ` (${items} item${items === 1 ? '' : 's'})` : ''}${cart.step ? ` at ${cart.step}` : ''}` : ''} is offered ${hold.modes.map((mode) => MODES[mode]).join(', ')}.</div>
    <div class="muted">If they say yes, the conversation opens here at once; other requests wait meanwhile.</div>
  </div>`
}

export const offerHoldStyles = css`
  .hold {
    margin: 8px 12px;
    padding: 8px 10px;
    border-radius: 8px;
    border: 1px solid #b6cdfb;
    background: var(--p-primary-soft);
    font-size: 12.5px;
  }
  .hold .muted {
    color: var(--p-text-muted);
    margin-top: 2px;
  }
`
