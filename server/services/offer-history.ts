/**
 * What the frequency caps need to know, kept in memory and read from the stored offers once:
 * per shopper, the offers shown in the last 24 hours (by rule) and their last "no thanks";
 * per tenant, the offers of each rule shown on the tenant's current local day. Offers that
 * were withdrawn (the held agent left) do not count: the shopper never had a chance to answer.
 */
import type { OfferHistory } from '../domain/offer-rules.js'
import { localParts, zonedTime } from '../domain/zoned-time.js'
import type { Database } from '../store/database.js'

const DAY_MS = 24 * 3_600_000
/** how far back a "no thanks" can matter (the longest cooldown a rule may set) */
const DECLINE_MEMORY_MS = 720 * 3_600_000

interface VisitorRecord {
  shown: { offerId: string; ruleId: string; at: number }[]
  lastDeclinedAt: number | null
  usedAt: number
}

interface TenantDay {
  date: string
  counts: Map<string, number>
}

export class OfferHistoryBook {
  private readonly visitors = new Map<string, Promise<VisitorRecord>>()
  private readonly days = new Map<string, Promise<TenantDay>>()

  constructor(private readonly db: Database) {}

  /** The caps' view of this shopper now. */
  async of(tenantId: string, visitorId: string, timeZone: string, now: number): Promise<OfferHistory> {
    const [visitor, day] = await Promise.all([this.visitor(visitorId, now), this.day(tenantId, timeZone, now)])
    visitor.usedAt = now
    const shownToVisitor: Record<string, number> = {}
    for (const shown of visitor.shown) if (shown.at > now - DAY_MS) shownToVisitor[shown.ruleId] = (shownToVisitor[shown.ruleId] ?? 0) + 1
    return { shownToVisitor, shownToday: Object.fromEntries(day.counts), lastDeclinedAt: visitor.lastDeclinedAt }
  }

  async shown(tenantId: string, visitorId: string, offerId: string, ruleId: string, timeZone: string, at: number): Promise<void> {
    const [visitor, day] = await Promise.all([this.visitor(visitorId, at), this.day(tenantId, timeZone, at)])
    visitor.shown.push({ offerId, ruleId, at })
    day.counts.set(ruleId, (day.counts.get(ruleId) ?? 0) + 1)
  }

  /** The offer went before the shopper could answer: it does not count. */
  async withdrawn(tenantId: string, visitorId: string, offerId: string, ruleId: string, timeZone: string, at: number): Promise<void> {
    const [visitor, day] = await Promise.all([this.visitor(visitorId, at), this.day(tenantId, timeZone, at)])
    const before = visitor.shown.length
    visitor.shown = visitor.shown.filter((shown) => shown.offerId !== offerId)
    if (visitor.shown.length < before) day.counts.set(ruleId, Math.max(0, (day.counts.get(ruleId) ?? 0) - 1))
  }

  async declined(visitorId: string, at: number): Promise<void> {
    const visitor = await this.visitor(visitorId, at)
    visitor.lastDeclinedAt = Math.max(visitor.lastDeclinedAt ?? 0, at)
  }

  /** Forget shoppers not evaluated for a day (they are read again when they come back). */
  sweep(now: number): void {
    for (const [visitorId, record] of this.visitors) void record.then((r) => r.usedAt < now - DAY_MS && this.visitors.delete(visitorId))
  }

  private visitor(visitorId: string, now: number): Promise<VisitorRecord> {
    let record = this.visitors.get(visitorId)
    if (!record) {
      record = (async () => {
        const [recent, declined] = await Promise.all([
          this.db.proactiveOffer.findMany({ where: { visitorId, createdAt: { gte: new Date(now - DAY_MS) }, status: { not: 'withdrawn' } }, select: { id: true, ruleId: true, createdAt: true } }),
          this.db.proactiveOffer.findFirst({ where: { visitorId, status: 'declined', respondedAt: { gte: new Date(now - DECLINE_MEMORY_MS) } }, orderBy: { respondedAt: 'desc' }, select: { respondedAt: true } }),
        ])
        return {
          shown: recent.filter((row) => row.ruleId).map((row) => ({ offerId: row.id, ruleId: row.ruleId!, at: row.createdAt.getTime() })),
          lastDeclinedAt: declined?.respondedAt?.getTime() ?? null,
          usedAt: now,
        }
      })()
      this.visitors.set(visitorId, record)
      record.catch(() => this.visitors.delete(visitorId))
    }
    return record
  }

  /** The tenant's counts for its current local day (a new day starts from the store). */
  private async day(tenantId: string, timeZone: string, now: number): Promise<TenantDay> {
    const date = localParts(now, timeZone).date
    const cached = this.days.get(tenantId)
    if (cached) {
      const day = await cached
      if (day.date === date) return day
      if (this.days.get(tenantId) !== cached) return this.day(tenantId, timeZone, now)
    }
    const loading = (async () => {
      const rows = await this.db.proactiveOffer.groupBy({
        by: ['ruleId'],
        where: { tenantId, createdAt: { gte: zonedTime(date, timeZone) }, status: { not: 'withdrawn' } },
        _count: { _all: true },
      })
      return { date, counts: new Map(rows.filter((row) => row.ruleId).map((row) => [row.ruleId!, row._count._all])) }
    })()
    this.days.set(tenantId, loading)
    loading.catch(() => this.days.delete(tenantId))
    return loading
  }
}
