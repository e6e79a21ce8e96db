/**
 * Proactive-offer rules and their evaluation, pure over plain data: a tenant's rules (in
 * priority order), the shopper's cart and visit, what was offered to them before, and the
 * time in the tenant's timezone decide which rules match now. Whether an agent can serve a
 * matching rule is the offer service's question (router holds, wait estimate); this is
 * about the shop's conditions, the caps and the quiet hours.
 */
import { z } from 'zod'
import type { ContactMode, MarginClass } from '../../web/protocol/cart.js'
import { checkoutStep, contactMode, marginClass } from '../../web/protocol/cart-schemas.js'
import { localParts } from './zoned-time.js'

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time like 21:30')
const slug = z.string().trim().toLowerCase().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'a queue slug')
const money = z.number().finite().min(0).max(1e9)

export const offerConditionsSchema = z.strictObject({
  /** merchant interest: carts worth at least this much (shop currency) */
  minCartValue: money.nullable().default(null),
  maxCartValue: money.nullable().default(null),
  minItems: z.int().min(1).max(1000).nullable().default(null),
  /** the cart holds something of one of these categories (empty: any) */
  categories: z.array(z.string().trim().min(1).max(60)).max(50).default([]),
  /** the cart holds one of these products (empty: any) */
  skus: z.array(z.string().trim().min(1).max(100)).max(100).default([]),
  /** the shopper is at one of these checkout steps (empty: any, also none) */
  checkoutSteps: z.array(checkoutStep).max(20).default([]),
  /** seconds without activity (no cart event, no interaction); null: offer at the cart event */
  idleSec: z.int().min(0).max(86_400).nullable().default(null),
  /** yes: only after a failed payment; no: never after one */
  paymentFailed: z.enum(['any', 'yes', 'no']).default('any'),
  visitor: z.enum(['any', 'returning', 'new']).default('any'),
  /** the page's URL matches this pattern (* matches anything), e.g. https://shop.example/checkout* */
  pageUrl: z.string().trim().min(1).max(500).nullable().default(null),
  /** merchant interest: the cart's best margin is at least this */
  minMargin: marginClass.nullable().default(null),
})

export const offerCapsSchema = z.strictObject({
  /** offers of this rule to one shopper within 24 hours */
  perVisitorPerDay: z.int().min(1).max(50).default(1),
  /** offers of this rule in total per day (the tenant's local day); null: no cap */
  perDay: z.int().min(1).max(1_000_000).nullable().default(null),
  /** after a shopper said no, no offer (of any rule) for this long */
  afterDeclineHours: z.int().min(0).max(720).default(24),
})

export const offerChargeSchema = z
  .strictObject({
    mode: z.enum(['off', 'per_call', 'per_minute']).default('off'),
    /** in the tenant's billing currency (minor units: cents) */
    amountMinor: z.int().min(0).max(1_000_000).default(0),
  })
  .refine((charge) => charge.mode === 'off' || charge.amountMinor > 0, { message: 'a billable call needs a price above 0', path: ['amountMinor'] })

export const offerSpecSchema = z.strictObject({
  message: z.string().trim().min(1).max(200).default('Need a hand with your order? One of our experts can help you right now.'),
  /** what the shopper may pick, in this order */
  modes: z
    .array(contactMode)
    .min(1, 'allow at least one way to talk')
    .max(3)
    .refine((modes) => new Set(modes).size === modes.length, 'each mode once')
    .default(['chat', 'voice', 'phone']),
  /** the queue whose skills the agent needs (null: the default queue) */
  queue: slug.nullable().default(null),
  /** with no agent free, still offer when the expected wait is at most this (0: only with a free agent) */
  maxWaitSec: z.int().min(0).max(3600).default(0),
  /** how long the offer stands (and its agent is held) */
  lifetimeSec: z.int().min(10).max(600).default(60),
  charge: offerChargeSchema.prefault({}),
})

export const quietHoursSchema = z.strictObject({ from: hhmm, to: hhmm })

export const offerRuleBody = z.strictObject({
  name: z.string().trim().min(1).max(80),
  enabled: z.boolean().default(true),
  /** lower goes first; the first rule that matches and can be served makes the offer */
  priority: z.int().min(0).max(1000).default(100),
  conditions: offerConditionsSchema.prefault({}),
  caps: offerCapsSchema.prefault({}),
  /** no offers in this window of the tenant's local time (may cross midnight) */
  quietHours: quietHoursSchema.nullable().default(null),
  offer: offerSpecSchema.prefault({}),
})

export type OfferRuleInput = z.input<typeof offerRuleBody>
export type OfferRuleDefinition = z.output<typeof offerRuleBody>

export interface OfferRule extends OfferRuleDefinition {
  id: string
}

/** What the shop told about the cart and what the visit says, at evaluation time. */
export interface CartFacts {
  value: number
  itemCount: number
  categories: readonly string[]
  skus: readonly string[]
  step: string | null
  margin: MarginClass | null
  lastActivityAt: number
  paymentFailed: boolean
  orderCompleted: boolean
  returning: boolean
  pageUrl: string | null
}

/** What this shopper (and the tenant, today) was offered before. */
export interface OfferHistory {
  /** per rule id: offers shown to this shopper in the last 24 hours */
  shownToVisitor: Readonly<Record<string, number>>
  /** per rule id: offers shown today (the tenant's local day) */
  shownToday: Readonly<Record<string, number>>
  /** the shopper's last "no thanks", if any */
  lastDeclinedAt: number | null
}

