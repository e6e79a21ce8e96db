/**
 * API keys for the public API: `pk_<prefix>_<secret>`, shown once at creation; only the
 * sha256 is stored. Revoked keys stop working at once; use is stamped (at most once a minute).
 */
import { createHash, randomBytes } from 'node:crypto'
import { NotFoundError } from '../errors.js'
import type { Database } from '../store/database.js'
import { newId } from '../store/ids.js'

export interface ApiKeyView {
  id: string
  name: string
  prefix: string
  createdAt: string
  lastUsedAt: string | null
  revokedAt: string | null
}

export interface ApiClient {
  keyId: string
  tenantId: string
  name: string
}

const hash = (key: string) => createHash('sha256').update(key).digest('base64url')
const STAMP_EVERY_MS = 60_000

function view(row: { id: string; name: string; prefix: string; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null }): ApiKeyView {
  return { id: row.id, name: row.name, prefix: row.prefix, createdAt: row.createdAt.toISOString(), lastUsedAt: row.lastUsedAt?.toISOString() ?? null, revokedAt: row.revokedAt?.toISOString() ?? null }
}

export class ApiKeyService {
  private readonly stamped = new Map<string, number>()

  constructor(private readonly db: Database) {}

  /** A new key; `key` is returned this once and never again. */
  async create(tenantId: string, name: string, createdById: string | null): Promise<{ key: string; apiKey: ApiKeyView }> {
    const prefix = randomBytes(4).toString('hex')
    const key = `pk_${prefix}_${randomBytes(24).toString('base64url')}`
    const row = await this.db.apiKey.create({ data: { id: newId('ak'), tenantId, name, prefix: `pk_${prefix}`, keyHash: hash(key), createdById } })
    return { key, apiKey: view(row) }
  }

  async list(tenantId: string): Promise<ApiKeyView[]> {
    return (await this.db.apiKey.findMany({ where: { tenantId }, orderBy: { createdAt: 'desc' } })).map(view)
  }

  async revoke(tenantId: string, id: string): Promise<{ before: ApiKeyView; after: ApiKeyView }> {
    const row = await this.db.apiKey.findFirst({ where: { id, tenantId } })
    if (!row) throw new NotFoundError('no such API key')
    const updated = row.revokedAt ? row : await this.db.apiKey.update({ where: { id }, data: { revokedAt: new Date() } })
    return { before: view(row), after: view(updated) }
  }

  /** The client behind an `Authorization: Bearer pk_...` key, or null. */
  async authenticate(key: string | undefined): Promise<ApiClient | null> {
    if (!key || !key.startsWith('pk_') || key.length > 100) return null
    const row = await this.db.apiKey.findUnique({ where: { keyHash: hash(key) } })
    if (!row || row.revokedAt) return null
    const now = Date.now()
    if ((this.stamped.get(row.id) ?? 0) < now - STAMP_EVERY_MS) {
      this.stamped.set(row.id, now)
      await this.db.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: new Date(now) } })
    }
    return { keyId: row.id, tenantId: row.tenantId, name: row.name }
  }
}
