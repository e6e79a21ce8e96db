/**
 * Token buckets shared by every node, in Redis: one hash per key (tokens, last refill), taken
 * atomically by a script that reads Redis's own clock, so nodes with skewed clocks agree.
 * Buckets expire once they would be full again. Keys of one connection (`socket:…`) never
 * span nodes and stay in the node's memory, off the network.
 */
import type { Redis } from 'ioredis'
import { MemoryRateLimiter, type RateDecision, type RateLimit, type RateLimiter } from '../services/rate-limiter.js'

const TAKE = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(bucket[1]) or burst
local at = tonumber(bucket[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local allowed = 0
local retry = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
else
  retry = math.ceil((cost - tokens) / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate) + 1000)
return {allowed, math.floor(tokens), retry}
`

export class RedisRateLimiter implements RateLimiter {
  private readonly local = new MemoryRateLimiter()

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async take(key: string, limit: RateLimit, cost = 1): Promise<RateDecision> {
    if (key.startsWith('socket:')) return this.local.take(key, limit, cost)
    const [allowed, remaining, retryAfterMs] = (await this.redis.eval(TAKE, 1, `${this.prefix}${key}`, String(limit.perMinute / 60_000), String(limit.burst), String(cost))) as [number, number, number]
    return { allowed: allowed === 1, remaining, retryAfterMs }
  }

  async close(): Promise<void> {
    await this.local.close()
  }
}
