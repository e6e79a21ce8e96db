/**
 * Shoppers' carts: cart events from the widget (by visitor) and from the shop's server (by
 * the shop's own cart id, linked to a visitor when the browser reports it) go through the
 * pure reducer, are stored, and are announced to the offer service. While the shopper is in
 * a conversation, each change reaches its agents as a `cart.updated` channel event. The
 * carts of shoppers seen lately stay in memory for the inactivity checks.
 */
import type { CartEvent } from '../../web/protocol/cart.js'
import { applyCartEvent, cartView, emptyCart, readCart, type CartState, type CompletedOrder } from '../domain/cart-state.js'
import { NotFoundError } from '../errors.js'
import type { Logger } from '../log.js'
import type { Database } from '../store/database.js'
import { newId } from '../store/ids.js'
import type { ChannelService } from './channel-service.js'
import type { EventLog } from './event-log.js'

export interface LiveCart {
  /** row id */
  id: string
  tenantId: string
  visitorId: string | null
  /** the shop's own id for this cart */
  externalId: string | null
  state: CartState
  pageUrl: string | null
  /** the visitor came back (more than one visit) */
  returning: boolean
}

/** How a cart is named by who reports it. */
export type CartRef = { visitorId: string; returning?: boolean } | { externalId: string } | { visitorId: string; externalId: string }

/** A cart nobody reported to for this long leaves memory (it stays stored). */
const IDLE_EVICT_MS = 6 * 3_600_000
const EVICT_EVERY_MS = 10 * 60_000

export class CartService {
  /** a cart changed (events applied); `orders`: orders completed by these events */
  onChanged: (cart: LiveCart, orders: CompletedOrder[], contentChanged: boolean) => void = () => {}

  private readonly byVisitor = new Map<string, LiveCart>()
  private readonly loading = new Map<string, Promise<LiveCart | null>>()
  /** per cart row: appliers wait their turn, so concurrent reports never lose an event */
  private readonly queues = new Map<string, Promise<unknown>>()
  private readonly evictTimer: ReturnType<typeof setInterval>

  constructor(
    private readonly db: Database,
    private readonly channels: ChannelService,
    private readonly events: EventLog,
    private readonly log: Logger,
  ) {
    this.evictTimer = setInterval(() => this.evict(), EVICT_EVERY_MS)
    this.evictTimer.unref()
  }

  /** The visitor's cart in memory (after load or a report), if any. */
  live(visitorId: string): LiveCart | undefined {
    return this.byVisitor.get(visitorId)
  }

  /** The visitor's cart, from memory or the store. */
  async ofVisitor(visitorId: string): Promise<LiveCart | null> {
    const known = this.byVisitor.get(visitorId)
    if (known) return known
    let pending = this.loading.get(visitorId)
    if (!pending) {
      pending = this.db.shopperCart
        .findUnique({ where: { visitorId }, include: { visitor: { select: { visits: true } } } })
        .then((row) => {
          if (!row || this.byVisitor.has(visitorId)) return this.byVisitor.get(visitorId) ?? null
          const cart: LiveCart = { id: row.id, tenantId: row.tenantId, visitorId, externalId: row.externalId, state: readCart(row.state, Date.now()), pageUrl: row.pageUrl, returning: (row.visitor?.visits ?? 1) > 1 }
          this.byVisitor.set(visitorId, cart)
          return cart
        })
        .finally(() => this.loading.delete(visitorId))
      this.loading.set(visitorId, pending)
    }
    return pending
  }

  /** Apply cart events in order; creates the cart on first report. */
  async apply(tenantId: string, ref: CartRef, events: readonly CartEvent[], pageUrl: string | null): Promise<LiveCart> {
    const key = 'visitorId' in ref ? `v:${ref.visitorId}` : `x:${tenantId}:${ref.externalId}`
    const previous = this.queues.get(key) ?? Promise.resolve()
    const run = previous.catch(() => undefined).then(() => this.applyNow(tenantId, ref, events, pageUrl))
    this.queues.set(key, run)
    void run.finally(() => this.queues.get(key) === run && this.queues.delete(key)).catch(() => undefined)
    return run
  }

  /** The shopper did something that is not a cart event (a conversation ended): the idle clock starts again. */
  touch(visitorId: string): void {
    const cart = this.byVisitor.get(visitorId)
    if (cart) cart.state = { ...cart.state, lastActivityAt: Date.now() }
  }

  /** The cart's current view, for a conversation that opens (offer accepted). */
  viewOf(cart: LiveCart) {
    return cartView(cart.state)
  }

  close(): void {
    clearInterval(this.evictTimer)
  }

