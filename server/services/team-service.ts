/**
 * The tenant's team, managed by admins: accounts with a role (agent, supervisor, admin)
 * created with a generated password shown once, role and name changes, disabling (sessions
 * revoked, the agent goes offline and cannot log in) and password resets. An admin cannot
 * lock the tenant out: the last enabled admin stays an enabled admin.
 */
import { randomBytes } from 'node:crypto'
import type { AgentRole } from '../../web/protocol/views.js'
import { hashPassword } from '../auth/password.js'
import { ConflictError, InvalidStateError, NotFoundError } from '../errors.js'
import type { Database } from '../store/database.js'
import { newId } from '../store/ids.js'
import type { AgentService } from './agent-service.js'

export interface TeamMember {
  id: string
  email: string
  displayName: string
  role: AgentRole
  state: string
  disabledAt: string | null
  maxChats: number
  maxCalls: number
  createdAt: string
  lastLoginAt: string | null
}

export interface MemberInput {
  email: string
  displayName: string
  role: AgentRole
}

type AgentRow = { id: string; email: string; displayName: string; role: string; state: string; disabledAt: Date | null; maxChats: number; maxCalls: number; createdAt: Date }

const view = (row: AgentRow, lastLoginAt: Date | null = null): TeamMember => ({
  id: row.id,
  email: row.email,
  displayName: row.displayName,
  role: row.role as AgentRole,
  state: row.state,
  disabledAt: row.disabledAt?.toISOString() ?? null,
  maxChats: row.maxChats,
  maxCalls: row.maxCalls,
  createdAt: row.createdAt.toISOString(),
  lastLoginAt: lastLoginAt?.toISOString() ?? null,
})

/** A password to hand over once: 16 characters, ~96 bits. */
const generatePassword = () => randomBytes(12).toString('base64url')

export class TeamService {
  /** sessions were revoked: their sockets must close (set by the app) */
  onSessionsRevoked: (sessionIds: string[]) => void = () => {}

  constructor(
    private readonly db: Database,
    private readonly agents: AgentService,
  ) {}

  async list(tenantId: string): Promise<TeamMember[]> {
    const rows = await this.db.agent.findMany({ where: { tenantId }, orderBy: [{ disabledAt: 'asc' }, { displayName: 'asc' }] })
    const logins = await this.db.loginRecord.groupBy({ by: ['agentId'], where: { tenantId, success: true }, _max: { createdAt: true } })
    const last = new Map(logins.map((l) => [l.agentId, l._max.createdAt]))
    return rows.map((row) => view(row, last.get(row.id) ?? null))
  }

  async get(tenantId: string, id: string): Promise<TeamMember> {
    return view(await this.row(tenantId, id))
  }

  async create(tenantId: string, input: MemberInput): Promise<{ member: TeamMember; password: string }> {
    const email = input.email.toLowerCase()
    if (await this.db.agent.findUnique({ where: { tenantId_email: { tenantId, email } } })) throw new ConflictError(`${email} already has an account`)
    const password = generatePassword()
    const row = await this.db.agent.create({ data: { id: newId('ag'), tenantId, email, displayName: input.displayName, role: input.role, passwordHash: await hashPassword(password) } })
    return { member: view(row), password }
  }

  async update(tenantId: string, id: string, patch: Partial<MemberInput>, actingAgentId: string): Promise<{ before: TeamMember; after: TeamMember }> {
    const row = await this.row(tenantId, id)
    if (patch.role && patch.role !== row.role) {
      if (id === actingAgentId) throw new InvalidStateError('you cannot change your own role; ask another admin')
      if (row.role === 'admin') await this.keepAnAdmin(tenantId, id)
    }
    const email = patch.email?.toLowerCase()
    if (email && email !== row.email && (await this.db.agent.findUnique({ where: { tenantId_email: { tenantId, email } } }))) throw new ConflictError(`${email} already has an account`)
    const updated = await this.db.agent.update({ where: { id }, data: { ...(email ? { email } : {}), ...(patch.displayName ? { displayName: patch.displayName } : {}), ...(patch.role ? { role: patch.role } : {}) } })
    if (patch.role && patch.role !== row.role) await this.revokeSessions(id)
    await this.agents.refresh(id)
    return { before: view(row), after: view(updated) }
  }

  async setDisabled(tenantId: string, id: string, disabled: boolean, actingAgentId: string): Promise<{ before: TeamMember; after: TeamMember }> {
    const row = await this.row(tenantId, id)
    if (disabled && id === actingAgentId) throw new InvalidStateError('you cannot disable your own account')
    if (disabled && row.role === 'admin') await this.keepAnAdmin(tenantId, id)
    if (disabled === (row.disabledAt !== null)) return { before: view(row), after: view(row) }
    const updated = await this.db.agent.update({ where: { id }, data: { disabledAt: disabled ? new Date() : null } })
    if (disabled) {
      await this.revokeSessions(id)
      await this.agents.force(id, 'offline', 'account disabled')
    }
    return { before: view(row), after: view(updated) }
  }

  /** A new generated password (shown once); every session of the account ends. */
  async resetPassword(tenantId: string, id: string): Promise<{ member: TeamMember; password: string }> {
    const row = await this.row(tenantId, id)
    const password = generatePassword()
    await this.db.agent.update({ where: { id }, data: { passwordHash: await hashPassword(password) } })
    await this.revokeSessions(id)
    return { member: view(row), password }
  }

  private async row(tenantId: string, id: string): Promise<AgentRow> {
    const row = await this.db.agent.findFirst({ where: { id, tenantId } })
    if (!row) throw new NotFoundError('no such team member')
    return row
  }

  private async keepAnAdmin(tenantId: string, leavingId: string): Promise<void> {
    const others = await this.db.agent.count({ where: { tenantId, role: 'admin', disabledAt: null, id: { not: leavingId } } })
    if (others === 0) throw new InvalidStateError('this is the last enabled admin; make someone else admin first')
  }

  private async revokeSessions(agentId: string): Promise<void> {
    const sessions = await this.db.agentSession.findMany({ where: { agentId, revokedAt: null }, select: { id: true } })
    if (sessions.length === 0) return
    await this.db.agentSession.updateMany({ where: { id: { in: sessions.map((s) => s.id) } }, data: { revokedAt: new Date() } })
    this.onSessionsRevoked(sessions.map((s) => s.id))
  }
}
