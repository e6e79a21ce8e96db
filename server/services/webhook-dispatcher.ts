/**
 * Signed webhooks to tenants' systems. An event becomes one stored delivery per subscribed
 * endpoint (so a restart loses none); a sender loop claims due deliveries with a lease
 * (several processes may run it), POSTs them signed (webhook-signature.ts), and retries
 * 5xx, 408, 429, timeouts and network errors with exponential backoff until the attempts
 * run out. Delivery is at least once: receivers dedupe by the `Parley-Delivery` id.
 */
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signatureHeader } from '../domain/webhook-signature.js'
import type { Logger } from '../log.js'
import type { Database } from '../store/database.js'
import { newId } from '../store/ids.js'
import type { SecretBox } from './secret-box.js'
import { TargetRefusedError, postJson } from './webhook-post.js'

/** Events tenants can subscribe to (closed union). */
export type WebhookEvent = 'channel.started' | 'channel.ended' | 'call.ended' | 'offer.accepted'

export const WEBHOOK_EVENTS: readonly WebhookEvent[] = ['channel.started', 'channel.ended', 'call.ended', 'offer.accepted']

export interface WebhookOptions {
  timeoutMs: number
  retryBaseMs: number
  retryMaxMs: number
  maxAttempts: number
  pollMs: number
  /** may tenants' URLs reach loopback and private networks (on-premises CRMs)? */
  allowPrivate: boolean
}

export interface DeliveryOutcome {
  deliveryId: string
  status: 'delivered' | 'pending' | 'failed'
  statusCode: number | null
  error: string | null
  attempts: number
}

const CONCURRENCY = 8
const BATCH = 32

/** Backoff before attempt `attempts + 1`: base * 2^(attempts-1), capped, with up to 10% jitter. */
export function retryDelayMs(attempts: number, options: Pick<WebhookOptions, 'retryBaseMs' | 'retryMaxMs'>, random = Math.random): number {
  const delay = Math.min(options.retryMaxMs, options.retryBaseMs * 2 ** Math.max(0, attempts - 1))
  return Math.round(delay * (1 + random() * 0.1))
}

const retryable = (status: number) => status >= 500 || status === 408 || status === 429

export class WebhookDispatcher {
  /** every finished attempt (tests and metrics listen) */
  onAttempt: (outcome: DeliveryOutcome & { event: string; durationMs: number }) => void = () => {}

  private timer: ReturnType<typeof setTimeout> | null = null
  private running: Promise<void> | null = null
  private again = false
  private closed = false
  private readonly inFlight = new Set<Promise<void>>()

  constructor(
    private readonly db: Database,
    private readonly box: SecretBox,
    private readonly options: WebhookOptions,
    private readonly log: Logger,
  ) {}

  /** Start the sender loop (pending deliveries from before a restart go out first). */
  start(): void {
    this.closed = false
    this.kick()
  }

  /** Queue `event` for every enabled endpoint of the tenant that subscribed to it. */
  async emit(tenantId: string, event: WebhookEvent | 'webhook.test', data: unknown, onlyEndpointId?: string): Promise<string[]> {
    const endpoints = await this.db.webhookEndpoint.findMany({ where: { tenantId, enabled: true, ...(onlyEndpointId ? { id: onlyEndpointId } : {}) } })
    const subscribed = endpoints.filter((endpoint) => onlyEndpointId || (JSON.parse(endpoint.events) as string[]).includes(event))
    if (subscribed.length === 0) return []
    const tenant = await this.db.tenant.findUnique({ where: { id: tenantId }, select: { slug: true } })
    const createdAt = new Date()
    const rows = subscribed.map((endpoint) => {
      const id = newId('wd')
      return { id, tenantId, endpointId: endpoint.id, event, body: JSON.stringify({ id, type: event, createdAt: createdAt.toISOString(), tenant: tenant?.slug ?? null, data }), createdAt, nextAttemptAt: createdAt }
    })
    await this.db.webhookDelivery.createMany({ data: rows })
    this.kick()
    return rows.map((row) => row.id)
  }

  /** Send a failed (or pending) delivery again now. */
  async redeliver(tenantId: string, deliveryId: string): Promise<boolean> {
    const { count } = await this.db.webhookDelivery.updateMany({ where: { id: deliveryId, tenantId }, data: { status: 'pending', nextAttemptAt: new Date(), lockedUntil: null } })
    if (count) this.kick()
    return count > 0
  }

  /** Look for due deliveries soon. */
  kick(): void {
    if (this.closed) return
    if (this.running) {
      this.again = true
      return
    }
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.running = this.pass()
      .catch((error: unknown) => this.log.error({ err: error }, 'webhook pass failed'))
      .finally(() => {
        this.running = null
        if (this.closed) return
        if (this.again) {
          this.again = false
          this.kick()
        } else this.schedule()
      })
  }

