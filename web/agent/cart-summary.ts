/**
 * The shopper's cart in the channel header: value, items, checkout step, a failed payment and,
 * when the conversation came from a proactive offer, which rule made it and how the shopper
 * chose to talk. Read from the channel's latest `cart.updated` event (staff only); a
 * template plus its styles for `<parley-channel-view>`.
 */
import { css, html, nothing } from 'lit'
import type { CartView, ContactMode } from '../protocol/cart.js'
import type { ChannelEvent } from '../protocol/channel-event.js'

const MODES: Record<ContactMode, string> = { chat: 'chat', voice: 'browser call', phone: 'phone call' }

/** The latest cart and the offer that opened the conversation, from the channel's events. */
export function cartOf(events: readonly ChannelEvent[]): { cart: CartView; offer: { rule: string; mode: ContactMode } | null } | null {
  let cart: CartView | null = null
  let offer: { rule: string; mode: ContactMode } | null = null
  for (const event of events) {
    if (event.type !== 'cart.updated') continue
    cart = event.payload.cart
    if (event.payload.offer) offer = { rule: event.payload.offer.rule, mode: event.payload.offer.mode }
  }
  return cart ? { cart, offer } : null
}

export function formatMoney(value: number, currency: string | null): string {
  if (!currency) return value.toFixed(2)
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(value)
  } catch {
    return `${value.toFixed(2)} ${currency}`
  }
}

export function renderCartSummary(events: readonly ChannelEvent[]) {
  const found = cartOf(events)
  if (!found) return nothing
  const { cart, offer } = found
  const count = cart.items.reduce((sum, item) => sum + item.quantity, 0)
  return html`<details class="cart" data-test="channel-cart">
    <summary>
      ${offer ? html`<span class="offer" data-test="channel-offer" title="The shopper said yes to this proactive offer">Offer “${offer.rule}” · ${MODES[offer.mode]}</span>` : nothing}
      <span>Cart <strong data-test="cart-value">${formatMoney(cart.value, cart.currency)}</strong>${count ? ` · ${count} item${count === 1 ? '' : 's'}` : ''}${cart.step ? ` · at ${cart.step}` : ''}</span>
      ${cart.paymentFailed ? html`<span class="failed">payment failed</span>` : nothing}
    </summary>
    ${cart.items.length
      ? html`<ul>
          ${cart.items.map(
            (item) =>
              html`<li data-test="cart-item" data-sku=${item.sku}>
                <span>${item.quantity} × ${item.name ?? item.sku}</span>${item.category ? html`<span class="muted">${item.category}</span>` : nothing}${item.margin ? html`<span class="muted">margin ${item.margin}</span>` : nothing}
                ${item.price !== undefined ? html`<span class="price">${formatMoney(item.price * item.quantity, cart.currency)}</span>` : nothing}
              </li>`,
          )}
        </ul>`
      : cart.categories.length
        ? html`<p class="muted">${cart.categories.join(', ')}</p>`
        : nothing}
  </details>`
}

export const cartSummaryStyles = css`
  .cart {
    margin-top: 4px;
    font-size: 12px;
  }
  .cart summary {
    cursor: pointer;
    display: flex;
    flex-wrap: wrap;
    gap: 4px 10px;
    align-items: center;
  }
  .cart .offer {
    padding: 0 7px;
    border-radius: 9px;
    background: var(--p-primary-soft);
    color: var(--p-primary);
    font-weight: 600;
  }
  .cart .failed {
    color: var(--p-danger);
    font-weight: 600;
  }
  .cart ul {
    list-style: none;
    margin: 4px 0 0;
    padding: 0;
  }
  .cart li {
    display: flex;
    gap: 8px;
  }
  .cart .price {
    margin-left: auto;
    font-variant-numeric: tabular-nums;
  }
  .cart .muted {
    color: var(--p-text-muted);
  }
  .cart p {
    margin: 2px 0 0;
  }
`
