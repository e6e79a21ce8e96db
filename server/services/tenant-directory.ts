/**
 * Tenants by slug and their embed allow-lists, cached briefly; refused embed attempts are
 * counted per origin for the admin.
 */
import { NotFoundError, OriginRefusedError } from '../errors.js'
import type { Database } from '../store/database.js'
import { newId } from '../store/ids.js'
import type { Logger } from '../log.js'

export interface TenantInfo {
  id: string
  slug: string
  name: string
  origins: Set<string>
}

const CACHE_MS = 5_000
const REFUSAL_RECORD_INTERVAL_MS = 10_000

/** `scheme://host[:port]` in lower case, or null when the value is not an http(s) origin. */
export function normalizeOrigin(value: string | null | undefined): string | null {
  if (!value) return null
  try {
    const url = new URL(value)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null
    return url.origin.toLowerCase()
  } catch {
    return null
  }
}

export class TenantDirectory {
  private readonly bySlug = new Map<string, { tenant: Promise<TenantInfo | null>; at: number }>()
  private readonly lastRefusal = new Map<string, number>()

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
  ) {}

  async find(slug: string): Promise<TenantInfo | null> {
    const cached = this.bySlug.get(slug)
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.tenant
    const tenant = this.fetch(slug)
    this.bySlug.set(slug, { tenant, at: Date.now() })
    tenant.catch(() => this.bySlug.delete(slug))
    return tenant
  }

  async require(slug: string): Promise<TenantInfo> {
    const tenant = await this.find(slug)
    if (!tenant) throw new NotFoundError(`no tenant "${slug}"`)
    return tenant
  }

  /** Drop cached data after an admin changed a tenant. */
  invalidate(slug?: string): void {
    if (slug) this.bySlug.delete(slug)
    else this.bySlug.clear()
  }

  /**
   * The tenant for a widget request from `origin`, or OriginRefusedError (recorded for the
   * admin) when the origin is not on the tenant's allow-list.
   */
  async admit(slug: string, rawOrigin: string | null | undefined, pageUrl?: string | null): Promise<TenantInfo> {
    const tenant = await this.require(slug)
    const origin = normalizeOrigin(rawOrigin)
    if (origin && tenant.origins.has(origin)) return tenant
    this.recordRefusal(tenant, origin ?? String(rawOrigin ?? '(none)').slice(0, 200), pageUrl)
    throw new OriginRefusedError(origin ?? null)
  }

  private recordRefusal(tenant: TenantInfo, origin: string, pageUrl: string | null | undefined): void {
    // Count every refusal, but write at most one row update per origin per interval.
    const key = `${tenant.id} ${origin}`
    const now = Date.now()
    const pending = (this.lastRefusal.get(key) ?? 0) > now - REFUSAL_RECORD_INTERVAL_MS
    this.lastRefusal.set(key, now)
    if (pending) return
    const page = pageUrl?.slice(0, 2048) ?? null
    this.db.refusedOrigin
      .upsert({
        where: { tenantId_origin: { tenantId: tenant.id, origin } },
        create: { id: newId('ro'), tenantId: tenant.id, origin, lastPageUrl: page },
        update: { count: { increment: 1 }, lastSeenAt: new Date(now), ...(page ? { lastPageUrl: page } : {}) },
      })
      .catch((error: unknown) => this.log.warn({ err: error, origin }, 'could not record a refused origin'))
  }

  private async fetch(slug: string): Promise<TenantInfo | null> {
    const row = await this.db.tenant.findUnique({ where: { slug }, include: { origins: true } })
    if (!row) return null
    return { id: row.id, slug: row.slug, name: row.name, origins: new Set(row.origins.map((o) => o.origin)) }
  }
}