  private async applyNow(tenantId: string, ref: CartRef, events: readonly CartEvent[], pageUrl: string | null): Promise<LiveCart> {
    const cart = await this.resolve(tenantId, ref)
    const now = Date.now()
    const orders: CompletedOrder[] = []
    let contentChanged = false
    if ('externalId' in ref && 'visitorId' in ref && ref.externalId !== cart.externalId) await this.link(cart, ref.externalId)
    for (const event of events) {
      if (event.type === 'cart' && event.cartId && event.cartId !== cart.externalId && cart.visitorId) await this.link(cart, event.cartId)
      const result = applyCartEvent(cart.state, event, now)
      cart.state = result.cart
      if (result.order) orders.push(result.order)
      if (event.type !== 'activity') contentChanged = true
    }
    if (pageUrl) cart.pageUrl = pageUrl
    // NOTE: activity alone (the shopper moving around) stays in memory: it only resets the idle clock.
    if (contentChanged || pageUrl) await this.store(cart)
    if (contentChanged && cart.visitorId) await this.tellAgents(cart)
    try {
      this.onChanged(cart, orders, contentChanged)
    } catch (error) {
      this.log.error({ err: error }, 'cart change listener failed')
    }
    return cart
  }

  /** Find (memory, store) or create the cart `ref` names. */
  private async resolve(tenantId: string, ref: CartRef): Promise<LiveCart> {
    if ('visitorId' in ref) {
      const known = await this.ofVisitor(ref.visitorId)
      if (known) {
        if (known.tenantId !== tenantId) throw new NotFoundError('no such visitor')
        if ('returning' in ref && ref.returning !== undefined) known.returning = ref.returning
        return known
      }
      const visitor = await this.db.visitor.findFirst({ where: { id: ref.visitorId, tenantId }, select: { visits: true } })
      if (!visitor) throw new NotFoundError('no such visitor in this tenant')
      const cart: LiveCart = { id: newId('ct'), tenantId, visitorId: ref.visitorId, externalId: null, state: emptyCart(Date.now()), pageUrl: null, returning: ('returning' in ref ? ref.returning : undefined) ?? visitor.visits > 1 }
      this.byVisitor.set(ref.visitorId, cart)
      return cart
    }
    const row = await this.db.shopperCart.findUnique({ where: { tenantId_externalId: { tenantId, externalId: ref.externalId } } })
    if (row?.visitorId) {
      const linked = await this.ofVisitor(row.visitorId)
      if (linked) return linked
    }
    // reported by the shop's server before (or without) any browser: kept until a browser links it
    return row
      ? { id: row.id, tenantId, visitorId: null, externalId: ref.externalId, state: readCart(row.state, Date.now()), pageUrl: row.pageUrl, returning: false }
      : { id: newId('ct'), tenantId, visitorId: null, externalId: ref.externalId, state: emptyCart(Date.now()), pageUrl: null, returning: false }
  }

  /** The browser says this is the shop's cart `externalId`: adopt what the shop's server reported for it. */
  private async link(cart: LiveCart, externalId: string): Promise<void> {
    const other = await this.db.shopperCart.findUnique({ where: { tenantId_externalId: { tenantId: cart.tenantId, externalId } } })
    if (other && other.id !== cart.id) {
      if (!other.visitorId) {
        const reported = readCart(other.state, Date.now())
        if (reported.updatedAt > cart.state.updatedAt) cart.state = reported
        await this.db.shopperCart.delete({ where: { id: other.id } })
      } else {
        // the same shop cart on another device: it follows the newest browser
        await this.db.shopperCart.update({ where: { id: other.id }, data: { externalId: null } })
        const stale = this.byVisitor.get(other.visitorId)
        if (stale) stale.externalId = null
      }
    }
    cart.externalId = externalId
  }

  private async store(cart: LiveCart): Promise<void> {
    const data = { state: JSON.stringify(cart.state), pageUrl: cart.pageUrl, externalId: cart.externalId, lastActivityAt: new Date(cart.state.lastActivityAt), updatedAt: new Date(cart.state.updatedAt) }
    await this.db.shopperCart.upsert({ where: { id: cart.id }, create: { id: cart.id, tenantId: cart.tenantId, visitorId: cart.visitorId, ...data }, update: data })
  }

  /** Agents of the shopper's open conversations see the new cart. */
  private async tellAgents(cart: LiveCart): Promise<void> {
    for (const channel of this.channels.channelsOf({ kind: 'visitor', visitorId: cart.visitorId! }, cart.tenantId)) {
      await this.events
        .append({ channelId: channel.id, type: 'cart.updated', author: { role: 'system' }, payload: { cart: cartView(cart.state) } })
        .catch((error: unknown) => this.log.warn({ err: error, channelId: channel.id }, 'could not log a cart change'))
    }
  }

  private evict(): void {
    const before = Date.now() - IDLE_EVICT_MS
    for (const [visitorId, cart] of this.byVisitor) if (cart.state.lastActivityAt < before) this.byVisitor.delete(visitorId)
  }
}
