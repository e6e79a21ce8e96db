/**
 * The waiting line: visitors' requests queue per tenant, the router (a pure function) says
 * who is offered what, and the first offered agent to accept gets the request.
 */
import type { WithdrawReason } from '../../web/protocol/events.js'
import type { RequestStatus, RequestView } from '../../web/protocol/views.js'
import { diffOffers, planOffers } from '../domain/queue-router.js'
import { ConflictError, ForbiddenError, InvalidStateError, NotFoundError } from '../errors.js'
import type { Database } from '../store/database.js'
import { newId } from '../store/ids.js'
import type { Logger } from '../log.js'
import type { AgentService } from './agent-service.js'
import type { ChannelService, OpenChannel } from './channel-service.js'
import type { Notifier } from './notifier.js'
import type { VisitorIdentity } from './visitor-service.js'

interface QueuedRequest {
  id: string
  tenantId: string
  clientRequestId: string
  question: string
  pageUrl: string | null
  createdAt: Date
  visitor: { id: string; returning: boolean; displayName: string | null }
}

export interface NewRequest {
  clientRequestId: string
  question: string
  pageUrl: string | null
}

export class QueueService {
  /** tenant id -> request id -> queued request */
  private readonly queues = new Map<string, Map<string, QueuedRequest>>()
  /** tenant id -> agent id -> offered request ids */
  private readonly offers = new Map<string, Map<string, string[]>>()
  private readonly replanScheduled = new Set<string>()
  /** last position told to each waiting visitor */
  private readonly positions = new Map<string, number>()

  constructor(
    private readonly db: Database,
    private readonly agents: AgentService,
    private readonly channels: ChannelService,
    private readonly notifier: Notifier,
    private readonly log: Logger,
  ) {}

  /** Rebuild the queues from the store (after a restart). */
  async boot(): Promise<void> {
    const rows = await this.db.request.findMany({ where: { status: 'queued' }, include: { visitor: true }, orderBy: { createdAt: 'asc' } })
    for (const row of rows) {
      this.queueOf(row.tenantId).set(row.id, {
        id: row.id,
        tenantId: row.tenantId,
        clientRequestId: row.clientRequestId,
        question: row.question,
        pageUrl: row.pageUrl,
        createdAt: row.createdAt,
        visitor: { id: row.visitorId, returning: row.visitor.visits > 1, displayName: row.visitor.displayName },
      })
    }
    for (const tenantId of this.queues.keys()) this.replan(tenantId)
  }

  /** Queue a request; the same clientRequestId from the same visitor returns the same request. */
  async create(visitor: VisitorIdentity, input: NewRequest): Promise<RequestView> {
    const existing = await this.db.request.findUnique({ where: { visitorId_clientRequestId: { visitorId: visitor.id, clientRequestId: input.clientRequestId } } })
    if (existing) return this.viewOfRow(existing, visitor)
    const active = this.requestsOf(visitor.id, visitor.tenantId)
    if (active.length > 0) throw new ConflictError('you are already waiting for an agent')
    const request: QueuedRequest = {
      id: newId('rq'),
      tenantId: visitor.tenantId,
      clientRequestId: input.clientRequestId,
      question: input.question,
      pageUrl: input.pageUrl,
      createdAt: new Date(),
      visitor: { id: visitor.id, returning: visitor.returning, displayName: visitor.displayName },
    }
    await this.db.request.create({
      data: { id: request.id, tenantId: request.tenantId, visitorId: visitor.id, clientRequestId: request.clientRequestId, question: request.question, pageUrl: request.pageUrl, createdAt: request.createdAt },
    })
    this.queueOf(request.tenantId).set(request.id, request)
    this.replan(request.tenantId)
    return this.view(request)
  }

  /** The visitor withdraws their own request. */
  async cancel(visitorId: string, tenantId: string, requestId: string): Promise<RequestView> {
    const request = this.queues.get(tenantId)?.get(requestId)
    if (!request) {
      const row = await this.db.request.findFirst({ where: { id: requestId, tenantId, visitorId } })
      if (!row) throw new NotFoundError('no such request')
      throw new InvalidStateError(`this request is already ${row.status}`)
    }
    if (request.visitor.id !== visitorId) throw new ForbiddenError('not your request')
    return this.finish(request, 'cancelled', 'cancelled')
  }

  /** The visitor vanished while waiting. */
  async abandonAllOf(visitorId: string): Promise<void> {
    for (const queue of this.queues.values()) {
      for (const request of [...queue.values()]) if (request.visitor.id === visitorId) await this.finish(request, 'abandoned', 'abandoned')
    }
  }

  /** An agent accepts an offered request: the channel opens with both in it. */
  async accept(agentId: string, tenantId: string, requestId: string): Promise<OpenChannel> {
    const agent = await this.agents.load(agentId)
    const request = this.queues.get(tenantId)?.get(requestId)
    if (!request) throw new ConflictError('this request is no longer waiting')
    const offered = this.offers.get(tenantId)?.get(agentId) ?? []
    if (!offered.includes(requestId)) {
      throw new ForbiddenError(agent.state !== 'ready' ? 'set yourself Ready to accept requests' : agent.channels.size >= agent.maxChats ? `you are at your capacity of ${agent.maxChats} chats` : 'this request is not offered to you')
    }
    const channel = await this.channels.openForRequest(
      { id: request.id, tenantId, visitorId: request.visitor.id, visitorName: request.visitor.displayName, question: request.question, pageUrl: request.pageUrl },
      agent,
    )
    this.queues.get(tenantId)?.delete(requestId)
    this.replan(tenantId, { [requestId]: 'accepted' })
    this.notifier.requestUpdated(request.visitor.id, { ...this.view(request), status: 'accepted', position: null, channelId: channel.id })
    return channel
  }

