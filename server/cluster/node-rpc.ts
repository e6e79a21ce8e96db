/**
 * Calls between nodes over Redis pub/sub: each node listens on its own inbox channel; a
 * request names the tenant and the service method to run on the tenant's owner, the reply
 * comes back on the caller's inbox. Publishing to an inbox nobody listens on (a dead node)
 * fails at once, so callers can wait for the lease to move instead of for a timeout.
 */
import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { ErrorBody } from '../../web/protocol/events.js'
import type { Logger } from '../log.js'


export interface RpcCall {
  tenantId: string
  service: string
  method: string
  args: unknown[]
}

type Envelope =
  | { kind: 'request'; id: string; from: string; call: RpcCall }
  | { kind: 'reply'; id: string; ok: true; value: unknown }
  | { kind: 'reply'; id: string; ok: false; error: RemoteFailure }

/** A failure on the remote node, as it travels. */
export interface RemoteFailure {
  /** the node does not own the tenant (any more): ask again */
  notOwner?: boolean
  name: string
  status: number
  body: ErrorBody
}

export class NodeUnreachableError extends Error {
  override name = 'NodeUnreachableError'
}

export class RpcTimeoutError extends Error {
  override name = 'RpcTimeoutError'
}

export class NodeRpc {
  private readonly pending = new Map<string, { resolve: (value: unknown) => void; reject: (error: unknown) => void; timer: ReturnType<typeof setTimeout> }>()
  private handler: (call: RpcCall) => Promise<unknown> = async () => undefined
  private broadcastListener: (message: unknown) => void = () => {}
  private readonly failureOf: (error: unknown) => RemoteFailure
  private readonly inboxPrefix: string
  /** broadcasts to every node (cache invalidations) */
  private readonly broadcastChannel: string

  constructor(
    private readonly pub: Redis,
    private readonly sub: Redis,
    cluster: string,
    readonly nodeId: string,
    failureOf: (error: unknown) => RemoteFailure,
    private readonly log: Logger,
  ) {
    this.failureOf = failureOf
    this.inboxPrefix = `${cluster}:node:`
    this.broadcastChannel = `${cluster}:broadcast`
  }

  async start(): Promise<void> {
    this.sub.on('message', (channel: string, raw: string) => {
      if (channel === this.broadcastChannel) return this.onBroadcast(raw)
      if (channel === this.inboxPrefix + this.nodeId) void this.onInbox(raw)
    })
    await this.sub.subscribe(this.inboxPrefix + this.nodeId, this.broadcastChannel)
  }

  /** What to run for calls from other nodes. */
  handle(handler: (call: RpcCall) => Promise<unknown>): void {
    this.handler = handler
  }

  onBroadcastMessage(listener: (message: unknown) => void): void {
    this.broadcastListener = listener
  }

  async broadcast(message: unknown): Promise<void> {
    await this.pub.publish(this.broadcastChannel, JSON.stringify(message))
  }

  /** Run `call` on `nodeId`; rejects with the remote failure, NodeUnreachableError or RpcTimeoutError. */
  async request(nodeId: string, call: RpcCall, timeoutMs: number): Promise<unknown> {
    const id = randomUUID()
    const reply = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(new RpcTimeoutError(`${nodeId} did not answer ${call.service}.${call.method} in ${timeoutMs} ms`))
      }, timeoutMs)
      this.pending.set(id, { resolve, reject, timer })
    })
    const receivers = await this.pub.publish(this.inboxPrefix + nodeId, JSON.stringify({ kind: 'request', id, from: this.nodeId, call } satisfies Envelope))
    if (receivers === 0) {
      const waiting = this.pending.get(id)
      if (waiting) clearTimeout(waiting.timer)
      this.pending.delete(id)
      void reply.catch(() => {})
      throw new NodeUnreachableError(`node ${nodeId} is not listening`)
    }
    return reply
  }

  close(): void {
    for (const { reject, timer } of this.pending.values()) {
      clearTimeout(timer)
      reject(new NodeUnreachableError('this node is shutting down'))
    }
    this.pending.clear()
  }

  private onBroadcast(raw: string): void {
    try {
      this.broadcastListener(JSON.parse(raw))
    } catch (error) {
      this.log.warn({ err: error }, 'bad cluster broadcast')
    }
  }

  private async onInbox(raw: string): Promise<void> {
    let envelope: Envelope
    try {
      envelope = JSON.parse(raw) as Envelope
    } catch {
      return this.log.warn('unreadable message in the node inbox')
    }
    if (envelope.kind === 'reply') {
      const waiting = this.pending.get(envelope.id)
      if (!waiting) return // answered after the caller gave up
      clearTimeout(waiting.timer)
      this.pending.delete(envelope.id)
      if (envelope.ok) waiting.resolve(envelope.value)
      else waiting.reject(envelope.error)
      return
    }
    let reply: Envelope
    try {
      reply = { kind: 'reply', id: envelope.id, ok: true, value: (await this.handler(envelope.call)) ?? null }
    } catch (error) {
      reply = { kind: 'reply', id: envelope.id, ok: false, error: this.failureOf(error) }
    }
    await this.pub.publish(this.inboxPrefix + envelope.from, JSON.stringify(reply)).catch((error: unknown) => this.log.warn({ err: error }, 'could not send a reply to another node'))
  }
}
