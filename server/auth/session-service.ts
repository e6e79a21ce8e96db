/**
 * Agent login and sessions. The session token only lives in an HttpOnly cookie; the store
 * keeps its sha256. Every login attempt is recorded with IP and time.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { AgentRole } from '../../web/protocol/views.js'
import { UnauthorizedError } from '../errors.js'
import type { Database } from '../store/database.js'
import { newId } from '../store/ids.js'
import { UNKNOWN_ACCOUNT_HASH, verifyPassword } from './password.js'

export const SESSION_COOKIE = 'parley_session'

export interface AuthenticatedAgent {
  sessionId: string
  agentId: string
  tenantId: string
  role: AgentRole
}

export interface LoginInput {
  tenant: string
  email: string
  password: string
  ip: string
  userAgent: string | null
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url')

export class SessionService {
  constructor(
    private readonly db: Database,
    private readonly ttlMs: number,
  ) {}

  /** A new session token for valid credentials; UnauthorizedError (same message) otherwise. */
  async login(input: LoginInput): Promise<{ token: string; expiresAt: Date; agentId: string; tenantId: string }> {
    const tenant = await this.db.tenant.findUnique({ where: { slug: input.tenant }, select: { id: true } })
    const agent = tenant ? await this.db.agent.findUnique({ where: { tenantId_email: { tenantId: tenant.id, email: input.email.toLowerCase() } } }) : null
    // Always run the hash, so response time does not reveal which accounts exist.
    const valid = await verifyPassword(input.password, agent?.passwordHash ?? UNKNOWN_ACCOUNT_HASH)
    // A disabled account fails like a wrong password (its sessions were revoked when disabled).
    const success = valid && agent !== null && agent.disabledAt === null
    if (tenant) {
      await this.db.loginRecord.create({
        data: { id: newId('lg'), tenantId: tenant.id, agentId: agent?.id ?? null, email: input.email.slice(0, 254), ip: input.ip, userAgent: input.userAgent?.slice(0, 512) ?? null, success },
      })
    }
    if (!success || !agent) throw new UnauthorizedError('wrong tenant, email or password')
    const token = randomBytes(32).toString('base64url')
    const expiresAt = new Date(Date.now() + this.ttlMs)
    await this.db.agentSession.create({
      data: { id: newId('se'), tokenHash: hashToken(token), agentId: agent.id, ip: input.ip, userAgent: input.userAgent?.slice(0, 512) ?? null, expiresAt },
    })
    return { token, expiresAt, agentId: agent.id, tenantId: agent.tenantId }
  }

  /** The agent behind a session token, or null when it is unknown, expired or revoked. */
  async authenticate(token: string | undefined): Promise<AuthenticatedAgent | null> {
    if (!token || token.length > 100) return null
    const session = await this.db.agentSession.findUnique({ where: { tokenHash: hashToken(token) }, include: { agent: { select: { tenantId: true, role: true, disabledAt: true } } } })
    if (!session || session.revokedAt || session.agent.disabledAt || session.expiresAt.getTime() <= Date.now()) return null
    return { sessionId: session.id, agentId: session.agentId, tenantId: session.agent.tenantId, role: session.agent.role as AgentRole }
  }

  async logout(token: string | undefined): Promise<void> {
    if (!token) return
    await this.db.agentSession.updateMany({ where: { tokenHash: hashToken(token), revokedAt: null }, data: { revokedAt: new Date() } })
  }
}

/** Read one cookie from a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined
  for (const part of header.split(';')) {
    const index = part.indexOf('=')
    if (index < 0) continue
    if (part.slice(0, index).trim() === name) {
      try {
        return decodeURIComponent(part.slice(index + 1).trim())
      } catch {
        return undefined
      }
    }
  }
  return undefined
}
