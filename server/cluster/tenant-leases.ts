/**
 * Which node owns which tenant, as Redis leases: `SET parley:owner:<tenant> <node> NX PX`,
 * renewed by the owner a few times per lease. One owner per tenant at a time runs that
 * tenant's queue, router, channels and event log, so every decision is taken exactly once;
 * when an owner dies its leases run out and another node takes the tenant over.
 */
import type { Redis } from 'ioredis'
import type { Logger } from '../log.js'


// Renew or release only a lease this node still holds (an expired one may be someone else's now).
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`

export class TenantLeases {
  /** called when this node lost a tenant it owned (its lease was taken or could not be renewed in time) */
  onLost: (tenantId: string) => void = () => {}

  /** tenant -> when its lease was last confirmed (epoch ms) */
  private readonly owned = new Map<string, number>()
  private readonly timer: ReturnType<typeof setInterval>
  private closed = false
  private readonly prefix: string

  constructor(
    private readonly redis: Redis,
    cluster: string,
    readonly nodeId: string,
    private readonly leaseMs: number,
    private readonly log: Logger,
  ) {
    this.prefix = `${cluster}:owner:`
    this.timer = setInterval(() => void this.renewAll(), Math.max(100, Math.floor(leaseMs / 3)))
    this.timer.unref()
  }

  /** This node holds the tenant's lease. */
  owns(tenantId: string): boolean {
    return this.owned.has(tenantId)
  }

  ownedTenants(): string[] {
    return [...this.owned.keys()]
  }

  /** The tenant's owner, taking the lease when nobody holds it. */
  async ensureOwner(tenantId: string): Promise<string> {
    if (this.owned.has(tenantId)) return this.nodeId
    if (this.closed) return (await this.redis.get(this.prefix + tenantId)) ?? ''
    for (let attempt = 0; attempt < 3; attempt++) {
      const taken = await this.redis.set(this.prefix + tenantId, this.nodeId, 'PX', this.leaseMs, 'NX')
      if (taken === 'OK') {
        this.owned.set(tenantId, Date.now())
        this.log.info({ tenantId }, 'took ownership of a tenant')
        return this.nodeId
      }
      const owner = await this.redis.get(this.prefix + tenantId)
      if (owner === this.nodeId) {
        // our own lease from before (a quick restart with the same NODE_ID): keep it
        this.owned.set(tenantId, Date.now())
        return this.nodeId
      }
      if (owner) return owner
    }
    throw new Error(`could not settle the owner of tenant ${tenantId}`)
  }

  /** The current owner without taking it (null: nobody). */
  async ownerOf(tenantId: string): Promise<string | null> {
    if (this.owned.has(tenantId)) return this.nodeId
    return this.redis.get(this.prefix + tenantId)
  }

  /** Give a tenant up (draining): another node takes it over at once. */
  async release(tenantId: string): Promise<void> {
    if (!this.owned.delete(tenantId)) return
    await this.redis.eval(RELEASE, 1, this.prefix + tenantId, this.nodeId).catch((error: unknown) => this.log.warn({ err: error, tenantId }, 'could not release a tenant lease'))
  }

  async close(): Promise<void> {
    this.closed = true
    clearInterval(this.timer)
    for (const tenantId of [...this.owned.keys()]) await this.release(tenantId)
  }

  private async renewAll(): Promise<void> {
    const now = Date.now()
    for (const [tenantId, confirmedAt] of [...this.owned]) {
      try {
        const renewed = await this.redis.eval(RENEW, 1, this.prefix + tenantId, this.nodeId, String(this.leaseMs))
        if (renewed === 1) {
          this.owned.set(tenantId, now)
          continue
        }
        this.lose(tenantId, 'the lease was taken by another node')
      } catch (error) {
        // Redis unreachable: past the lease another node may own the tenant already.
        if (now - confirmedAt >= this.leaseMs * 0.8) this.lose(tenantId, 'the lease could not be renewed in time')
        else this.log.warn({ err: error, tenantId }, 'could not renew a tenant lease; retrying')
      }
    }
  }

  private lose(tenantId: string, why: string): void {
    if (!this.owned.delete(tenantId)) return
    this.log.error({ tenantId, why }, 'lost ownership of a tenant')
    this.onLost(tenantId)
  }
}
