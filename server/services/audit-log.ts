/**
 * The audit log: every admin change with who, when, what, and the values before and after.
 * Snapshots are JSON with secrets left out (password hashes, key hashes, webhook secrets).
 */
import type { Database } from '../store/database.js'
import { newId } from '../store/ids.js'

/** Who made a change. */
export interface AuditActor {
  kind: 'agent' | 'api_key' | 'system'
  id: string | null
  name: string
  ip?: string | null
}

export interface AuditChange {
  tenantId: string
  /** dotted verb, e.g. "agent.create", "queue.update" */
  action: string
  targetType: string
  targetId?: string | null
  before?: unknown
  after?: unknown
}

export interface AuditEntryView {
  id: string
  at: string
  actor: { kind: string; id: string | null; name: string }
  action: string
  targetType: string
  targetId: string | null
  before: unknown
  after: unknown
  ip: string | null
}

/** Keys whose values never reach the log: passwords, secrets, tokens, hashes (authPassword, keyHash, ...). */
const SECRET_KEY = /pass(word)?|secret|token|hash|apikey|credential/i

/** A JSON snapshot with secret fields replaced, or null. */
export function auditSnapshot(value: unknown): string | null {
  if (value === undefined || value === null) return null
  return JSON.stringify(value, (key, v: unknown) => (key && SECRET_KEY.test(key) && v !== null && typeof v !== 'boolean' ? '[redacted]' : v))
}

export class AuditLog {
  constructor(private readonly db: Database) {}

  async record(actor: AuditActor, change: AuditChange): Promise<void> {
    await this.db.auditEntry.create({
      data: {
        id: newId('au'),
        tenantId: change.tenantId,
        actorKind: actor.kind,
        actorId: actor.id,
        actorName: actor.name.slice(0, 200),
        action: change.action,
        targetType: change.targetType,
        targetId: change.targetId ?? null,
        before: auditSnapshot(change.before),
        after: auditSnapshot(change.after),
        ip: actor.ip ?? null,
      },
    })
  }

  /** Newest first; `before` pages back from an entry's time. */
  async list(tenantId: string, options: { limit: number; before?: Date; action?: string; actorId?: string; targetType?: string }): Promise<AuditEntryView[]> {
    const rows = await this.db.auditEntry.findMany({
      where: {
        tenantId,
        ...(options.before ? { at: { lt: options.before } } : {}),
        ...(options.action ? { action: { startsWith: options.action } } : {}),
        ...(options.actorId ? { actorId: options.actorId } : {}),
        ...(options.targetType ? { targetType: options.targetType } : {}),
      },
      orderBy: [{ at: 'desc' }, { id: 'desc' }],
      take: options.limit,
    })
    return rows.map((row) => ({
      id: row.id,
      at: row.at.toISOString(),
      actor: { kind: row.actorKind, id: row.actorId, name: row.actorName },
      action: row.action,
      targetType: row.targetType,
      targetId: row.targetId,
      before: row.before ? JSON.parse(row.before) : null,
      after: row.after ? JSON.parse(row.after) : null,
      ip: row.ip,
    }))
  }
}
