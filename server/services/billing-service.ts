/**
 * Billing: a tenant's metered usage per period (a calendar month of the tenant's timezone),
 * rated by its price plan into statements. Sums are taken over the raw usage records in
 * exact integers (milliseconds, hits), so an issued statement can always be reconciled
 * with the records it came from. Also the shopper micro-charges ledger.
 */
import { rate, type RatedStatement, type RatingPlan, type UsageTotals } from '../domain/rating.js'
import { zonedTime } from '../domain/zoned-time.js'
import { ConflictError, InvalidStateError, NotFoundError, ValidationError } from '../errors.js'
import type { Database } from '../store/database.js'
import { newId } from '../store/ids.js'

export interface BillingPeriod {
  /** "2026-11" */
  month: string
  start: Date
  /** exclusive */
  end: Date
  timeZone: string
}

export interface StatementView extends RatedStatement {
  id: string | null
  month: string
  periodStart: string
  periodEnd: string
  issuedAt: string | null
  plan: RatingPlan
  usage: UsageTotals
}

export interface ShopperChargeInput {
  tenantId: string
  amountMinor: number
  currency: string
  description: string
  kind?: 'charge' | 'refund'
  visitorId?: string | null
  channelId?: string | null
  offerId?: string | null
  reference?: string | null
  at?: Date
}

/** The plan of a tenant that has none yet: nothing is charged. */
export const DEFAULT_PLAN: RatingPlan = {
  name: 'Free',
  currency: 'EUR',
  baseFeeMicros: 0,
  chatMinuteMicros: 0,
  mediaMinuteMicros: 0,
  pstnMinuteMicros: 0,
  hitMicros: 0,
  seatMicros: 0,
  includedChatMinutes: 0,
  includedMediaMinutes: 0,
  includedPstnMinutes: 0,
  includedHits: 0,
  includedSeats: 0,
  resellerName: null,
  resellerShareBps: 0,
  microChargeFeeBps: 0,
}

const SEATED = ['ready', 'busy', 'wrap_up']
const PAGE = 10_000

