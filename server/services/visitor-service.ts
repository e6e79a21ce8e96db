/** Visitors: recognized by their signed token, or created anonymous with a random id. */
import type { Database } from '../store/database.js'
import { newId } from '../store/ids.js'
import type { VisitorTokens } from '../auth/visitor-token.js'

export interface VisitorIdentity {
  id: string
  tenantId: string
  displayName: string | null
  returning: boolean
  /** a freshly signed token for the widget to keep */
  token: string
}

/** A new visit starts after this long without being seen. */
const VISIT_GAP_MS = 30 * 60 * 1000

export class VisitorService {
  constructor(
    private readonly db: Database,
    private readonly tokens: VisitorTokens,
  ) {}

  async identify(tenantId: string, token: string | null | undefined): Promise<VisitorIdentity> {
    const claims = this.tokens.verify(token)
    const now = new Date()
    if (claims && claims.tenantId === tenantId) {
      const known = await this.db.visitor.findFirst({ where: { id: claims.visitorId, tenantId } })
      if (known) {
        const newVisit = now.getTime() - known.lastSeenAt.getTime() > VISIT_GAP_MS
        const visitor = await this.db.visitor.update({
          where: { id: known.id },
          data: { lastSeenAt: now, ...(newVisit ? { visits: { increment: 1 } } : {}) },
        })
        return { id: visitor.id, tenantId, displayName: visitor.displayName, returning: visitor.visits > 1, token: this.tokens.sign(tenantId, visitor.id, now) }
      }
    }
    const visitor = await this.db.visitor.create({ data: { id: newId('vi'), tenantId, createdAt: now, lastSeenAt: now } })
    return { id: visitor.id, tenantId, displayName: null, returning: false, token: this.tokens.sign(tenantId, visitor.id, now) }
  }
}
