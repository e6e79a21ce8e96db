/**
 * Tenants' SIP trunks and their numbers (DIDs), as stored, and as the SIP bridge runs them.
 * Secrets (digest password, presence secret) are written here and read only when building
 * the bridge's configuration: nothing that leaves this module for the API carries them.
 * A DID belongs to one tenant (unique across tenants): an INVITE to it tells whose it is.
 */
import type { TrunkConfigInput } from '../../sip/sip-bridge.js'
import { ConflictError, NotFoundError, ValidationError } from '../errors.js'
import type { Database } from '../store/database.js'
import { newId } from '../store/ids.js'

export type TrunkTransport = 'udp' | 'tcp' | 'tls'

export interface DidView {
  number: string
  /** queue slug the calls go to (null: the default queue) */
  queue: string | null
  language: string | null
}

/** A trunk as the admin API shows it: no secrets, only whether they are set. */
export interface TrunkView {
  id: string
  name: string
  host: string
  port: number | null
  transport: TrunkTransport
  username: string | null
  hasPassword: boolean
  callerId: string
  allowFrom: string[]
  register: boolean
  localPort: number
  hasPresenceSecret: boolean
  enabled: boolean
  dids: DidView[]
  createdAt: string
  updatedAt: string
}

/** What the admin sends (secrets: a string sets, null clears, absent keeps). */
export interface TrunkInput {
  name: string
  host: string
  port: number | null
  transport: TrunkTransport
  username: string | null
  password?: string | null
  callerId: string
  allowFrom: string[]
  register: boolean
  localPort: number
  presenceSecret?: string | null
  enabled: boolean
  dids: DidView[]
}

/** Where an INVITE to a DID goes. */
export interface DidRoute {
  tenantId: string
  trunkId: string
  number: string
  queueId: string | null
  language: string | null
}

/** A trunk with its secrets, for the bridge and the presence authorizer only. */
export interface RunnableTrunk {
  id: string
  tenantId: string
  callerId: string
  allowFrom: string[]
  presenceSecret: string | null
  config: TrunkConfigInput
}

export interface BridgeSettings {
  listenIp: string
  announcedIp?: string
  keepAliveSec: number
  ringTimeoutSec: number
}

type TrunkRow = Awaited<ReturnType<Database['trunk']['findFirstOrThrow']>> & { dids: { number: string; queueId: string | null; language: string | null }[] }

function parseList(json: string): string[] {
  try {
    const value = JSON.parse(json) as unknown
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []
  } catch {
    return []
  }
}

export class TrunkDirectory {
  private dids = new Map<string, DidRoute>()
  private runnable: RunnableTrunk[] = []

  constructor(private readonly db: Database) {}

  async list(tenantId: string): Promise<TrunkView[]> {
    const rows = await this.db.trunk.findMany({ where: { tenantId }, include: { dids: true }, orderBy: { createdAt: 'asc' } })
    const slugs = await this.queueSlugs(tenantId)
    return rows.map((row) => this.view(row, slugs))
  }

  async get(tenantId: string, id: string): Promise<TrunkView> {
    const row = await this.db.trunk.findFirst({ where: { id, tenantId }, include: { dids: true } })
    if (!row) throw new NotFoundError('no such trunk')
    return this.view(row, await this.queueSlugs(tenantId))
  }

  async create(tenantId: string, input: TrunkInput): Promise<TrunkView> {
    const id = newId('tk')
    const dids = await this.didRows(tenantId, id, input.dids)
    await this.guard(() =>
      this.db.trunk.create({
        data: { id, tenantId, ...this.columns(input), password: input.password ?? null, presenceSecret: input.presenceSecret ?? null, dids: { create: dids } },
      }),
    )
    return this.get(tenantId, id)
  }

  async update(tenantId: string, id: string, input: TrunkInput): Promise<TrunkView> {
    const existing = await this.db.trunk.findFirst({ where: { id, tenantId } })
    if (!existing) throw new NotFoundError('no such trunk')
    const dids = await this.didRows(tenantId, id, input.dids)
    const secrets = {
      ...(input.password !== undefined ? { password: input.password } : {}),
      ...(input.presenceSecret !== undefined ? { presenceSecret: input.presenceSecret } : {}),
    }
    if ((input.username ?? null) !== null && (secrets.password === null || (secrets.password === undefined && existing.password === null))) {
      throw new ValidationError('a trunk with a username needs a password', [{ path: 'password', message: 'set the digest password too' }])
    }
    await this.guard(() =>
      this.db.$transaction([
        this.db.trunkDid.deleteMany({ where: { trunkId: id } }),
        this.db.trunk.update({ where: { id }, data: { ...this.columns(input), ...secrets, updatedAt: new Date(), dids: { create: dids } } }),
      ]),
    )
    return this.get(tenantId, id)
  }

  async remove(tenantId: string, id: string): Promise<void> {
    const { count } = await this.db.trunk.deleteMany({ where: { id, tenantId } })
    if (count === 0) throw new NotFoundError('no such trunk')
  }

