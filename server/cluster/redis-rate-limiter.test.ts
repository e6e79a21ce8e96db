import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { RedisRateLimiter } from './redis-rate-limiter.js'

const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379')
const prefix = `parley-test-rate-${process.pid}-${Date.now()}:`

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`)
  if (keys.length) await redis.del(...keys)
  redis.disconnect()
})

describe('rate limits shared through Redis', () => {
  it('is one bucket for every node: a burst, then refusals with the wait', async () => {
    const nodeA = new RedisRateLimiter(redis, prefix)
    const nodeB = new RedisRateLimiter(redis, prefix)
    const limit = { perMinute: 60, burst: 3 }
    const decisions = [await nodeA.take('member:visitor:v1', limit), await nodeB.take('member:visitor:v1', limit), await nodeA.take('member:visitor:v1', limit), await nodeB.take('member:visitor:v1', limit)]
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false])
    expect(decisions[3]!.retryAfterMs).toBeGreaterThan(0)
    expect(decisions[3]!.retryAfterMs).toBeLessThanOrEqual(1000)
    // another key has its own bucket, and buckets expire from Redis once full again
    expect((await nodeB.take('member:visitor:v2', limit)).allowed).toBe(true)
    expect(await redis.pttl(`${prefix}member:visitor:v1`)).toBeGreaterThan(0)
  })

  it('keeps one connection’s bucket in the node’s memory', async () => {
    const limiter = new RedisRateLimiter(redis, prefix)
    const limit = { perMinute: 60, burst: 1 }
    expect((await limiter.take('socket:abc', limit)).allowed).toBe(true)
    expect((await limiter.take('socket:abc', limit)).allowed).toBe(false)
    expect(await redis.exists(`${prefix}socket:abc`)).toBe(0)
    await limiter.close()
  })
})
