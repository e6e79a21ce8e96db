import { describe, expect, it } from 'vitest'
import { chooseQueue, globMatches, hintsFor, requestRequirement, type QueueInfo } from './skill-hints.js'

const rules = [
  { kind: 'page' as const, pattern: '*/products/trail-*', skillKey: 'product', skillValue: 'bikes' },
  { kind: 'page' as const, pattern: '*/products/helmet-*', skillKey: 'product', skillValue: 'accessories' },
  { kind: 'cart_category' as const, pattern: 'Bikes', skillKey: 'product', skillValue: 'bikes' },
  { kind: 'cart_category' as const, pattern: 'ebikes', skillKey: 'service', skillValue: 'ebike' },
]

const queues: QueueInfo[] = [
  { id: 'q1', slug: 'general', requirement: '*', priority: 0, isDefault: true, sortOrder: 0 },
  { id: 'q2', slug: 'bikes', requirement: 'product=bikes', priority: 1, isDefault: false, sortOrder: 1 },
  { id: 'q3', slug: 'de-bikes', requirement: 'product=bikes AND language=de', priority: 1, isDefault: false, sortOrder: 2 },
]

describe('globMatches', () => {
  it('treats * as any run and everything else literally', () => {
    expect(globMatches('*/products/trail-*', 'https://shop.example/products/trail-x1')).toBe(true)
    expect(globMatches('*/products/trail-*', 'https://shop.example/products/city-c3')).toBe(false)
    expect(globMatches('https://a.b/x?y=(1)', 'https://a.b/x?y=(1)')).toBe(true)
  })
})

describe('hintsFor', () => {
  it('collects page, cart and language hints, first one per key wins', () => {
    expect(hintsFor({ pageUrl: 'https://s/products/trail-x1', cartCategories: ['ebikes', 'bikes'], language: 'de-CH', pastTopics: [] }, rules)).toEqual([
      { key: 'product', value: 'bikes', source: 'page' },
      { key: 'service', value: 'ebike', source: 'cart' },
      { key: 'language', value: 'de', source: 'language' },
    ])
  })
})

describe('chooseQueue', () => {
  it('takes the picked topic, else the best matching queue, else history, else the default', () => {
    const de = [{ key: 'product', value: 'bikes', source: 'page' as const }, { key: 'language', value: 'de', source: 'language' as const }]
    expect(chooseQueue(queues, de, 'general', [])!.slug).toBe('general')
    expect(chooseQueue(queues, de, null, [])!.slug).toBe('de-bikes')
    expect(chooseQueue(queues, de.slice(0, 1), null, [])!.slug).toBe('bikes')
    expect(chooseQueue(queues, [], null, ['bikes'])!.slug).toBe('bikes')
    expect(chooseQueue(queues, [], null, [])!.slug).toBe('general')
    expect(chooseQueue(queues, [], 'no-such-topic', [])!.slug).toBe('general')
  })

  it('builds the requirement from the queue with the hints as soft clauses', () => {
    const requirement = requestRequirement(queues[1]!, [{ key: 'language', value: 'fr', source: 'language' }, { key: 'product', value: 'helmets', source: 'page' }])
    expect(requirement.clauses).toEqual([
      { key: 'product', values: ['bikes'], soft: false },
      { key: 'language', values: ['fr'], soft: true },
    ])
  })
})