  /** Requests the agent is offered right now, oldest first. */
  offersFor(agentId: string, tenantId: string): RequestView[] {
    const queue = this.queues.get(tenantId)
    const ids = this.offers.get(tenantId)?.get(agentId) ?? []
    return ids.flatMap((id) => {
      const request = queue?.get(id)
      return request ? [this.view(request)] : []
    })
  }

  /** The visitor's requests still waiting. */
  requestsOf(visitorId: string, tenantId: string): RequestView[] {
    return [...(this.queues.get(tenantId)?.values() ?? [])].filter((request) => request.visitor.id === visitorId).map((request) => this.view(request))
  }

  /** Every visitor with a request waiting, for presence bookkeeping after a restart. */
  waitingVisitors(): { visitorId: string; tenantId: string }[] {
    return [...this.queues.values()].flatMap((queue) => [...queue.values()].map((request) => ({ visitorId: request.visitor.id, tenantId: request.tenantId })))
  }

  queueLength(tenantId: string): number {
    return this.queues.get(tenantId)?.size ?? 0
  }

  /** Re-plan soon (coalesces bursts of changes into one routing pass per tenant). */
  scheduleReplan(tenantId: string): void {
    if (this.replanScheduled.has(tenantId)) return
    this.replanScheduled.add(tenantId)
    queueMicrotask(() => {
      this.replanScheduled.delete(tenantId)
      this.replan(tenantId)
    })
  }

  /** Run the router and tell agents what changed, and waiting visitors their position. */
  replan(tenantId: string, reasons: Record<string, WithdrawReason> = {}): void {
    const queue = this.queueOf(tenantId)
    const plan = planOffers({ requests: [...queue.values()].map((r) => ({ id: r.id, enqueuedAt: r.createdAt.getTime() })), agents: this.agents.snapshots(tenantId) })
    const previous = this.offers.get(tenantId) ?? new Map<string, string[]>()
    this.offers.set(tenantId, plan.offersByAgent)
    for (const change of diffOffers(previous, plan.offersByAgent)) {
      for (const requestId of change.withdrawn) this.notifier.requestWithdrawn(change.agentId, requestId, reasons[requestId] ?? 'unavailable')
      for (const requestId of change.offered) {
        const request = queue.get(requestId)
        if (request) this.notifier.requestOffered(change.agentId, this.view(request, plan.order.indexOf(requestId) + 1))
      }
    }
    plan.order.forEach((requestId, index) => {
      const request = queue.get(requestId)!
      const position = index + 1
      if (this.positions.get(requestId) !== position) {
        this.positions.set(requestId, position)
        this.notifier.requestUpdated(request.visitor.id, this.view(request, position))
      }
    })
  }

  private async finish(request: QueuedRequest, status: Extract<RequestStatus, 'cancelled' | 'abandoned'>, reason: WithdrawReason): Promise<RequestView> {
    const endedAt = new Date()
    const updated = await this.db.request.updateMany({ where: { id: request.id, status: 'queued' }, data: { status, endedAt, endReason: status } })
    if (updated.count === 0) this.log.warn({ requestId: request.id }, 'request left the queue twice')
    this.queues.get(request.tenantId)?.delete(request.id)
    this.positions.delete(request.id)
    this.replan(request.tenantId, { [request.id]: reason })
    const view = { ...this.view(request), status, position: null }
    this.notifier.requestUpdated(request.visitor.id, view)
    return view
  }

  private queueOf(tenantId: string): Map<string, QueuedRequest> {
    let queue = this.queues.get(tenantId)
    if (!queue) this.queues.set(tenantId, (queue = new Map()))
    return queue
  }

  private view(request: QueuedRequest, position = this.positions.get(request.id) ?? null): RequestView {
    return {
      id: request.id,
      clientRequestId: request.clientRequestId,
      status: 'queued',
      question: request.question,
      pageUrl: request.pageUrl,
      createdAt: request.createdAt.toISOString(),
      position,
      channelId: null,
      visitor: request.visitor,
    }
  }

  private async viewOfRow(
    row: { id: string; clientRequestId: string; status: string; question: string; pageUrl: string | null; createdAt: Date },
    visitor: VisitorIdentity,
  ): Promise<RequestView> {
    const channel = row.status === 'accepted' ? await this.db.channel.findUnique({ where: { requestId: row.id }, select: { id: true } }) : null
    return {
      id: row.id,
      clientRequestId: row.clientRequestId,
      status: row.status as RequestStatus,
      question: row.question,
      pageUrl: row.pageUrl,
      createdAt: row.createdAt.toISOString(),
      position: this.positions.get(row.id) ?? null,
      channelId: channel?.id ?? null,
      visitor: { id: visitor.id, returning: visitor.returning, displayName: visitor.displayName },
    }
  }
}
