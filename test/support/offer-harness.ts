/**
 * Proactive offers from outside, as the widget and the shop do it: cart events over HTTP
 * from the shop's origin, the offers stream (server-sent events, read with fetch), answers,
 * and rules through the admin API.
 */
import type { OfferView } from '../../web/protocol/cart.js'
import type { OfferRuleInput } from '../../server/domain/offer-rules.js'
import { AGENT_EMAILS, login } from './parley-harness.js'

export interface Target {
  url: string
  shopUrl: string | null
}

/** POST cart events like the loader; resolves with the status and JSON body. */
export async function postCart(parley: Target, token: string | null, events: unknown[], options: { pageUrl?: string | null; origin?: string } = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(`${parley.url}/api/widget/demo/cart`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: options.origin ?? parley.shopUrl! },
    body: JSON.stringify({ token, pageUrl: options.pageUrl === undefined ? `${parley.shopUrl}/checkout` : options.pageUrl, events }),
  })
  return { status: response.status, body: await response.json() }
}

/** The answer of the offer card. */
export async function answerOffer(parley: Target, token: string, offerId: string, answer: Record<string, unknown>): Promise<{ status: number; body: any }> {
  const response = await fetch(`${parley.url}/api/widget/demo/offers/${offerId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: parley.shopUrl! },
    body: JSON.stringify({ token, ...answer }),
  })
  return { status: response.status, body: await response.json() }
}

export interface StreamEvent {
  event: string
  data: any
}

/** The shopper's offers stream, parsed as it arrives. */
export class OfferStream {
  readonly events: StreamEvent[] = []
  status = 0
  private readonly controller = new AbortController()
  private readonly waiters = new Set<() => void>()
  readonly opened: Promise<void>

  constructor(parley: Target, token: string, origin = parley.shopUrl!) {
    this.opened = fetch(`${parley.url}/api/widget/demo/offers/stream?token=${encodeURIComponent(token)}`, { headers: { origin }, signal: this.controller.signal }).then((response) => {
      this.status = response.status
      if (!response.ok || !response.body) return
      void this.read(response.body.getReader())
    })
  }

  /** The next event of this type after the first `skip` of them (default: any new one). */
  async next(event: string, after = this.count(event), timeoutMs = 15_000): Promise<any> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = this.events.filter((e) => e.event === event)[after]
      if (found) return found.data
      if (Date.now() > deadline) throw new Error(`no ${event} event (have: ${this.events.map((e) => e.event).join(', ') || 'nothing'})`)
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiters.delete(wake)
          resolve()
        }
        this.waiters.add(wake)
        setTimeout(wake, 100)
      })
    }
  }

  async nextOffer(timeoutMs?: number): Promise<OfferView> {
    return this.next('offer', undefined, timeoutMs)
  }

  count(event: string): number {
    return this.events.filter((e) => e.event === event).length
  }

  close(): void {
    this.controller.abort()
  }

  private async read(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder()
    let buffer = ''
    try {
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        buffer += decoder.decode(chunk.value, { stream: true })
        let end
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const event = /^event: (.+)$/m.exec(block)?.[1]
          const data = /^data: (.+)$/m.exec(block)?.[1]
          if (event && data) this.events.push({ event, data: JSON.parse(data) })
          for (const wake of [...this.waiters]) wake()
        }
      }
    } catch {
      // aborted
    }
  }
}

/** An admin's JSON call on /api/admin. */
export async function admin(parley: Target, method: string, path: string, body?: unknown, cookie?: string): Promise<{ status: number; body: any }> {
  const session = cookie ?? (await login(parley.url, AGENT_EMAILS.admin))
  const response = await fetch(`${parley.url}/api/admin${path}`, {
    method,
    headers: { 'content-type': 'application/json', origin: parley.url, cookie: session },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  return { status: response.status, body: text ? JSON.parse(text) : null }
}

/** Create an offer rule through the admin API; returns its id. */
export async function createRule(parley: Target, rule: OfferRuleInput): Promise<string> {
  const created = await admin(parley, 'POST', '/offer-rules', rule)
  if (created.status !== 201) throw new Error(`rule not created: ${created.status} ${JSON.stringify(created.body)}`)
  return created.body.rule.id
}

/** A cart with a bike at the payment step, as the demo shop reports it. */
export const BIKE_CART = [
  { type: 'item_added', item: { sku: 'trail-x1', name: 'Trail X1', category: 'bikes', price: 1299, quantity: 1, margin: 'high' } },
  { type: 'checkout_step', step: 'payment' },
]