/** Why a rule does not match (closed union), for the admin's "why no offer" and tests. */
export type RuleMiss =
  | 'disabled'
  | 'empty_cart'
  | 'order_completed'
  | 'cart_value'
  | 'items'
  | 'categories'
  | 'skus'
  | 'checkout_step'
  | 'idle'
  | 'payment'
  | 'visitor'
  | 'page'
  | 'margin'
  | 'quiet_hours'
  | 'visitor_cap'
  | 'daily_cap'
  | 'declined_recently'

export type RuleVerdict = { match: true } | { match: false; miss: RuleMiss; /** when only time stands in the way: when it may match */ retryAt?: number }

const HOUR_MS = 3_600_000

/** A URL pattern with * wildcards, matched case-insensitively against the whole URL. */
export function urlMatches(pattern: string, url: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*')
  return new RegExp(`^${source}$`, 'i').test(url)
}

/** Is `at` inside the quiet window (tenant local time; `from` > `to` crosses midnight)? */
export function inQuietHours(quiet: { from: string; to: string } | null, at: number, timeZone: string): boolean {
  if (!quiet || quiet.from === quiet.to) return false
  const { hour, minute } = localParts(at, timeZone)
  const now = hour * 60 + minute
  const [from, to] = [quiet.from, quiet.to].map((time) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3))) as [number, number]
  return from < to ? now >= from && now < to : now >= from || now < to
}

const MARGIN_RANK: Record<MarginClass, number> = { low: 1, medium: 2, high: 3 }

/** One rule against the facts, cheapest checks first. */
export function evaluateRule(rule: OfferRule, facts: CartFacts, history: OfferHistory, now: number, timeZone: string): RuleVerdict {
  const c = rule.conditions
  const miss = (why: RuleMiss, retryAt?: number): RuleVerdict => (retryAt === undefined ? { match: false, miss: why } : { match: false, miss: why, retryAt })
  if (!rule.enabled) return miss('disabled')
  if (facts.orderCompleted) return miss('order_completed')
  if (facts.itemCount === 0 && facts.value === 0 && facts.categories.length === 0) return miss('empty_cart')
  if (c.minCartValue !== null && facts.value < c.minCartValue) return miss('cart_value')
  if (c.maxCartValue !== null && facts.value > c.maxCartValue) return miss('cart_value')
  if (c.minItems !== null && facts.itemCount < c.minItems) return miss('items')
  if (c.categories.length > 0 && !c.categories.some((category) => facts.categories.some((have) => have.toLowerCase() === category.toLowerCase()))) return miss('categories')
  if (c.skus.length > 0 && !c.skus.some((sku) => facts.skus.includes(sku))) return miss('skus')
  if (c.checkoutSteps.length > 0 && (facts.step === null || !c.checkoutSteps.includes(facts.step))) return miss('checkout_step')
  if (c.paymentFailed === 'yes' && !facts.paymentFailed) return miss('payment')
  if (c.paymentFailed === 'no' && facts.paymentFailed) return miss('payment')
  if (c.visitor !== 'any' && (c.visitor === 'returning') !== facts.returning) return miss('visitor')
  if (c.pageUrl !== null && (facts.pageUrl === null || !urlMatches(c.pageUrl, facts.pageUrl))) return miss('page')
  if (c.minMargin !== null && (facts.margin === null || MARGIN_RANK[facts.margin] < MARGIN_RANK[c.minMargin])) return miss('margin')
  const caps = rule.caps
  if (history.lastDeclinedAt !== null && caps.afterDeclineHours > 0 && now - history.lastDeclinedAt < caps.afterDeclineHours * HOUR_MS) return miss('declined_recently')
  if ((history.shownToVisitor[rule.id] ?? 0) >= caps.perVisitorPerDay) return miss('visitor_cap')
  if (caps.perDay !== null && (history.shownToday[rule.id] ?? 0) >= caps.perDay) return miss('daily_cap')
  if (inQuietHours(rule.quietHours, now, timeZone)) return miss('quiet_hours')
  if (c.idleSec !== null) {
    const due = facts.lastActivityAt + c.idleSec * 1000
    if (now < due) return miss('idle', due)
  }
  return { match: true }
}

/** The rules that match now, in the order they should be tried (priority, then name). */
export function matchingRules(rules: readonly OfferRule[], facts: CartFacts, history: OfferHistory, now: number, timeZone: string): OfferRule[] {
  return [...rules].sort(byPriority).filter((rule) => evaluateRule(rule, facts, history, now, timeZone).match)
}

export function byPriority(a: OfferRule, b: OfferRule): number {
  return a.priority - b.priority || a.name.localeCompare(b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

/** What can be served right now, for one offer. */
export interface Capabilities {
  /** browser calls work (a media server runs) */
  voice: boolean
  /** phone calls to the shopper work (a trunk for the tenant) */
  phone: boolean
  /** an agent is held who can take a call (else only chat, or a queued request) */
  callAgent: boolean
  /** an agent is held at all (no agent: the offer queues, which the phone callback does not do) */
  agentHeld: boolean
}

/** The rule's modes that can be served with these capabilities, in the rule's order. */
export function servableModes(modes: readonly ContactMode[], can: Capabilities): ContactMode[] {
  return modes.filter((mode) => {
    if (mode === 'chat') return true
    if (mode === 'voice') return can.voice && (can.callAgent || !can.agentHeld)
    return can.phone && can.agentHeld && can.callAgent
  })
}

/** The mode the card preselects: the shopper's own choice when the rule allows it, else the rule's first. */
export function preselectedMode(modes: readonly ContactMode[], preferred: ContactMode | null): ContactMode | null {
  if (preferred && modes.includes(preferred)) return preferred
  return modes[0] ?? null
}

/** Minutes billed for a conversation of `seconds` (started minutes count; at least one). */
export function billedMinutes(seconds: number): number {
  return Math.max(1, Math.ceil(seconds / 60 - 1e-9))
}
