/**
 * The rate-limiting seam: token buckets by key. One process uses the in-memory buckets here;
 * several processes share buckets through a store that implements the same interface (Redis),
 * which is why every call is async.
 */

/** A bucket of `burst` tokens refilled at `perMinute` tokens a minute (one request costs one). */
export interface RateLimit {
  perMinute: number
  burst: number
}

export interface RateDecision {
  allowed: boolean
  /** tokens left after this request */
  remaining: number
  /** when refused: how long until the request would be allowed */
  retryAfterMs: number
}

export interface RateLimiter {
  /** Take `cost` tokens from the bucket `key` (created full), or refuse without taking any. */
  take(key: string, limit: RateLimit, cost?: number): Promise<RateDecision>
  /** Stop timers and connections. Idempotent. */
  close(): Promise<void>
}

/** The burst for a per-minute rate: a quarter of a minute's allowance, at least 5. */
export function perMinute(rate: number): RateLimit {
  return { perMinute: rate, burst: Math.max(5, Math.ceil(rate / 4)) }
}

interface Bucket {
  tokens: number
  at: number
  /** when the bucket is full again (it can then be forgotten) */
  fullAt: number
}

export interface MemoryRateLimiterOptions {
  /** the clock (tests) */
  now?: () => number
  /** most buckets kept; past it, full buckets are swept and then the oldest dropped */
  maxBuckets?: number
}

/** Token buckets in a Map; idle (full) buckets are forgotten, so memory follows active keys only. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, Bucket>()
  private readonly now: () => number
  private readonly maxBuckets: number
  private readonly sweeper: NodeJS.Timeout

  constructor(options: MemoryRateLimiterOptions = {}) {
    this.now = options.now ?? Date.now
    this.maxBuckets = options.maxBuckets ?? 200_000
    this.sweeper = setInterval(() => this.sweep(), 60_000)
    this.sweeper.unref()
  }

  /** Synchronous core, for callers on the hot path that know they hold the in-memory limiter. */
  takeNow(key: string, limit: RateLimit, cost = 1): RateDecision {
    const now = this.now()
    const perMs = limit.perMinute / 60_000
    const found = this.buckets.get(key)
    const tokens = found ? Math.min(limit.burst, found.tokens + (now - found.at) * perMs) : limit.burst
    if (tokens < cost) {
      if (found) (found.tokens = tokens), (found.at = now)
      return { allowed: false, remaining: Math.floor(tokens), retryAfterMs: Math.ceil((cost - tokens) / perMs) }
    }
    const left = tokens - cost
    const bucket = { tokens: left, at: now, fullAt: now + (limit.burst - left) / perMs }
    // re-insert so the Map's order is least recently used first
    this.buckets.delete(key)
    this.buckets.set(key, bucket)
    if (this.buckets.size > this.maxBuckets) this.evict()
    return { allowed: true, remaining: Math.floor(left), retryAfterMs: 0 }
  }

  async take(key: string, limit: RateLimit, cost = 1): Promise<RateDecision> {
    return this.takeNow(key, limit, cost)
  }

  /** buckets held now (tests, metrics) */
  get size(): number {
    return this.buckets.size
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper)
    this.buckets.clear()
  }

  private sweep(): void {
    const now = this.now()
    for (const [key, bucket] of this.buckets) if (bucket.fullAt <= now) this.buckets.delete(key)
  }

  private evict(): void {
    this.sweep()
    // NOTE: still too many live keys (a flood of distinct keys): forget the least recently used.
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= this.maxBuckets * 0.9) break
      this.buckets.delete(key)
    }
  }
}
