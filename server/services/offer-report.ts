/**
 * Attribution figures of proactive offers from the stored offers: shown, accepted, declined,
 * ignored, withdrawn and orders completed after an accepted offer, per rule and in total.
 * The total fills the reports' proactive-offer funnel (ReportService.proactiveOffers).
 */
import type { Database } from '../store/database.js'
import type { FunnelStage, ProactiveOfferFunnel } from './report-service.js'

export interface OfferFigures {
  shown: number
  accepted: number
  declined: number
  ignored: number
  /** the held agent left before the shopper answered */
  withdrawn: number
  /** orders completed after an accepted offer */
  ordered: number
  orderValue: number
  /** accepted / (shown - withdrawn), rounded to a percent; null when nothing could be answered */
  acceptRate: number | null
}

export interface RuleFigures extends OfferFigures {
  ruleId: string | null
  ruleName: string
}

const empty = (): OfferFigures => ({ shown: 0, accepted: 0, declined: 0, ignored: 0, withdrawn: 0, ordered: 0, orderValue: 0, acceptRate: null })

export class OfferReport implements ProactiveOfferFunnel {
  constructor(private readonly db: Database) {}

  /** Offers created in [from, to), per rule (rules deleted since keep their name), busiest first. */
  async byRule(tenantId: string, from: Date, to: Date): Promise<RuleFigures[]> {
    const rows = await this.db.proactiveOffer.findMany({ where: { tenantId, createdAt: { gte: from, lt: to } }, select: { ruleId: true, ruleName: true, status: true, orderCompletedAt: true, orderValue: true } })
    const byRule = new Map<string, RuleFigures>()
    for (const row of rows) {
      const key = row.ruleId ?? `deleted:${row.ruleName}`
      let figures = byRule.get(key)
      if (!figures) byRule.set(key, (figures = { ruleId: row.ruleId, ruleName: row.ruleName, ...empty() }))
      count(figures, row)
    }
    return [...byRule.values()].map(withRate).sort((a, b) => b.shown - a.shown || a.ruleName.localeCompare(b.ruleName))
  }

  async totals(tenantId: string, from: Date, to: Date): Promise<OfferFigures> {
    const totals = empty()
    for (const rule of await this.byRule(tenantId, from, to)) {
      for (const key of ['shown', 'accepted', 'declined', 'ignored', 'withdrawn', 'ordered', 'orderValue'] as const) totals[key] += rule[key]
    }
    return withRate(totals)
  }

  /** The reports' funnel: shown, accepted, then an order; the other answers beside it. */
  async funnel(tenantId: string, from: Date, to: Date): Promise<FunnelStage[]> {
    const t = await this.totals(tenantId, from, to)
    return [
      { id: 'shown', label: 'Offers shown', count: t.shown },
      { id: 'accepted', label: 'Accepted', count: t.accepted },
      { id: 'ordered', label: 'Order completed after accepting', count: t.ordered },
      { id: 'declined', label: 'Declined', count: t.declined },
      { id: 'ignored', label: 'Ignored (ran out)', count: t.ignored },
      { id: 'withdrawn', label: 'Withdrawn (agent left)', count: t.withdrawn },
    ]
  }
}

function count(figures: OfferFigures, row: { status: string; orderCompletedAt: Date | null; orderValue: number | null }): void {
  figures.shown++
  if (row.status === 'accepted') figures.accepted++
  else if (row.status === 'declined') figures.declined++
  else if (row.status === 'ignored') figures.ignored++
  else if (row.status === 'withdrawn') figures.withdrawn++
  if (row.orderCompletedAt) {
    figures.ordered++
    figures.orderValue = Math.round((figures.orderValue + (row.orderValue ?? 0)) * 100) / 100
  }
}

function withRate<T extends OfferFigures>(figures: T): T {
  const answerable = figures.shown - figures.withdrawn
  return { ...figures, acceptRate: answerable > 0 ? Math.round((figures.accepted / answerable) * 100) : null }
}