  /** Stop sending; in-flight attempts finish (an interrupted one is retried after restart). */
  async close(): Promise<void> {
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    await this.running
    await Promise.allSettled([...this.inFlight])
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.timer = null
      this.kick()
    }, this.options.pollMs)
    this.timer.unref()
  }

  private async pass(): Promise<void> {
    for (;;) {
      const now = new Date()
      const due = await this.db.webhookDelivery.findMany({
        where: { status: 'pending', nextAttemptAt: { lte: now }, OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }] },
        orderBy: { nextAttemptAt: 'asc' },
        take: BATCH,
        select: { id: true },
      })
      if (due.length === 0) return
      let claimedAny = false
      for (const { id } of due) {
        if (this.closed) return
        const lease = new Date(Date.now() + this.options.timeoutMs + 5_000)
        const claimed = await this.db.webhookDelivery.updateMany({ where: { id, status: 'pending', OR: [{ lockedUntil: null }, { lockedUntil: { lt: new Date() } }] }, data: { lockedUntil: lease } })
        if (claimed.count === 0) continue
        claimedAny = true
        while (this.inFlight.size >= CONCURRENCY) await Promise.race(this.inFlight)
        const attempt = this.attempt(id).catch((error: unknown) => this.log.error({ err: error, deliveryId: id }, 'webhook attempt failed'))
        this.inFlight.add(attempt)
        void attempt.finally(() => this.inFlight.delete(attempt))
      }
      await Promise.allSettled([...this.inFlight])
      if (!claimedAny || due.length < BATCH) return
    }
  }

  private async attempt(id: string): Promise<void> {
    const delivery = await this.db.webhookDelivery.findUnique({ where: { id }, include: { endpoint: true } })
    if (!delivery || delivery.status !== 'pending') return
    const attempts = delivery.attempts + 1
    const started = Date.now()
    let statusCode: number | null = null
    let error: string | null = null
    let outcome: DeliveryOutcome['status']
    if (!delivery.endpoint.enabled) {
      outcome = 'failed'
      error = 'the endpoint is disabled'
    } else {
      try {
        const timestamp = Math.floor(Date.now() / 1000)
        const headers = {
          'content-type': 'application/json',
          'user-agent': 'Parley-Webhooks/1',
          [SIGNATURE_HEADER]: signatureHeader(this.box.open(delivery.endpoint.secret), timestamp, delivery.body),
          [TIMESTAMP_HEADER]: String(timestamp),
          [EVENT_HEADER]: delivery.event,
          [DELIVERY_HEADER]: delivery.id,
        }
        const response = await postJson(delivery.endpoint.url, headers, delivery.body, { timeoutMs: this.options.timeoutMs, allowPrivate: this.options.allowPrivate })
        statusCode = response.status
        // Redirects are not followed: a receiver answers where it was registered.
        if (response.status >= 200 && response.status < 300) outcome = 'delivered'
        else {
          error = `HTTP ${response.status}${response.text ? `: ${response.text}` : ''}`
          outcome = retryable(response.status) ? 'pending' : 'failed'
        }
      } catch (cause) {
        const name = (cause as { name?: string }).name
        if (cause instanceof TargetRefusedError) {
          error = `refused: ${cause.message} (set WEBHOOK_ALLOW_PRIVATE to allow internal receivers)`
          outcome = 'failed'
        } else {
          error = name === 'TimeoutError' ? `no answer within ${this.options.timeoutMs} ms` : `could not connect: ${(cause as Error).message}`
          outcome = 'pending'
        }
      }
    }
    if (outcome === 'pending' && attempts >= this.options.maxAttempts) outcome = 'failed'
    const now = new Date()
    const delay = retryDelayMs(attempts, this.options)
    await this.db.webhookDelivery.update({
      where: { id },
      data: {
        status: outcome,
        attempts,
        lastStatusCode: statusCode,
        lastError: error,
        lockedUntil: null,
        ...(outcome === 'delivered' ? { deliveredAt: now } : {}),
        ...(outcome === 'pending' ? { nextAttemptAt: new Date(now.getTime() + delay) } : {}),
      },
    })
    if (outcome === 'pending') {
      // Come back when it is due, without waiting for the next poll.
      const due = setTimeout(() => this.kick(), delay + 5)
      due.unref()
    }
    if (outcome !== 'delivered') this.log.warn({ deliveryId: id, event: delivery.event, attempts, statusCode, error, outcome }, 'webhook not delivered')
    this.onAttempt({ deliveryId: id, status: outcome, statusCode, error, attempts, event: delivery.event, durationMs: Date.now() - started })
  }
}
