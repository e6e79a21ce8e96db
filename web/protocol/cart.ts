/**
 * Carts and proactive offers as the widget, the shop's server and the consoles see them (no
 * zod here, so the loader can import the types; the schemas are in cart-schemas.ts).
 *
 * The shop reports cart events (`window.Parley.cartEvent(type, data)` in the browser, or
 * `POST /api/v1/carts/events` from its server); Parley keeps the cart, evaluates the tenant's
 * offer rules on every event and on a timer for inactivity, and, when a rule matches and an
 * agent who can serve it is free (held for the offer's lifetime), offers the shopper a
 * conversation in a small card next to the button.
 */

/** How a shopper wants to talk (closed union): chat, a voice call in the browser, or a phone call to their number. */
export type ContactMode = 'chat' | 'voice' | 'phone'

export const CONTACT_MODES: readonly ContactMode[] = ['chat', 'voice', 'phone']

/** The merchant's margin on an item (a rule can ask for carts worth the effort). */
export type MarginClass = 'low' | 'medium' | 'high'

export interface CartItem {
  /** the shop's product id */
  sku: string
  name?: string
  category?: string
  /** unit price in the shop's currency */
  price?: number
  quantity: number
  margin?: MarginClass
}

/** Cart events (closed union by `type`), from the widget's JS API or the REST endpoint. */
export type CartEvent =
  /** the whole cart at once (`Parley.setCart`); `cartId` links the shop's own cart id to this shopper */
  | { type: 'cart'; cartId?: string; items?: CartItem[]; categories?: string[]; value?: number; currency?: string }
  | { type: 'item_added'; item: CartItem }
  /** without `quantity`: the item is gone */
  | { type: 'item_removed'; sku: string; quantity?: number }
  /** the cart's value, when the shop computes it (discounts, shipping) */
  | { type: 'value'; value: number; currency?: string }
  /** e.g. cart, shipping, payment, review */
  | { type: 'checkout_step'; step: string }
  | { type: 'payment_failed'; reason?: string }
  | { type: 'order_completed'; orderId?: string; value?: number; currency?: string }
  /** the shopper interacted with the page (keys, pointer, scrolling): resets the inactivity clock */
  | { type: 'activity' }

export type CartEventType = CartEvent['type']

/** The cart as agents see it (channel header, `cart.updated` events). */
export interface CartView {
  items: CartItem[]
  /** the shop's value, or the sum of prices × quantities */
  value: number
  currency: string | null
  categories: string[]
  step: string | null
  paymentFailed: boolean
  updatedAt: string
}

/** A price the shopper pays for the conversation (shown before they say yes). */
export interface OfferCharge {
  mode: 'per_call' | 'per_minute'
  amountMinor: number
  currency: string
}

/** An offer as the shopper's browser gets it. */
export interface OfferView {
  id: string
  message: string
  /** what the shopper may pick, in the rule's order; all can be served now */
  modes: ContactMode[]
  /** the shopper's remembered choice, when it is one of `modes` */
  preferred: ContactMode | null
  /** the number they gave before, for the phone mode */
  phone: string | null
  charge: OfferCharge | null
  expiresAt: string
  /** an agent is held for it (else the expected wait is short) */
  agentReady: boolean
}

/** How an offer ended, for the card (closed union). */
export type OfferEndReason = 'accepted' | 'declined' | 'expired' | 'withdrawn'

/** What the offers stream (server-sent events) delivers to the widget. */
export interface OfferStreamEvents {
  offer: OfferView
  'offer-closed': { id: string; reason: OfferEndReason }
}

/** The shopper's answer to an offer. */
export interface OfferAnswer {
  answer: 'accept' | 'decline'
  mode?: ContactMode
  /** E.164, for the phone mode */
  phone?: string
}

/** What accepting started. */
export interface OfferAccepted {
  status: 'accepted'
  mode: ContactMode
  /** the conversation, open at once when an agent was held */
  channelId: string | null
  /** queued instead (no agent was held, the expected wait was short) */
  requestId: string | null
}

/** What the held agent's console shows while a proactive offer waits for the shopper's answer. */
export interface AgentHoldView {
  offerId: string
  rule: string
  modes: ContactMode[]
  expiresAt: string
  cart: CartView | null
}

/** Channel events about the cart (merged into ChannelEventPayloads; staff only). */
export interface CartEventPayloads {
  /** the shopper's cart when the conversation opened and whenever it changed since */
  'cart.updated': { cart: CartView; offer?: { id: string; rule: string; mode: ContactMode } }
}
