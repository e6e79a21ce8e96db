/** Offer rules over plain data: conditions, caps, quiet hours, idle timing and servable modes. */
import { describe, expect, it } from 'vitest'
import { billedMinutes, evaluateRule, inQuietHours, matchingRules, offerRuleBody, preselectedMode, servableModes, urlMatches, type CartFacts, type OfferHistory, type OfferRule, type OfferRuleInput } from './offer-rules.js'

const NOW = Date.parse('2026-12-01T14:00:00Z')

function rule(input: Partial<OfferRuleInput> = {}, id = 'r1'): OfferRule {
  return { id, ...offerRuleBody.parse({ name: id, ...input }) }
}

function facts(overrides: Partial<CartFacts> = {}): CartFacts {
  return { value: 1299, itemCount: 1, categories: ['bikes'], skus: ['trail-x1'], step: 'payment', margin: 'high', lastActivityAt: NOW - 60_000, paymentFailed: false, orderCompleted: false, returning: false, pageUrl: 'https://shop.example/checkout', ...overrides }
}

const none: OfferHistory = { shownToVisitor: {}, shownToday: {}, lastDeclinedAt: null }
const verdict = (r: OfferRule, f = facts(), h = none, now = NOW, tz = 'UTC') => evaluateRule(r, f, h, now, tz)

describe('rule definitions', () => {
  it('fill in defaults: everything allowed, one offer per shopper a day, 24 h quiet after a no, free of charge', () => {
    const r = rule()
    expect(r.conditions).toMatchObject({ minCartValue: null, categories: [], idleSec: null, paymentFailed: 'any', visitor: 'any' })
    expect(r.caps).toEqual({ perVisitorPerDay: 1, perDay: null, afterDeclineHours: 24 })
    expect(r.offer).toMatchObject({ modes: ['chat', 'voice', 'phone'], maxWaitSec: 0, lifetimeSec: 60, charge: { mode: 'off', amountMinor: 0 } })
  })

  it('refuse nonsense with a path', () => {
    const bad = offerRuleBody.safeParse({ name: 'x', offer: { modes: [], charge: { mode: 'per_minute', amountMinor: 0 } }, quietHours: { from: '25:00', to: '07:00' } })
    expect(bad.success).toBe(false)
    const paths = bad.error!.issues.map((issue) => issue.path.join('.'))
    expect(paths).toEqual(expect.arrayContaining(['offer.modes', 'offer.charge.amountMinor', 'quietHours.from']))
    expect(offerRuleBody.safeParse({ name: 'x', offer: { modes: ['chat', 'chat'] } }).success).toBe(false)
    expect(offerRuleBody.safeParse({ name: 'x', conditions: { checkoutSteps: ['Pay Ment'] } }).success).toBe(false)
    expect(offerRuleBody.safeParse({ name: 'x', surprise: 1 }).success).toBe(false)
  })
})

