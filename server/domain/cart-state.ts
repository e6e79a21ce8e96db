/**
 * A shopper's cart as a pure reducer over the shop's cart events: items, value, checkout
 * step, failed payments and the finished order, plus when the shopper last did anything.
 * The browser (JS API) and the shop's server (REST) may both report; the last word wins.
 */
import type { CartEvent, CartItem, CartView, MarginClass } from '../../web/protocol/cart.js'

export interface CartState {
  items: CartItem[]
  /** categories the shop gave without items (`setCart({ categories })`) */
  categories: string[]
  /** the value the shop reported, overriding the sum of items */
  value: number | null
  currency: string | null
  step: string | null
  paymentFailedAt: number | null
  /** the last order of this cart; a new item starts a new cart */
  orderCompletedAt: number | null
  lastActivityAt: number
  updatedAt: number
}

/** What an order completion tells attribution. */
export interface CompletedOrder {
  at: number
  orderId: string | null
  value: number
}

export function emptyCart(now: number): CartState {
  return { items: [], categories: [], value: null, currency: null, step: null, paymentFailedAt: null, orderCompletedAt: null, lastActivityAt: now, updatedAt: now }
}

const MARGIN_RANK: Record<MarginClass, number> = { low: 1, medium: 2, high: 3 }

/** The cart's value: as the shop said, or the sum of priced items. */
export function cartValue(cart: CartState): number {
  if (cart.value !== null) return cart.value
  return Math.round(cart.items.reduce((sum, item) => sum + (item.price ?? 0) * item.quantity, 0) * 100) / 100
}

/** Categories of the items and those given without items. */
export function cartCategories(cart: CartState): string[] {
  return [...new Set([...cart.items.map((item) => item.category).filter((c): c is string => !!c), ...cart.categories])]
}

/** The best margin among the items (a cart with one high-margin item is worth a call), or null. */
export function cartMargin(cart: CartState): MarginClass | null {
  let best: MarginClass | null = null
  for (const item of cart.items) if (item.margin && (!best || MARGIN_RANK[item.margin] > MARGIN_RANK[best])) best = item.margin
  return best
}

export function isCartEmpty(cart: CartState): boolean {
  return cart.items.length === 0 && cart.categories.length === 0 && cartValue(cart) === 0
}

export function marginAtLeast(actual: MarginClass | null, wanted: MarginClass): boolean {
  return actual !== null && MARGIN_RANK[actual] >= MARGIN_RANK[wanted]
}

/**
 * Apply one event at `now` (returns a new state; the input is not changed). An order
 * completion empties the cart and reports the order for attribution.
 */
export function applyCartEvent(cart: CartState, event: CartEvent, now: number): { cart: CartState; order: CompletedOrder | null } {
  const next: CartState = { ...cart, items: cart.items.map((item) => ({ ...item })), categories: [...cart.categories], lastActivityAt: now, updatedAt: now }
  // anything but a finished order after one starts the next cart
  if (event.type !== 'order_completed' && event.type !== 'activity' && next.orderCompletedAt !== null) next.orderCompletedAt = null
  switch (event.type) {
    case 'cart':
      if (event.items) next.items = mergeDuplicates(event.items)
      if (event.categories) next.categories = [...new Set(event.categories)]
      else if (event.items) next.categories = []
      next.value = event.value ?? null
      if (event.currency) next.currency = event.currency
      break
    case 'item_added': {
      const found = next.items.find((item) => item.sku === event.item.sku)
      if (found) Object.assign(found, { ...event.item, quantity: found.quantity + event.item.quantity })
      else next.items.push({ ...event.item })
      next.value = null // the shop's total no longer holds
      break
    }
    case 'item_removed': {
      const found = next.items.find((item) => item.sku === event.sku)
      if (found) {
        found.quantity = event.quantity === undefined ? 0 : found.quantity - event.quantity
        next.items = next.items.filter((item) => item.quantity > 0)
        next.value = null
      }
      break
    }
    case 'value':
      next.value = event.value
      if (event.currency) next.currency = event.currency
      break
    case 'checkout_step':
      next.step = event.step
      break
    case 'payment_failed':
      next.paymentFailedAt = now
      break
    case 'order_completed': {
      const order: CompletedOrder = { at: now, orderId: event.orderId ?? null, value: event.value ?? cartValue(next) }
      const done: CartState = { ...emptyCart(now), currency: event.currency ?? next.currency, orderCompletedAt: now }
      return { cart: done, order }
    }
    case 'activity':
      return { cart: { ...cart, lastActivityAt: now }, order: null }
  }
  return { cart: next, order: null }
}

function mergeDuplicates(items: readonly CartItem[]): CartItem[] {
  const bySku = new Map<string, CartItem>()
  for (const item of items) {
    const found = bySku.get(item.sku)
    if (found) found.quantity += item.quantity
    else bySku.set(item.sku, { ...item })
  }
  return [...bySku.values()]
}

/** The cart as agents see it. */
export function cartView(cart: CartState): CartView {
  return {
    items: cart.items,
    value: cartValue(cart),
    currency: cart.currency,
    categories: cartCategories(cart),
    step: cart.step,
    paymentFailed: cart.paymentFailedAt !== null,
    updatedAt: new Date(cart.updatedAt).toISOString(),
  }
}

/** A stored cart (JSON) back as state; unreadable rows start empty. */
export function readCart(json: string, now: number): CartState {
  try {
    const raw = JSON.parse(json) as Partial<CartState>
    const empty = emptyCart(now)
    return {
      ...empty,
      ...raw,
      items: Array.isArray(raw.items) ? raw.items : [],
      categories: Array.isArray(raw.categories) ? raw.categories : [],
    }
  } catch {
    return emptyCart(now)
  }
}
