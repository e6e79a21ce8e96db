import { describe, expect, it } from 'vitest'
import { MemoryRateLimiter, perMinute } from './rate-limiter.js'

describe('MemoryRateLimiter', () => {
  it('allows a burst, then refills at the rate and says when to retry', async () => {
    let now = 1_000_000
    const limiter = new MemoryRateLimiter({ now: () => now })
    const limit = { perMinute: 60, burst: 3 }
    for (let i = 0; i < 3; i++) expect((await limiter.take('ip:1', limit)).allowed).toBe(true)
    const refused = await limiter.take('ip:1', limit)
    expect(refused).toMatchObject({ allowed: false, remaining: 0 })
    expect(refused.retryAfterMs).toBe(1000)
    now += 500
    expect((await limiter.take('ip:1', limit)).retryAfterMs).toBe(500)
    now += 500
    expect((await limiter.take('ip:1', limit)).allowed).toBe(true)
    // other keys have their own buckets
    expect((await limiter.take('ip:2', limit)).allowed).toBe(true)
    await limiter.close()
  })

  it('never fills past the burst, and a refusal takes nothing', async () => {
    let now = 0
    const limiter = new MemoryRateLimiter({ now: () => now })
    const limit = { perMinute: 600, burst: 2 }
    now += 3_600_000
    expect((await limiter.take('k', limit, 2)).allowed).toBe(true)
    expect((await limiter.take('k', limit, 1)).allowed).toBe(false)
    now += 100 // one token back
    expect((await limiter.take('k', limit, 2)).allowed).toBe(false)
    expect((await limiter.take('k', limit, 1)).allowed).toBe(true)
    await limiter.close()
  })

  it('forgets buckets beyond its bound, least recently used first', async () => {
    const limiter = new MemoryRateLimiter({ now: () => 0, maxBuckets: 100 })
    for (let i = 0; i < 1000; i++) await limiter.take(`flood:${i}`, { perMinute: 1, burst: 5 })
    expect(limiter.size).toBeLessThanOrEqual(100)
    await limiter.close()
  })

  it('derives a burst of a quarter minute, at least 5', () => {
    expect(perMinute(600)).toEqual({ perMinute: 600, burst: 150 })
    expect(perMinute(6)).toEqual({ perMinute: 6, burst: 5 })
  })
})