describe('evaluateRule', () => {
  it('matches a cart that meets every condition', () => {
    const r = rule({ conditions: { minCartValue: 500, categories: ['Bikes'], checkoutSteps: ['payment', 'review'], idleSec: 30, minMargin: 'medium', pageUrl: 'https://shop.example/checkout*' } })
    expect(verdict(r)).toEqual({ match: true })
  })

  it('names the first condition that fails', () => {
    expect(verdict(rule({ conditions: { minCartValue: 2000 } }))).toEqual({ match: false, miss: 'cart_value' })
    expect(verdict(rule({ conditions: { maxCartValue: 100 } }))).toEqual({ match: false, miss: 'cart_value' })
    expect(verdict(rule({ conditions: { minItems: 2 } }))).toEqual({ match: false, miss: 'items' })
    expect(verdict(rule({ conditions: { categories: ['helmets'] } }))).toEqual({ match: false, miss: 'categories' })
    expect(verdict(rule({ conditions: { skus: ['city-c3'] } }))).toEqual({ match: false, miss: 'skus' })
    expect(verdict(rule({ conditions: { checkoutSteps: ['shipping'] } }))).toEqual({ match: false, miss: 'checkout_step' })
    expect(verdict(rule({ conditions: { checkoutSteps: ['payment'] } }), facts({ step: null }))).toEqual({ match: false, miss: 'checkout_step' })
    expect(verdict(rule({ conditions: { paymentFailed: 'yes' } }))).toEqual({ match: false, miss: 'payment' })
    expect(verdict(rule({ conditions: { paymentFailed: 'no' } }), facts({ paymentFailed: true }))).toEqual({ match: false, miss: 'payment' })
    expect(verdict(rule({ conditions: { visitor: 'returning' } }))).toEqual({ match: false, miss: 'visitor' })
    expect(verdict(rule({ conditions: { visitor: 'new' } }), facts({ returning: true }))).toEqual({ match: false, miss: 'visitor' })
    expect(verdict(rule({ conditions: { pageUrl: '*/cart' } }))).toEqual({ match: false, miss: 'page' })
    expect(verdict(rule({ conditions: { minMargin: 'high' } }), facts({ margin: 'medium' }))).toEqual({ match: false, miss: 'margin' })
    expect(verdict(rule({ conditions: { minMargin: 'low' } }), facts({ margin: null }))).toEqual({ match: false, miss: 'margin' })
    expect(verdict(rule({ enabled: false }))).toEqual({ match: false, miss: 'disabled' })
  })

  it('never offers for an empty cart or right after the order', () => {
    expect(verdict(rule(), facts({ value: 0, itemCount: 0, categories: [] }))).toEqual({ match: false, miss: 'empty_cart' })
    expect(verdict(rule(), facts({ orderCompleted: true }))).toEqual({ match: false, miss: 'order_completed' })
  })

  it('waits for inactivity and says when it may match', () => {
    const r = rule({ conditions: { idleSec: 90 } })
    const lastActivityAt = NOW - 60_000
    expect(verdict(r, facts({ lastActivityAt }))).toEqual({ match: false, miss: 'idle', retryAt: lastActivityAt + 90_000 })
    expect(verdict(r, facts({ lastActivityAt }), none, lastActivityAt + 90_000)).toEqual({ match: true })
  })

  it('after a payment failure, a rule with no idle time fires at once', () => {
    expect(verdict(rule({ conditions: { paymentFailed: 'yes' } }), facts({ paymentFailed: true, lastActivityAt: NOW }))).toEqual({ match: true })
  })

  it('keeps to the frequency caps', () => {
    const r = rule({ caps: { perVisitorPerDay: 2, perDay: 10, afterDeclineHours: 12 } })
    expect(verdict(r, facts(), { ...none, shownToVisitor: { r1: 1 } })).toEqual({ match: true })
    expect(verdict(r, facts(), { ...none, shownToVisitor: { r1: 2 } })).toEqual({ match: false, miss: 'visitor_cap' })
    expect(verdict(r, facts(), { ...none, shownToVisitor: { other: 5 } })).toEqual({ match: true })
    expect(verdict(r, facts(), { ...none, shownToday: { r1: 10 } })).toEqual({ match: false, miss: 'daily_cap' })
    expect(verdict(r, facts(), { ...none, lastDeclinedAt: NOW - 11 * 3_600_000 })).toEqual({ match: false, miss: 'declined_recently' })
    expect(verdict(r, facts(), { ...none, lastDeclinedAt: NOW - 13 * 3_600_000 })).toEqual({ match: true })
    // a decline with no cooldown still counts against the per-visitor cap
    expect(verdict(rule({ caps: { afterDeclineHours: 0 } }), facts(), { ...none, shownToVisitor: { r1: 1 }, lastDeclinedAt: NOW })).toEqual({ match: false, miss: 'visitor_cap' })
  })

  it('keeps quiet in the quiet hours of the tenant timezone, across midnight too', () => {
    const night = rule({ quietHours: { from: '22:00', to: '07:00' } })
    const berlinNight = Date.parse('2026-12-01T22:30:00Z') // 23:30 in Berlin
    expect(verdict(night, facts({ lastActivityAt: berlinNight }), none, berlinNight, 'Europe/Berlin')).toEqual({ match: false, miss: 'quiet_hours' })
    expect(verdict(night, facts({ lastActivityAt: NOW }), none, NOW, 'Europe/Berlin')).toEqual({ match: true }) // 15:00
    expect(inQuietHours({ from: '12:00', to: '13:00' }, Date.parse('2026-12-01T12:59:00Z'), 'UTC')).toBe(true)
    expect(inQuietHours({ from: '12:00', to: '13:00' }, Date.parse('2026-12-01T13:00:00Z'), 'UTC')).toBe(false)
    expect(inQuietHours({ from: '22:00', to: '07:00' }, Date.parse('2026-12-01T06:59:00Z'), 'UTC')).toBe(true)
    expect(inQuietHours({ from: '09:00', to: '09:00' }, NOW, 'UTC')).toBe(false)
  })
})

describe('matchingRules', () => {
  it('orders matches by priority and leaves out the misses', () => {
    const rules = [rule({ priority: 50 }, 'late'), rule({ priority: 10, conditions: { minCartValue: 5000 } }, 'rich'), rule({ priority: 20 }, 'early')]
    expect(matchingRules(rules, facts(), none, NOW, 'UTC').map((r) => r.id)).toEqual(['early', 'late'])
  })
})

describe('modes', () => {
  const all = ['chat', 'voice', 'phone'] as const
  it('offers only what can be served', () => {
    expect(servableModes(all, { voice: true, phone: true, callAgent: true, agentHeld: true })).toEqual(['chat', 'voice', 'phone'])
    expect(servableModes(all, { voice: false, phone: true, callAgent: true, agentHeld: true })).toEqual(['chat', 'phone'])
    // the held agent is chatting already: no call
    expect(servableModes(all, { voice: true, phone: true, callAgent: false, agentHeld: true })).toEqual(['chat'])
    // nobody held (short wait): the call waits in the queue, the phone callback needs an agent now
    expect(servableModes(all, { voice: true, phone: true, callAgent: false, agentHeld: false })).toEqual(['chat', 'voice'])
    expect(servableModes(['phone'], { voice: true, phone: false, callAgent: true, agentHeld: true })).toEqual([])
  })

  it('preselects the shopper preference when allowed', () => {
    expect(preselectedMode(['chat', 'voice'], 'voice')).toBe('voice')
    expect(preselectedMode(['chat', 'voice'], 'phone')).toBe('chat')
    expect(preselectedMode(['voice'], null)).toBe('voice')
    expect(preselectedMode([], 'chat')).toBeNull()
  })
})

describe('helpers', () => {
  it('match URL patterns with wildcards only', () => {
    expect(urlMatches('https://shop.example/checkout*', 'https://shop.example/checkout?step=2')).toBe(true)
    expect(urlMatches('*/products/*', 'https://shop.example/products/x1')).toBe(true)
    expect(urlMatches('https://shop.example/cart', 'https://shop.example/cart/extra')).toBe(false)
    expect(urlMatches('https://shop.example/a.b', 'https://shop.example/aXb')).toBe(false)
  })

  it('bill started minutes', () => {
    expect(billedMinutes(0)).toBe(1)
    expect(billedMinutes(60)).toBe(1)
    expect(billedMinutes(61)).toBe(2)
    expect(billedMinutes(179.5)).toBe(3)
  })
})
