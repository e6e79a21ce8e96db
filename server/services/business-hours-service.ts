/**
 * Business hours per tenant, as the widget and the admin read them: open now or not, when it
 * opens next, and the message for visitors. Cached briefly (the widget asks on every page).
 */
import { isOpen, nextOpening, readBusinessHours } from '../domain/business-hours.js'
import type { Database } from '../store/database.js'

export interface HoursStatus {
  open: boolean
  /** ISO time it opens next, when closed */
  nextOpening: string | null
  /** what to tell visitors while closed ('' when none was set) */
  message: string
}

const CACHE_MS = 30_000

export class BusinessHoursService {
  private readonly cache = new Map<string, { at: number; rules: ReturnType<typeof readBusinessHours>; message: string; timeZone: string }>()

  constructor(private readonly db: Database) {}

  async status(tenantId: string, now = Date.now()): Promise<HoursStatus> {
    let entry = this.cache.get(tenantId)
    if (!entry || now - entry.at > CACHE_MS) {
      const [row, tenant] = await Promise.all([this.db.businessHours.findUnique({ where: { tenantId } }), this.db.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { timezone: true } })])
      entry = { at: now, rules: readBusinessHours(row?.week ?? '{}', row?.closedDates ?? '[]'), message: row?.closedMessage ?? '', timeZone: tenant.timezone }
      this.cache.set(tenantId, entry)
    }
    const open = isOpen(entry.rules, now, entry.timeZone)
    return { open, nextOpening: open ? null : (nextOpening(entry.rules, now, entry.timeZone)?.toISOString() ?? null), message: open ? '' : entry.message }
  }

  /** Forget a tenant's cached hours (after an admin saved them or changed the timezone). */
  invalidate(tenantId: string): void {
    this.cache.delete(tenantId)
  }
}
