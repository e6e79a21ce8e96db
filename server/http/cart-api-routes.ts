/**
 * The carts endpoint of the public API (`POST /api/v1/carts/events`, API key of the tenant):
 * the shop's server reports cart events (an order paid, a payment that failed at the
 * provider) by the shop's own cart id, which the browser linked with `Parley.setCart({ cartId })`,
 * or by Parley's visitor id. Registered into the public API's route table and its OpenAPI document.
 */
import type { Request } from 'express'
import { z } from 'zod'
import { apiCartBody } from '../../web/protocol/cart-schemas.js'
import type { Offers } from '../services/offers.js'
import type { ApiRoute } from './public-api-routes.js'
import { validate } from './validate.js'

const item = z.object({ sku: z.string(), name: z.string().optional(), category: z.string().optional(), price: z.number().optional(), quantity: z.number().int(), margin: z.enum(['low', 'medium', 'high']).optional() })

export const CartResponse = z.object({
  data: z.object({
    cartId: z.string().nullable().meta({ description: "your shop's id for the cart, once known" }),
    visitorId: z.string().nullable().meta({ description: 'the shopper, once a browser with the widget reported this cart' }),
    cart: z.object({
      items: z.array(item),
      value: z.number().meta({ description: 'the value you reported, or the sum of prices × quantities' }),
      currency: z.string().nullable(),
      categories: z.array(z.string()),
      step: z.string().nullable().meta({ description: 'the last checkout step reached' }),
      paymentFailed: z.boolean(),
      updatedAt: z.string().meta({ format: 'date-time' }),
    }),
  }),
})

export function cartApiRoutes(offers: Offers): ApiRoute[] {
  return [
    {
      method: 'post',
      path: '/carts/events',
      operationId: 'postCartEvents',
      summary: 'Report cart events',
      description:
        "Cart events from your shop's server, in order: cart (the whole cart), item_added, item_removed, value, checkout_step, payment_failed, order_completed. Name the cart by your own cartId (the widget links it to the shopper when the page calls Parley.setCart({ cartId })) or by Parley's visitorId. Proactive-offer rules are evaluated on every event; an order completed after an accepted offer is attributed to it.",
      tag: 'Carts',
      body: apiCartBody,
      response: CartResponse,
      async handler(req: Request) {
        const body = validate('cart events', apiCartBody, req.body)
        const tenantId = req.apiClient!.tenantId
        const ref = body.visitorId ? (body.cartId ? { visitorId: body.visitorId, externalId: body.cartId } : { visitorId: body.visitorId }) : { externalId: body.cartId! }
        const cart = await offers.carts.apply(tenantId, ref, body.events, null)
        return { data: { cartId: cart.externalId, visitorId: cart.visitorId, cart: offers.carts.viewOf(cart) } }
      },
    },
  ]
}
