import { describe, expect, it } from 'vitest'
import { retryDelayMs } from './webhook-dispatcher.js'
import { SecretBox } from './secret-box.js'

describe('webhook backoff', () => {
  it('doubles from the base up to the maximum, with at most 10% jitter', () => {
    const options = { retryBaseMs: 1000, retryMaxMs: 8000 }
    expect([1, 2, 3, 4, 5, 6].map((attempts) => retryDelayMs(attempts, options, () => 0))).toEqual([1000, 2000, 4000, 8000, 8000, 8000])
    expect(retryDelayMs(2, options, () => 0.999)).toBe(2200)
  })
})

describe('secret box', () => {
  it('opens what it sealed, and nothing sealed under another secret', () => {
    const box = new SecretBox('a'.repeat(32))
    const sealed = box.seal('whsec_abc')
    expect(sealed).not.toContain('whsec_abc')
    expect(box.open(sealed)).toBe('whsec_abc')
    expect(box.seal('whsec_abc')).not.toBe(sealed)
    expect(() => new SecretBox('b'.repeat(32)).open(sealed)).toThrow()
  })
})
