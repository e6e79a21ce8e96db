/**
 * The loader's side of proactive offers (plain DOM, bundled into widget.js, so kept small):
 * reports the shop's cart events to Parley in small batches, says when the shopper is
 * active (throttled), and while a cart is going (items, not yet ordered) listens for offers
 * on a per-shopper event stream, only while the page is visible. The offer card itself is a
 * lazily loaded chunk (offer-card.ts).
 */
import type { CartEvent, OfferStreamEvents } from '../protocol/cart.js'

export interface CartReporterOptions {
  /** `{base}/api/widget/{tenant}` */
  api: string
  /** the signed visitor token, if the shopper has one */
  token(): string | null
  /** the server issued a token (a first visit): keep it */
  onToken(token: string): void
  /** storage for this tenant (survives page changes) */
  get(name: string): string | null
  put(name: string, value: string | null): void
  onOffer(offer: OfferStreamEvents['offer']): void
  onOfferClosed(closed: OfferStreamEvents['offer-closed']): void
}

/** Batch events for this long (a shop often reports several at once). */
const FLUSH_MS = 300
/** Report that the shopper is active at most this often. */
const ACTIVITY_MS = 15e3
/** Try again after a network failure. */
const RETRY_MS = 5e3

/** Where unsent events wait (per tab: a click on a link right after "Add to cart" must not lose them). */
const QUEUE_KEY = 'parley:cart-queue'

export function cartReporter(o: CartReporterOptions) {
  let queue: CartEvent[] = []
  try {
    queue = JSON.parse(sessionStorage.getItem(QUEUE_KEY)!) || []
  } catch {}
  const save = () => {
    try {
      queue.length ? sessionStorage.setItem(QUEUE_KEY, JSON.stringify(queue.slice(-50))) : sessionStorage.removeItem(QUEUE_KEY)
    } catch {}
  }
  let timer: ReturnType<typeof setTimeout> | undefined
  let lastActivity = 0
  let stream: EventSource | undefined
  let refused = false
  /** the panel is open: the shopper is with us already, no offers meanwhile */
  let paused = false

  const active = () => !!o.get('cart')

  const listen = () => {
    const token = o.token()
    if (stream || refused || paused || !token || !active() || document.hidden) return
    stream = new EventSource(`${o.api}/offers/stream?token=${encodeURIComponent(token)}&page=${encodeURIComponent(location.href)}`)
    stream.addEventListener('offer', (e) => o.onOffer(JSON.parse((e as MessageEvent).data)))
    stream.addEventListener('offer-closed', (e) => o.onOfferClosed(JSON.parse((e as MessageEvent).data)))
    // closed for good (e.g. refused): do not hammer the server
    stream.onerror = () => stream?.readyState == 2 && ((refused = true), stop())
  }
  const stop = () => {
    stream?.close()
    stream = undefined
  }

  const flush = async () => {
    timer = undefined
    const events = queue.slice(0, 20)
    if (!events.length) return
    try {
      const response = await fetch(o.api + '/cart', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ token: o.token(), pageUrl: location.href.slice(0, 2048), events }),
        credentials: 'omit',
      })
      const body = await response.json()
      queue.splice(0, events.length) // sent, or refused for good: either way not again
      save()
      if (!response.ok) console.warn('[Parley] cart events refused: ' + body?.error?.message)
      else if (body.token) o.onToken(body.token)
      listen()
    } catch (reason) {
      console.warn('[Parley] could not report the cart: ' + reason)
      return void (timer = setTimeout(flush, RETRY_MS))
    }
    if (queue.length) timer = setTimeout(flush, FLUSH_MS)
  }

  const send = (event: CartEvent) => {
    if (event.type == 'order_completed') o.put('cart', null)
    else if (event.type != 'activity') o.put('cart', '1')
    queue.push(event)
    save()
    timer ??= setTimeout(flush, FLUSH_MS)
  }

  const activity = () => {
    const now = Date.now()
    if (active() && now - lastActivity > ACTIVITY_MS) {
      lastActivity = now
      send({ type: 'activity' })
    }
  }
  for (const name of ['pointerdown', 'keydown', 'scroll']) addEventListener(name, activity, { passive: true, capture: true })
  document.addEventListener('visibilitychange', () => (document.hidden ? stop() : listen()))
  listen()
  if (queue.length) timer = setTimeout(flush, FLUSH_MS) // what the last page could not send

  return {
    /** `Parley.cartEvent(type, data)` */
    event(type: CartEvent['type'], data?: object) {
      send({ ...data, type } as CartEvent)
    },
    /** `Parley.setCart(cart)`: the whole cart, reported when it changed (every page calls it) */
    snapshot(cart: { cartId?: string; items?: unknown[]; categories?: unknown[]; value?: number; currency?: string }) {
      const { cartId, items, categories, value, currency } = cart
      const event = { type: 'cart', cartId, items, categories, value, currency } as CartEvent
      const json = JSON.stringify(event)
      if (json == o.get('cart-sent')) return
      o.put('cart-sent', json)
      const empty = !(items?.length || categories?.length || (value as number) > 0)
      if (empty && !active()) return // nothing to tell about an empty cart nobody filled
      send(event)
      if (empty) o.put('cart', null)
    },
    /** No offers while the panel is open (`true`), again once it is closed. */
    pause(on: boolean) {
      paused = on
      on ? stop() : listen()
    },
  }
}
