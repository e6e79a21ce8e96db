/**
 * Typed calls of the offer-rules admin API (`/api/admin/offer-rules`, same origin, session
 * cookie) and the shape of a rule as the form edits it. Failures are AdminApiError with the
 * server's field issues (paths like `conditions.idleSec`).
 */
import type { ContactMode, MarginClass } from '../protocol/cart.js'
import { apiRequest } from './api-request.js'

export interface OfferRule {
  id: string
  name: string
  enabled: boolean
  priority: number
  conditions: {
    minCartValue: number | null
    maxCartValue: number | null
    minItems: number | null
    categories: string[]
    skus: string[]
    checkoutSteps: string[]
    idleSec: number | null
    paymentFailed: 'any' | 'yes' | 'no'
    visitor: 'any' | 'returning' | 'new'
    pageUrl: string | null
    minMargin: MarginClass | null
  }
  caps: { perVisitorPerDay: number; perDay: number | null; afterDeclineHours: number }
  quietHours: { from: string; to: string } | null
  offer: {
    message: string
    modes: ContactMode[]
    queue: string | null
    maxWaitSec: number
    lifetimeSec: number
    charge: { mode: 'off' | 'per_call' | 'per_minute'; amountMinor: number }
  }
}

export type OfferRuleInput = Omit<OfferRule, 'id'>

/** What the API takes back of a listed rule (the server refuses fields it does not know). */
export function toInput(rule: OfferRuleInput): OfferRuleInput {
  const { name, enabled, priority, conditions, caps, quietHours, offer } = rule
  return structuredClone({ name, enabled, priority, conditions, caps, quietHours, offer })
}

export interface OfferRulesData {
  rules: OfferRule[]
  queues: { slug: string; name: string; isDefault: boolean }[]
  /** what can be offered on this server now */
  capabilities: { voice: boolean; phone: boolean }
  /** the billing currency (shopper charges) */
  currency: string
}

export interface RuleFigures {
  ruleId: string | null
  ruleName: string
  shown: number
  accepted: number
  declined: number
  ignored: number
  withdrawn: number
  ordered: number
  orderValue: number
  acceptRate: number | null
}

export const fetchOfferRules = () => apiRequest<OfferRulesData>('GET', '/api/admin/offer-rules')
export const fetchOfferStats = () => apiRequest<{ from: string; to: string; rules: RuleFigures[]; totals: Omit<RuleFigures, 'ruleId' | 'ruleName'> }>('GET', '/api/admin/offer-rules/stats')
export const createOfferRule = (rule: OfferRuleInput) => apiRequest<{ rule: OfferRule }>('POST', '/api/admin/offer-rules', rule)
export const updateOfferRule = (id: string, rule: OfferRuleInput) => apiRequest<{ rule: OfferRule }>('PUT', `/api/admin/offer-rules/${encodeURIComponent(id)}`, rule)
export const deleteOfferRule = (id: string) => apiRequest<void>('DELETE', `/api/admin/offer-rules/${encodeURIComponent(id)}`)

/** A new rule's starting point: a stuck checkout, offered by chat, voice or phone. */
export function blankRule(): OfferRuleInput {
  return {
    name: '',
    enabled: true,
    priority: 100,
    conditions: { minCartValue: null, maxCartValue: null, minItems: null, categories: [], skus: [], checkoutSteps: ['checkout', 'payment'], idleSec: 60, paymentFailed: 'any', visitor: 'any', pageUrl: null, minMargin: null },
    caps: { perVisitorPerDay: 1, perDay: null, afterDeclineHours: 24 },
    quietHours: null,
    offer: { message: 'Need a hand with your order? One of our experts can help you right now.', modes: ['chat', 'voice', 'phone'], queue: null, maxWaitSec: 0, lifetimeSec: 60, charge: { mode: 'off', amountMinor: 0 } },
  }
}