const nextMonth = (month: string) => {
  const [y, m] = month.split('-').map(Number) as [number, number]
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`
}

export class BillingService {
  constructor(private readonly db: Database) {}

  async period(tenantId: string, month: string): Promise<BillingPeriod> {
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new ValidationError('month must look like 2026-11')
    const { timezone } = await this.db.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { timezone: true } })
    return { month, start: zonedTime(`${month}-01`, timezone), end: zonedTime(`${nextMonth(month)}-01`, timezone), timeZone: timezone }
  }

  async plan(tenantId: string): Promise<RatingPlan> {
    const row = await this.db.pricePlan.findUnique({ where: { tenantId } })
    if (!row) return { ...DEFAULT_PLAN }
    const { tenantId: _t, updatedAt: _u, ...plan } = row
    return plan
  }

  async savePlan(tenantId: string, plan: RatingPlan): Promise<RatingPlan> {
    const data = { ...plan, updatedAt: new Date() }
    await this.db.pricePlan.upsert({ where: { tenantId }, create: { tenantId, ...data }, update: data })
    return this.plan(tenantId)
  }

  /** Exact usage totals of [start, end) from the raw records. */
  async usage(tenantId: string, start: Date, end: Date, currency: string): Promise<UsageTotals> {
    const totals: UsageTotals = { chatMs: 0, mediaMs: 0, pstnMs: 0, hits: 0, seats: 0, microChargesMinor: 0 }
    for (let cursor: string | undefined; ; ) {
      const rows = await this.db.usageRecord.findMany({
        where: { tenantId, at: { gte: start, lt: end } },
        select: { id: true, kind: true, quantity: true },
        orderBy: { id: 'asc' },
        take: PAGE,
        ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
      })
      for (const row of rows) {
        // NOTE: seconds are stored with millisecond precision; rounding recovers the integer exactly.
        const ms = Math.round(row.quantity * 1000)
        if (row.kind === 'chat_seconds') totals.chatMs += ms
        else if (row.kind === 'media_seconds') totals.mediaMs += ms
        else if (row.kind === 'pstn_seconds') totals.pstnMs += ms
        else if (row.kind === 'hits') totals.hits += Math.round(row.quantity)
      }
      if (rows.length < PAGE) break
      cursor = rows[rows.length - 1]!.id
    }
    totals.seats = await this.seatsUsed(tenantId, start, end)
    const charges = await this.db.shopperCharge.findMany({ where: { tenantId, currency, at: { gte: start, lt: end } }, select: { amountMinor: true } })
    totals.microChargesMinor = charges.reduce((sum, c) => sum + c.amountMinor, 0)
    return totals
  }

  /** Agents who were seated (Ready, Busy or Wrap-up) at any time of the period. */
  async seatsUsed(tenantId: string, start: Date, end: Date): Promise<number> {
    const agents = await this.db.agent.findMany({ where: { tenantId }, select: { id: true } })
    let seats = 0
    for (const { id } of agents) {
      const during = await this.db.agentStateChange.findFirst({ where: { agentId: id, createdAt: { gte: start, lt: end }, state: { in: SEATED } }, select: { id: true } })
      const before = during ? null : await this.db.agentStateChange.findFirst({ where: { agentId: id, createdAt: { lt: start } }, orderBy: { createdAt: 'desc' }, select: { state: true } })
      if (during || (before && SEATED.includes(before.state))) seats++
    }
    return seats
  }

  /** The statement a month would get now (not stored). */
  async preview(tenantId: string, month: string): Promise<StatementView> {
    const period = await this.period(tenantId, month)
    const plan = await this.plan(tenantId)
    const usage = await this.usage(tenantId, period.start, period.end, plan.currency)
    return { id: null, month, periodStart: period.start.toISOString(), periodEnd: period.end.toISOString(), issuedAt: null, plan, usage, ...rate(plan, usage) }
  }

  /** Issue (store) the statement of a month that is over; once per month. */
  async issue(tenantId: string, month: string, issuedById: string | null, now = new Date()): Promise<StatementView> {
    const period = await this.period(tenantId, month)
    if (period.end.getTime() > now.getTime()) throw new InvalidStateError(`${month} is not over yet; preview it instead`)
    if (await this.db.statement.findUnique({ where: { tenantId_periodStart: { tenantId, periodStart: period.start } } })) throw new ConflictError(`the statement for ${month} was issued already`)
    const view = await this.preview(tenantId, month)
    const id = newId('st')
    await this.db.statement.create({
      data: {
        id,
        tenantId,
        periodStart: period.start,
        periodEnd: period.end,
        currency: view.currency,
        lines: JSON.stringify({ lines: view.lines, usage: view.usage, month, minorDigits: view.minorDigits, resellerName: view.resellerName, resellerShareBps: view.resellerShareBps, hostNetMinor: view.hostNetMinor }),
        plan: JSON.stringify(view.plan),
        subtotalMinor: view.subtotalMinor,
        resellerShareMinor: view.resellerShareMinor,
        totalMinor: view.totalMinor,
        issuedAt: now,
        issuedById,
      },
    })
    return { ...view, id, issuedAt: now.toISOString() }
  }

  async statements(tenantId: string): Promise<StatementView[]> {
    const rows = await this.db.statement.findMany({ where: { tenantId }, orderBy: { periodStart: 'desc' } })
    return rows.map(toView)
  }

  async statement(tenantId: string, id: string): Promise<StatementView> {
    const row = await this.db.statement.findFirst({ where: { id, tenantId } })
    if (!row) throw new NotFoundError('no such statement')
    return toView(row)
  }

  /** Re-rate an issued statement from today's raw records with its own plan: equal unless records changed. */
  async reconcile(tenantId: string, id: string): Promise<{ matches: boolean; issued: StatementView; recomputed: RatedStatement & { usage: UsageTotals } }> {
    const issued = await this.statement(tenantId, id)
    const usage = await this.usage(tenantId, new Date(issued.periodStart), new Date(issued.periodEnd), issued.currency)
    const recomputed = { ...rate(issued.plan, usage), usage }
    const matches = JSON.stringify(recomputed.lines) === JSON.stringify(issued.lines) && recomputed.totalMinor === issued.totalMinor
    return { matches, issued, recomputed }
  }

  /** Add to the shopper micro-charges ledger (proactive offers charge through this). */
  async recordShopperCharge(input: ShopperChargeInput): Promise<{ id: string }> {
    if (!Number.isInteger(input.amountMinor) || input.amountMinor <= 0) throw new ValidationError('amountMinor must be a positive whole number of minor units')
    const plan = await this.plan(input.tenantId)
    if (input.currency !== plan.currency) throw new ValidationError(`the tenant bills in ${plan.currency}, not ${input.currency}`)
    const kind = input.kind ?? 'charge'
    const id = newId('sc')
    await this.db.shopperCharge.create({
      data: {
        id,
        tenantId: input.tenantId,
        amountMinor: kind === 'refund' ? -input.amountMinor : input.amountMinor,
        currency: input.currency,
        description: input.description.slice(0, 300),
        kind,
        visitorId: input.visitorId ?? null,
        channelId: input.channelId ?? null,
        offerId: input.offerId ?? null,
        reference: input.reference ?? null,
        at: input.at ?? new Date(),
      },
    })
    return { id }
  }

  async charges(tenantId: string, start: Date, end: Date): Promise<{ id: string; at: string; description: string; amountMinor: number; currency: string; kind: string; channelId: string | null; offerId: string | null; reference: string | null }[]> {
    const rows = await this.db.shopperCharge.findMany({ where: { tenantId, at: { gte: start, lt: end } }, orderBy: { at: 'desc' }, take: 1000 })
    return rows.map((r) => ({ id: r.id, at: r.at.toISOString(), description: r.description, amountMinor: r.amountMinor, currency: r.currency, kind: r.kind, channelId: r.channelId, offerId: r.offerId, reference: r.reference }))
  }
}

function toView(row: { id: string; periodStart: Date; periodEnd: Date; currency: string; lines: string; plan: string; subtotalMinor: number; resellerShareMinor: number; totalMinor: number; issuedAt: Date }): StatementView {
  const stored = JSON.parse(row.lines) as { lines: RatedStatement['lines']; usage: UsageTotals; month: string; minorDigits: number; resellerName: string | null; resellerShareBps: number; hostNetMinor: number }
  return {
    id: row.id,
    month: stored.month,
    periodStart: row.periodStart.toISOString(),
    periodEnd: row.periodEnd.toISOString(),
    issuedAt: row.issuedAt.toISOString(),
    plan: JSON.parse(row.plan) as RatingPlan,
    usage: stored.usage,
    currency: row.currency,
    minorDigits: stored.minorDigits,
    lines: stored.lines,
    subtotalMinor: row.subtotalMinor,
    resellerName: stored.resellerName,
    resellerShareBps: stored.resellerShareBps,
    resellerShareMinor: row.resellerShareMinor,
    totalMinor: row.totalMinor,
    hostNetMinor: stored.hostNetMinor,
  }
}
