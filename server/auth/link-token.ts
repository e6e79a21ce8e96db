/**
 * Signed capability tokens carried in links to the tenant's site: `lead` opens a shop page as
 * an agent's co-browsing tab for one channel; `invite` lets visitors join one group session.
 * Format: `l1.<base64url JSON claims>.<hmac>` (HMAC-SHA256 with the server secret). The link
 * puts it in the URL fragment, which browsers never send to any server.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { z } from 'zod'

const claimsSchema = z.strictObject({
  kind: z.enum(['lead', 'invite']),
  tenantId: z.string().min(1).max(64),
  channelId: z.string().min(1).max(64),
  /** the agent a lead token acts for */
  agentId: z.string().min(1).max(64).optional(),
  /** expiry, seconds since the epoch */
  exp: z.int(),
})

export type LinkClaims = z.infer<typeof claimsSchema>

export class LinkTokens {
  constructor(private readonly secret: string) {}

  sign(claims: LinkClaims): string {
    const body = `l1.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`
    return `${body}.${this.mac(body)}`
  }

  /** The claims of a genuine, unexpired token of `kind`, or null. */
  verify(token: string | null | undefined, kind: LinkClaims['kind'], now = new Date()): LinkClaims | null {
    if (!token || token.length > 1024) return null
    const parts = token.split('.')
    if (parts.length !== 3 || parts[0] !== 'l1') return null
    const expected = Buffer.from(this.mac(`${parts[0]}.${parts[1]}`))
    const given = Buffer.from(parts[2]!)
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null
    let raw: unknown
    try {
      raw = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'))
    } catch {
      return null
    }
    const parsed = claimsSchema.safeParse(raw)
    if (!parsed.success || parsed.data.kind !== kind || parsed.data.exp * 1000 <= now.getTime()) return null
    return parsed.data
  }

  private mac(body: string): string {
    return createHmac('sha256', this.secret).update(`link-token:${body}`).digest('base64url')
  }
}
