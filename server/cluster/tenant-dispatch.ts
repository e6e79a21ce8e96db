/**
 * Where a tenant's stateful work runs. The edge (socket handlers, HTTP routes) never calls a
 * tenant's stateful services directly: it asks the dispatch, which runs the call here when
 * this process owns the tenant (always, on a single node) or sends it to the owner node.
 * Arguments and results cross nodes as JSON, so dispatched methods take and return plain data.
 */
import { ParleyError } from '../errors.js'
import type { Logger } from '../log.js'
import type { Services } from '../services/services.js'
import { NodeUnreachableError, RpcTimeoutError, type NodeRpc, type RemoteFailure, type RpcCall } from './node-rpc.js'
import type { TenantLeases } from './tenant-leases.js'

type Fn = (...args: any[]) => any
export type ServiceName = keyof Services
export type MethodOf<T> = { [K in keyof T]: T[K] extends Fn ? K : never }[keyof T] & string
type Callable<T, M extends keyof T> = T[M] extends Fn ? T[M] : never
export type Result<S extends ServiceName, M extends MethodOf<Services[S]>> = Awaited<ReturnType<Callable<Services[S], M>>>

export interface TenantDispatch {
  /** Run `services[service][method](...args)` where the tenant's state lives. */
  call<S extends ServiceName, M extends MethodOf<Services[S]>>(tenantId: string, service: S, method: M, ...args: Parameters<Callable<Services[S], M>>): Promise<Result<S, M>>
  /** Every node drops what it cached about the tenant (after an admin change). */
  invalidate(tenantId: string, slug?: string): Promise<void>
}

/**
 * The service methods the edge may dispatch (and another node may ask for): nothing else
 * runs through a node-to-node call, whatever the message says.
 */
export const DISPATCHABLE: { readonly [S in ServiceName]?: readonly MethodOf<Services[S]>[] } = {
  edge: ['visitorConnected', 'visitorDisconnected', 'agentConnected', 'agentDisconnected', 'createRequest', 'accept', 'setState', 'monitor', 'barge', 'resume', 'leave', 'record', 'companionSession'],
  chat: ['send', 'typing', 'ack'],
  queue: ['cancel', 'schedule', 'decline'],
  calls: ['request', 'answer', 'hangup'],
  media: ['join', 'setup', 'connect', 'produce', 'producer', 'consumer', 'restartIce'],
  leading: ['pageViewed', 'navigate', 'pass', 'highlight', 'clearHighlight', 'fill', 'scroll', 'click'],
  links: ['join', 'companionLink', 'inviteLink', 'admitCompanion'],
  supervision: ['watch', 'unwatch', 'snapshot'],
  phone: ['getPhone', 'setPhone', 'call', 'hangup', 'hold', 'dtmf', 'transfer'],
  publisher: ['snapshot'],
  agents: ['refresh'],
  engine: ['configure'],
}

function invoke(services: Services, service: string, method: string, args: unknown[]): Promise<unknown> {
  const allowed = (DISPATCHABLE as Record<string, readonly string[] | undefined>)[service]
  if (!allowed?.includes(method)) throw new ParleyError('bad_request', 400, `${service}.${method} cannot be dispatched`)
  const target = (services as unknown as Record<string, Record<string, Fn>>)[service]!
  return Promise.resolve(target[method]!.apply(target, args))
}

/** One process owns every tenant: calls run here, as direct calls. */
export class LocalDispatch implements TenantDispatch {
  constructor(private readonly services: Services) {}

  call<S extends ServiceName, M extends MethodOf<Services[S]>>(_tenantId: string, service: S, method: M, ...args: Parameters<Callable<Services[S], M>>): Promise<Result<S, M>> {
    const target = this.services[service] as unknown as Record<string, Fn>
    return Promise.resolve(target[method]!.apply(target, args))
  }

  async invalidate(tenantId: string, slug?: string): Promise<void> {
    this.services.routing.invalidate(tenantId)
    this.services.tenants.invalidate(slug)
  }
}

