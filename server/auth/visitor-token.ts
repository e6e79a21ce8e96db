/**
 * Signed visitor tokens. The widget keeps one as a first-party cookie on the shop's site,
 * so a returning visitor is recognized without third-party cookies.
 * Format: `v1.<tenantId>.<visitorId>.<issuedAtSeconds>.<hmac>` (HMAC-SHA256, base64url).
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

export interface VisitorClaims {
  tenantId: string
  visitorId: string
  issuedAt: Date
}

const SAFE = /^[A-Za-z0-9_-]+$/

export class VisitorTokens {
  constructor(private readonly secret: string) {}

  sign(tenantId: string, visitorId: string, issuedAt = new Date()): string {
    const body = ['v1', tenantId, visitorId, Math.floor(issuedAt.getTime() / 1000)].join('.')
    return `${body}.${this.mac(body)}`
  }

  /** The claims of a genuine token, or null for anything forged, malformed or foreign. */
  verify(token: string | null | undefined): VisitorClaims | null {
    if (!token || token.length > 512) return null
    const parts = token.split('.')
    if (parts.length !== 5 || parts[0] !== 'v1') return null
    const [, tenantId, visitorId, issued, mac] = parts as [string, string, string, string, string]
    if (!SAFE.test(tenantId) || !SAFE.test(visitorId) || !/^\d+$/.test(issued)) return null
    const expected = Buffer.from(this.mac(parts.slice(0, 4).join('.')))
    const given = Buffer.from(mac)
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null
    return { tenantId, visitorId, issuedAt: new Date(Number(issued) * 1000) }
  }

  private mac(body: string): string {
    return createHmac('sha256', this.secret).update(`visitor-token:${body}`).digest('base64url')
  }
}