  /** Read every enabled trunk (all tenants) into what the bridge runs; refreshes the DID map. */
  async load(settings: BridgeSettings): Promise<RunnableTrunk[]> {
    const rows = await this.db.trunk.findMany({ where: { enabled: true }, include: { dids: true }, orderBy: { createdAt: 'asc' } })
    const dids = new Map<string, DidRoute>()
    this.runnable = rows.map((row) => {
      for (const did of row.dids) dids.set(did.number, { tenantId: row.tenantId, trunkId: row.id, number: did.number, queueId: did.queueId, language: did.language })
      const allowFrom = parseList(row.allowFrom)
      const config: TrunkConfigInput = {
        id: row.id,
        host: row.host,
        ...(row.port !== null ? { port: row.port } : {}),
        transport: row.transport as TrunkTransport,
        ...(row.username && row.password ? { username: row.username, password: row.password } : {}),
        callerId: row.callerId,
        dids: row.dids.map((did) => did.number),
        localIp: settings.listenIp,
        ...(settings.announcedIp ? { announcedIp: settings.announcedIp } : {}),
        localPort: row.localPort,
        register: row.register,
        ringTimeoutSec: settings.ringTimeoutSec,
        optionsPingSec: settings.keepAliveSec,
        ...(allowFrom.length > 0 ? { allowFrom } : {}),
      }
      return { id: row.id, tenantId: row.tenantId, callerId: row.callerId, allowFrom, presenceSecret: row.presenceSecret, config }
    })
    this.dids = dids
    return this.runnable
  }

  /** The tenant and queue of a DID, among the running trunks. */
  route(number: string): DidRoute | undefined {
    return this.dids.get(number)
  }

  /** The running trunks (with secrets: bridge and presence only). */
  running(): readonly RunnableTrunk[] {
    return this.runnable
  }

  /** The trunk outbound calls of a tenant go through: its oldest enabled one. */
  outboundTrunkOf(tenantId: string, isUp: (trunkId: string) => boolean): RunnableTrunk | undefined {
    return this.runnable.find((trunk) => trunk.tenantId === tenantId && isUp(trunk.id))
  }

  private columns(input: TrunkInput) {
    return {
      name: input.name,
      host: input.host,
      port: input.port,
      transport: input.transport,
      username: input.username,
      callerId: input.callerId,
      allowFrom: JSON.stringify(input.allowFrom),
      register: input.register,
      localPort: input.localPort,
      enabled: input.enabled,
    }
  }

  /** DID rows with their queue ids; an unknown queue slug is a 400, a number used twice a 400. */
  private async didRows(tenantId: string, trunkId: string, dids: DidView[]) {
    const seen = new Set<string>()
    const queues = await this.db.queue.findMany({ where: { tenantId }, select: { id: true, slug: true } })
    return dids.map((did, index) => {
      if (seen.has(did.number)) throw new ValidationError(`${did.number} is listed twice`, [{ path: `dids.${index}.number`, message: 'listed twice' }])
      seen.add(did.number)
      const queue = did.queue === null ? null : queues.find((q) => q.slug === did.queue)
      if (queue === undefined) throw new ValidationError(`there is no queue "${did.queue}"`, [{ path: `dids.${index}.queue`, message: 'unknown queue' }])
      return { id: newId('did'), tenantId, number: did.number, queueId: queue?.id ?? null, language: did.language }
    })
  }

  private async queueSlugs(tenantId: string): Promise<Map<string, string>> {
    const queues = await this.db.queue.findMany({ where: { tenantId }, select: { id: true, slug: true } })
    return new Map(queues.map((queue) => [queue.id, queue.slug]))
  }

  /** A unique constraint (trunk name per tenant, DID across tenants) becomes a 409. */
  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (error) {
      const { code, meta } = error as { code?: string; meta?: { target?: unknown; driverAdapterError?: { cause?: { constraint?: { fields?: string[] } } } } }
      if (code === 'P2002') {
        const fields = JSON.stringify(meta ?? {})
        throw new ConflictError(fields.includes('number') ? 'one of these numbers belongs to another trunk already' : 'a trunk with this name exists already')
      }
      throw error
    }
  }

  private view(row: TrunkRow, slugs: Map<string, string>): TrunkView {
    return {
      id: row.id,
      name: row.name,
      host: row.host,
      port: row.port,
      transport: row.transport as TrunkTransport,
      username: row.username,
      hasPassword: row.password !== null,
      callerId: row.callerId,
      allowFrom: parseList(row.allowFrom),
      register: row.register,
      localPort: row.localPort,
      hasPresenceSecret: row.presenceSecret !== null,
      enabled: row.enabled,
      dids: row.dids.map((did) => ({ number: did.number, queue: did.queueId ? (slugs.get(did.queueId) ?? null) : null, language: did.language })),
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    }
  }
}