/** How long a caller waits for a tenant to settle on a live owner before telling the client to retry. */
const SETTLE_FACTOR = 3
/** A dispatched call that takes longer than this is given up (the client retries; sends are idempotent). */
const RPC_TIMEOUT_MS = 15_000

class NotOwnerError extends Error {
  override name = 'NotOwnerError'
}

/** Several nodes: each tenant's calls run on the node holding its lease. */
export class ClusterDispatch implements TenantDispatch {
  private readonly booting = new Map<string, Promise<void>>()

  constructor(
    private readonly services: Services,
    private readonly leases: TenantLeases,
    private readonly rpc: NodeRpc,
    private readonly bootTenant: (tenantId: string) => Promise<void>,
    private readonly leaseMs: number,
    private readonly log: Logger,
  ) {
    rpc.handle((call) => this.serve(call))
    rpc.onBroadcastMessage((message) => {
      const { type, tenantId, slug } = message as { type?: string; tenantId?: string; slug?: string }
      if (type === 'invalidate' && tenantId) {
        services.routing.invalidate(tenantId)
        services.tenants.invalidate(slug)
      }
    })
  }

  async call<S extends ServiceName, M extends MethodOf<Services[S]>>(tenantId: string, service: S, method: M, ...args: Parameters<Callable<Services[S], M>>): Promise<Result<S, M>> {
    const deadline = Date.now() + this.leaseMs * SETTLE_FACTOR
    for (;;) {
      const owner = await this.leases.ensureOwner(tenantId)
      if (owner === this.leases.nodeId) {
        await this.ready(tenantId)
        return (await invoke(this.services, service, method, args)) as Result<S, M>
      }
      try {
        return (await this.rpc.request(owner, { tenantId, service, method, args }, RPC_TIMEOUT_MS)) as Result<S, M>
      } catch (error) {
        if (isRemoteFailure(error) && !error.notOwner) throw new ParleyError(error.body.code, error.status, error.body.message, error.body.issues)
        if (error instanceof RpcTimeoutError) {
          // NOTE: it may still run there; a retry here could run it twice, the client's own retry is idempotent
          this.log.warn({ tenantId, service, method, owner }, 'the owner node did not answer in time')
          throw new ParleyError('internal', 503, 'the server is busy, please retry')
        }
        // Not delivered (the owner is gone, or gave the tenant up): once its lease runs out, ask again.
        if (Date.now() > deadline) throw new ParleyError('internal', 503, 'the conversation is moving to another server, please retry')
        await new Promise((resolve) => setTimeout(resolve, error instanceof NodeUnreachableError ? 250 : 50))
      }
    }
  }

  async invalidate(tenantId: string, slug?: string): Promise<void> {
    this.services.routing.invalidate(tenantId)
    this.services.tenants.invalidate(slug)
    await this.rpc.broadcast({ type: 'invalidate', tenantId, slug })
  }

  /** Boot a tenant this node took over (once; concurrent callers wait for the same boot). */
  ready(tenantId: string): Promise<void> {
    let boot = this.booting.get(tenantId)
    if (!boot) {
      boot = this.bootTenant(tenantId).catch((error: unknown) => {
        this.booting.delete(tenantId)
        throw error
      })
      this.booting.set(tenantId, boot)
    }
    return boot
  }

  /** A call from another node. */
  private async serve(call: RpcCall): Promise<unknown> {
    if (!this.leases.owns(call.tenantId)) throw new NotOwnerError(call.tenantId)
    await this.ready(call.tenantId)
    return invoke(this.services, call.service, call.method, call.args)
  }
}

function isRemoteFailure(error: unknown): error is RemoteFailure {
  return typeof error === 'object' && error !== null && 'body' in error && 'status' in error && !(error instanceof Error)
}

/** How an error travels back to the calling node. */
export function failureOf(error: unknown): RemoteFailure {
  if (error instanceof NotOwnerError) return { notOwner: true, name: error.name, status: 409, body: { code: 'conflict', message: 'not the owner' } }
  if (error instanceof ParleyError) return { name: error.name, status: error.status, body: error.toBody() }
  return { name: 'Error', status: 500, body: { code: 'internal', message: 'internal error, please retry' } }
}
