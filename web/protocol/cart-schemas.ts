/** zod schemas of cart events and offer answers (web/protocol/cart.ts), validated at every edge. */
import { z } from 'zod'
import { e164 } from './phone-schemas.js'
import { pageUrl } from './schemas.js'

const text = (max: number) => z.string().trim().min(1).max(max)
const sku = text(100)
const category = text(60)
const money = z.number().finite().min(0).max(1e9)
const currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code like EUR')
export const contactMode = z.enum(['chat', 'voice', 'phone'])
export const marginClass = z.enum(['low', 'medium', 'high'])
export const checkoutStep = z.string().trim().toLowerCase().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'a step name: letters, digits, "-" or "_" (up to 40)')
/** the shop's own cart id */
export const cartId = z.string().min(1).max(100).regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits, ".", ":", "-" or "_"')

export const cartItem = z.strictObject({
  sku,
  name: text(200).optional(),
  category: category.optional(),
  price: money.optional(),
  quantity: z.int().min(1).max(10_000).default(1),
  margin: marginClass.optional(),
})

export const cartEvent = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('cart'),
    cartId: cartId.optional(),
    items: z.array(cartItem).max(200).optional(),
    categories: z.array(category).max(50).optional(),
    value: money.optional(),
    currency: currency.optional(),
  }),
  z.strictObject({ type: z.literal('item_added'), item: cartItem }),
  z.strictObject({ type: z.literal('item_removed'), sku, quantity: z.int().min(1).max(10_000).optional() }),
  z.strictObject({ type: z.literal('value'), value: money, currency: currency.optional() }),
  z.strictObject({ type: z.literal('checkout_step'), step: checkoutStep }),
  z.strictObject({ type: z.literal('payment_failed'), reason: z.string().trim().max(200).optional() }),
  z.strictObject({ type: z.literal('order_completed'), orderId: text(100).optional(), value: money.optional(), currency: currency.optional() }),
  z.strictObject({ type: z.literal('activity') }),
])

const events = z.array(cartEvent).min(1, 'send at least one event').max(20, 'at most 20 events at a time')

/** `POST /api/widget/:tenant/cart` from the loader (no cookies cross-origin: the token rides in the body). */
export const widgetCartBody = z.strictObject({
  token: z.string().max(512).nullable().default(null),
  pageUrl: pageUrl.nullable().default(null),
  events,
})

/** `POST /api/v1/carts/events` from the shop's server, naming the cart by the shop's id (linked by a `cart` event in the browser) or Parley's visitor id. */
export const apiCartBody = z
  .strictObject({
    cartId: cartId.optional(),
    visitorId: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/).optional(),
    events,
  })
  .refine((body) => body.cartId !== undefined || body.visitorId !== undefined, { message: 'name the cart: cartId (the id your shop gave it) or visitorId', path: ['cartId'] })

/** `POST /api/widget/:tenant/offers/:id` from the offer card. */
export const offerAnswerBody = z
  .strictObject({
    token: z.string().min(1).max(512),
    answer: z.enum(['accept', 'decline']),
    mode: contactMode.optional(),
    phone: e164.optional(),
  })
  .refine((body) => body.answer === 'decline' || body.mode !== undefined, { message: 'pick how to talk: chat, voice or phone', path: ['mode'] })

/** `GET /api/widget/:tenant/offers/stream?token=…` */
export const offerStreamQuery = z.object({ token: z.string().min(1).max(512), page: z.string().max(2048).optional() })
