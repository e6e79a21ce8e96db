/**
 * The waiting line: a visitor's request gets its skills (topic, page, cart, language,
 * history) and its queue, enters the router, is offered to one agent at a time, and the
 * visitor hears their position, estimated wait and, when nobody can serve them soon, their
 * choices (keep waiting, book a later session, leave).
 */
import type { WithdrawReason } from '../../web/protocol/events.js'
import type { ChannelKind, RequestStatus, RequestView } from '../../web/protocol/views.js'
import { orderRequests, type RoutingDecision } from '../domain/router.js'
import { chooseQueue, hintsFor, requestRequirement, type SkillHint } from '../domain/skill-hints.js'
import { ConflictError, ForbiddenError, InvalidStateError, NotFoundError, ValidationError } from '../errors.js'
import type { Logger } from '../log.js'
import type { Database } from '../store/database.js'
import { newId } from '../store/ids.js'
import type { AgentService } from './agent-service.js'
import type { ChannelService, OpenChannel } from './channel-service.js'
import type { Notifier } from './notifier.js'
import type { RoutingDirectory, RoutingQueue } from './routing-directory.js'
import type { RoutingEngine } from './routing-engine.js'
import type { VisitorIdentity } from './visitor-service.js'
import type { WaitEstimator } from './wait-estimator.js'

export interface WaitingRequest {
  id: string
  tenantId: string
  clientRequestId: string
  question: string
  pageUrl: string | null
  /** when it entered the queue (or was created, while scheduled) */
  enqueuedAt: Date
  kind: ChannelKind
  queue: RoutingQueue | null
  hints: SkillHint[]
  priority: number
  status: 'queued' | 'scheduled'
  scheduledFor: Date | null
  visitor: { id: string; returning: boolean; displayName: string | null }
  /** the tenant's assumed handle time before any was measured */
  defaultHandleTimeSec: number
  /** the tenant's assumed length of an agent's absence before any was measured */
  typicalAbsenceSec: number
  /** last view sent to the visitor (to send only changes) */
  lastSent: string | null
}

export interface NewRequest {
  clientRequestId: string
  question: string
  pageUrl: string | null
  topic: string | null
  language: string | null
  cartCategories: string[]
  scheduledFor: string | null
  /** start with a chat or with a voice call */
  kind: ChannelKind
}

/** A booked session may start from a minute to two weeks ahead. */
const SCHEDULE_MIN_MS = 60_000
const SCHEDULE_MAX_MS = 14 * 24 * 3600_000

export class QueueService {
  /** a scheduled request was booked or re-booked (the scheduler arms its timers) */
  onScheduled: (request: WaitingRequest) => void = () => {}
  /** a new request entered Parley, queued or booked (metering counts it) */
  onCreated: (request: WaitingRequest) => void = () => {}

  private readonly requests = new Map<string, WaitingRequest>()

  constructor(
    private readonly db: Database,
    private readonly directory: RoutingDirectory,
    private readonly engine: RoutingEngine,
    private readonly estimator: WaitEstimator,
    private readonly agents: AgentService,
    private readonly channels: ChannelService,
    private readonly notifier: Notifier,
    private readonly log: Logger,
  ) {
    engine.onDecision = (tenantId, decision) => void this.carryOut(tenantId, decision)
    engine.onOfferPulled = (_tenantId, agentId, requestId) => this.notifier.requestWithdrawn(agentId, requestId, 'unavailable')
    engine.onChange((tenantId) => this.publishPositions(tenantId))
  }

  /** Rebuild the waiting line from the store (after a restart), keeping everyone's place. */
  async boot(tenantId?: string): Promise<void> {
    const rows = await this.db.request.findMany({ where: { status: { in: ['queued', 'scheduled'] }, ...(tenantId ? { tenantId } : {}) }, include: { visitor: true }, orderBy: { createdAt: 'asc' } })
    for (const row of rows) {
      const routing = await this.directory.get(row.tenantId)
      const request: WaitingRequest = {
        id: row.id,
        tenantId: row.tenantId,
        clientRequestId: row.clientRequestId,
        question: row.question,
        pageUrl: row.pageUrl,
        enqueuedAt: row.createdAt,
        kind: row.kind as ChannelKind,
        queue: routing.queues.find((queue) => queue.id === row.queueId) ?? null,
        hints: JSON.parse(row.hints) as SkillHint[],
        priority: row.priority,
        status: row.status as WaitingRequest['status'],
        scheduledFor: row.scheduledFor,
        visitor: { id: row.visitorId, returning: row.visitor.visits > 1, displayName: row.visitor.displayName },
        defaultHandleTimeSec: routing.settings.defaultHandleTimeSec,
        typicalAbsenceSec: routing.settings.typicalAbsenceSec,
        lastSent: null,
      }
      this.requests.set(request.id, request)
      if (request.status === 'queued') this.enqueue(request)
      else this.onScheduled(request)
    }
    const tenants = tenantId ? [{ id: tenantId }] : await this.db.tenant.findMany({ select: { id: true } })
    for (const { id } of tenants) {
      const routing = await this.directory.get(id)
      await this.engine.configure(id)
      await this.estimator.boot(routing.queues.map((queue) => ({ id: queue.id, defaultHandleTimeSec: routing.settings.defaultHandleTimeSec })))
    }
  }

  /** Queue (or book) a request; the same clientRequestId from the same visitor is the same request. */
  async create(visitor: VisitorIdentity, input: NewRequest): Promise<RequestView> {
    const existing = await this.db.request.findUnique({ where: { visitorId_clientRequestId: { visitorId: visitor.id, clientRequestId: input.clientRequestId } } })
    if (existing) return this.requests.has(existing.id) ? this.view(this.requests.get(existing.id)!) : this.viewOfRow(existing, visitor)
    if (this.requestsOf(visitor.id, visitor.tenantId).length > 0) throw new ConflictError('you are already waiting for an agent')
    const scheduledFor = input.scheduledFor ? this.checkSlot(new Date(input.scheduledFor)) : null
    const routing = await this.directory.get(visitor.tenantId)
    const profile = await this.visitorProfile(visitor.id)
    const known = (hint: SkillHint) => routing.skills.has(`${hint.key}=${hint.value}`)
    const hints = hintsFor({ pageUrl: input.pageUrl, cartCategories: input.cartCategories, language: input.language ?? profile.language ?? null, pastTopics: profile.topics }, routing.rules).filter(known)
    const publicQueues = routing.queues.filter((queue) => queue.isPublic || queue.isDefault)
    const queue = chooseQueue(input.topic ? routing.queues : publicQueues, hints, input.topic, profile.topics) as RoutingQueue | null
    if (input.topic && queue?.slug !== input.topic) throw new ValidationError(`unknown topic "${input.topic}"`)
    const request: WaitingRequest = {
      id: newId('rq'),
      tenantId: visitor.tenantId,
      clientRequestId: input.clientRequestId,
      question: input.question,
      pageUrl: input.pageUrl,
      enqueuedAt: new Date(),
      kind: input.kind,
      queue,
      hints,
      priority: queue?.priority ?? 0,
      status: scheduledFor ? 'scheduled' : 'queued',
      scheduledFor,
      visitor: { id: visitor.id, returning: visitor.returning, displayName: visitor.displayName },
      defaultHandleTimeSec: routing.settings.defaultHandleTimeSec,
      typicalAbsenceSec: routing.settings.typicalAbsenceSec,
      lastSent: null,
    }
    await this.db.request.create({
      data: {
        id: request.id,
        tenantId: request.tenantId,
        visitorId: visitor.id,
        clientRequestId: request.clientRequestId,
        question: request.question,
        pageUrl: request.pageUrl,
        createdAt: request.enqueuedAt,
        queueId: queue?.id ?? null,
        kind: request.kind,
        hints: JSON.stringify(hints),
        priority: request.priority,
        status: request.status,
        scheduledFor,
      },
    })
    await this.rememberVisitor(visitor.id, profile, input.language, queue?.slug ?? null)
    this.requests.set(request.id, request)
    this.onCreated(request)
    if (request.status === 'queued') {
      if (queue) this.estimator.recordArrival(queue.id, request.enqueuedAt.getTime(), routing.settings.defaultHandleTimeSec)
      this.enqueue(request)
    } else {
      this.onScheduled(request)
    }
    return this.view(request)
  }

  /** Overflow choice: wait for a later slot instead of now. */
  async schedule(visitorId: string, tenantId: string, requestId: string, at: string): Promise<RequestView> {
    const request = this.ownRequest(visitorId, tenantId, requestId)
    const scheduledFor = this.checkSlot(new Date(at))
    if (request.status === 'queued') this.engine.submit(tenantId, { type: 'request-left', at: Date.now(), requestId })
    await this.db.request.update({ where: { id: requestId }, data: { status: 'scheduled', scheduledFor, reminderSentAt: null } })
    request.status = 'scheduled'
    request.scheduledFor = scheduledFor
    this.onScheduled(request)
    return this.sendView(request, true)
  }

  /** A booked slot has come: the request joins the queue, ahead of walk-ins of its priority. */
  async activateScheduled(requestId: string): Promise<void> {
    const request = this.requests.get(requestId)
    if (!request || request.status !== 'scheduled') return
    const updated = await this.db.request.updateMany({ where: { id: requestId, status: 'scheduled' }, data: { status: 'queued', createdAt: new Date() } })
    if (updated.count === 0) return
    request.status = 'queued'
    request.enqueuedAt = new Date()
    request.priority += 1 // they booked: serve them before walk-ins
    this.enqueue(request)
    this.sendView(request, true)
  }

  /** Tell the visitor their booked session is near. */
  remind(requestId: string): void {
    const request = this.requests.get(requestId)
    if (request?.status === 'scheduled') this.notifier.requestReminder(request.visitor.id, this.view(request))
  }

  async cancel(visitorId: string, tenantId: string, requestId: string): Promise<RequestView> {
    if (!this.requests.has(requestId)) {
      const row = await this.db.request.findFirst({ where: { id: requestId, tenantId, visitorId }, select: { status: true } })
      if (row) throw new InvalidStateError(`this request is already ${row.status}`)
    }
    return this.finish(this.ownRequest(visitorId, tenantId, requestId), 'cancelled', 'cancelled')
  }

  /** The visitor vanished while waiting (scheduled sessions stay booked). */
  async abandonAllOf(visitorId: string): Promise<void> {
    for (const request of [...this.requests.values()]) if (request.visitor.id === visitorId && request.status === 'queued') await this.finish(request, 'abandoned', 'abandoned')
  }

  /** The agent accepts the request ringing at them: the conversation opens. */
  async accept(agentId: string, tenantId: string, requestId: string): Promise<OpenChannel> {
    const agent = await this.agents.load(agentId)
    const request = this.requests.get(requestId)
    if (!request || request.tenantId !== tenantId || request.status !== 'queued') throw new ConflictError('this request is no longer waiting')
    const offer = this.engine.stateOf(tenantId).requests.get(requestId)?.offer
    if (!offer || offer.agentId !== agentId) {
      throw new ForbiddenError(agent.state !== 'ready' && agent.state !== 'busy' ? 'set yourself Ready to accept requests' : 'this request is not offered to you (any more)')
    }
    const channel = await this.channels.openForRequest(
      { id: request.id, tenantId, visitorId: request.visitor.id, visitorName: request.visitor.displayName, question: request.question, pageUrl: request.pageUrl, kind: request.kind, queueId: request.queue?.id ?? null },
      agent,
      () => {
        this.requests.delete(requestId)
        if (request.queue) this.estimator.recordAnswer(request.queue.id, (Date.now() - (offer.expiresAt - this.engine.settingsOf(tenantId).ringTimeoutMs)) / 1000, request.defaultHandleTimeSec)
        this.engine.submit(tenantId, { type: 'offer-accepted', at: Date.now(), requestId, agentId, opens: request.kind })
      },
    )
    this.notifier.requestUpdated(request.visitor.id, { ...this.view(request), status: 'accepted', position: null, estimate: null, overflow: false, channelId: channel.id })
    return channel
  }

  async decline(agentId: string, tenantId: string, requestId: string): Promise<void> {
    const offer = this.engine.stateOf(tenantId).requests.get(requestId)?.offer
    if (!offer || offer.agentId !== agentId) throw new InvalidStateError('this request is not ringing at you')
    this.engine.submit(tenantId, { type: 'offer-declined', at: Date.now(), requestId, agentId })
    this.notifier.requestWithdrawn(agentId, requestId, 'declined')
  }

  /** Requests ringing at the agent right now. */
  offersFor(agentId: string, tenantId: string): RequestView[] {
    const state = this.engine.stateOf(tenantId)
    const offering = state.agents.get(agentId)?.offering
    const request = offering ? this.requests.get(offering) : undefined
    return request ? [this.view(request)] : []
  }

  /** The visitor's requests that are waiting or booked. */
  requestsOf(visitorId: string, tenantId: string): RequestView[] {
    return [...this.requests.values()].filter((r) => r.visitor.id === visitorId && r.tenantId === tenantId).map((r) => this.view(r))
  }

  waitingIn(tenantId: string): WaitingRequest[] {
    return [...this.requests.values()].filter((r) => r.tenantId === tenantId && r.status === 'queued')
  }

  scheduledRequests(): WaitingRequest[] {
    return [...this.requests.values()].filter((r) => r.status === 'scheduled')
  }

  /** Every visitor with a request waiting, for presence bookkeeping after a restart. */
  waitingVisitors(): { visitorId: string; tenantId: string }[] {
    return [...this.requests.values()].filter((r) => r.status === 'queued').map((r) => ({ visitorId: r.visitor.id, tenantId: r.tenantId }))
  }

  queueLength(tenantId: string): number {
    return this.waitingIn(tenantId).length
  }

  /** Positions within each queue, in router order. */
  positions(tenantId: string): Map<string, number> {
    const state = this.engine.stateOf(tenantId)
    const positions = new Map<string, number>()
    const perQueue = new Map<string, number>()
    for (const routed of orderRequests(state.requests.values(), Date.now(), this.engine.settingsOf(tenantId))) {
      const position = (perQueue.get(routed.queueId) ?? 0) + 1
      perQueue.set(routed.queueId, position)
      positions.set(routed.id, position)
    }
    return positions
  }

  view(request: WaitingRequest, position?: number | null): RequestView {
    const queued = request.status === 'queued'
    const where = queued ? (position ?? this.positions(request.tenantId).get(request.id) ?? null) : null
    const routing = this.engine.stateOf(request.tenantId)
    const offer = routing.requests.get(request.id)?.offer
    let estimate: RequestView['estimate'] = null
    let overflow = false
    if (queued && where !== null && request.queue) {
      const staffing = this.estimator.staffing(request.queue, request.kind, routing, request)
      const wait = this.estimator.forPosition(where, staffing)
      estimate = wait ? { seconds: Math.round(wait.seconds), lowSeconds: Math.round(wait.lowSeconds), highSeconds: Math.round(wait.highSeconds) } : null
      const waitedSec = (Date.now() - request.enqueuedAt.getTime()) / 1000
      // Nobody qualified is staffed (at best some are briefly away), or the wait runs past the maximum.
      overflow = estimate === null || staffing.returnSec !== undefined || waitedSec + estimate.seconds > request.queue.maxWaitSec
    }
    return {
      id: request.id,
      clientRequestId: request.clientRequestId,
      status: request.status,
      question: request.question,
      pageUrl: request.pageUrl,
      createdAt: request.enqueuedAt.toISOString(),
      position: where,
      channelId: null,
      visitor: request.visitor,
      kind: request.kind,
      queue: request.queue ? { slug: request.queue.slug, name: request.queue.name } : null,
      hints: request.hints,
      estimate,
      overflow,
      scheduledFor: request.scheduledFor?.toISOString() ?? null,
      offerExpiresAt: offer ? new Date(offer.expiresAt).toISOString() : null,
    }
  }

  private enqueue(request: WaitingRequest): void {
    this.engine.submit(request.tenantId, {
      type: 'request-enqueued',
      at: Date.now(),
      request: {
        id: request.id,
        queueId: request.queue?.id ?? '',
        kind: request.kind,
        requirement: requestRequirement(request.queue, request.hints),
        relaxSteps: request.queue?.relaxSteps ?? [],
        priority: request.priority,
        enqueuedAt: request.enqueuedAt.getTime(),
      },
    })
  }

  private async carryOut(tenantId: string, decision: RoutingDecision): Promise<void> {
    const request = this.requests.get(decision.requestId)
    if (decision.type === 'offer') {
      if (request) this.notifier.requestOffered(decision.agentId, this.view(request))
      return
    }
    this.notifier.requestWithdrawn(decision.agentId, decision.requestId, 'expired')
    const { settings } = await this.directory.get(tenantId)
    if (settings.notReadyOnNoAnswer) {
      await this.agents.force(decision.agentId, 'not_ready', 'Missed a request').catch((error: unknown) => this.log.error({ err: error }, 'could not set an agent Not ready'))
    }
  }

  /** Tell every waiting visitor of the tenant what changed for them (coalesced by the engine's pass). */
  private publishPositions(tenantId: string): void {
    const positions = this.positions(tenantId)
    for (const request of this.waitingIn(tenantId)) this.sendView(request, false, positions.get(request.id) ?? null)
  }

  private sendView(request: WaitingRequest, force: boolean, position?: number | null): RequestView {
    const view = this.view(request, position)
    // Estimates move every second; only resend when the visitor would see a difference.
    const signature = JSON.stringify([view.status, view.position, view.overflow, view.scheduledFor, view.estimate && Math.round(view.estimate.seconds / 15)])
    if (force || signature !== request.lastSent) {
      request.lastSent = signature
      this.notifier.requestUpdated(request.visitor.id, view)
    }
    return view
  }

  private ownRequest(visitorId: string, tenantId: string, requestId: string): WaitingRequest {
    const request = this.requests.get(requestId)
    if (!request || request.tenantId !== tenantId) throw new NotFoundError('no such waiting request')
    if (request.visitor.id !== visitorId) throw new ForbiddenError('not your request')
    return request
  }

  private checkSlot(at: Date): Date {
    const ahead = at.getTime() - Date.now()
    if (Number.isNaN(ahead) || ahead < SCHEDULE_MIN_MS || ahead > SCHEDULE_MAX_MS) throw new ValidationError('pick a time between one minute and two weeks from now')
    return at
  }

  private async finish(request: WaitingRequest, status: Extract<RequestStatus, 'cancelled' | 'abandoned'>, reason: WithdrawReason): Promise<RequestView> {
    const endedAt = new Date()
    const updated = await this.db.request.updateMany({ where: { id: request.id, status: { in: ['queued', 'scheduled'] } }, data: { status, endedAt, endReason: status } })
    if (updated.count === 0) this.log.warn({ requestId: request.id }, 'request left the queue twice')
    this.requests.delete(request.id)
    const offer = this.engine.stateOf(request.tenantId).requests.get(request.id)?.offer
    if (request.status === 'queued') this.engine.submit(request.tenantId, { type: 'request-left', at: endedAt.getTime(), requestId: request.id })
    if (offer) this.notifier.requestWithdrawn(offer.agentId, request.id, reason)
    const view = { ...this.view(request), status, position: null, estimate: null, overflow: false }
    this.notifier.requestUpdated(request.visitor.id, view)
    return view
  }

  private async visitorProfile(visitorId: string): Promise<{ language?: string; topics: string[] }> {
    const row = await this.db.visitor.findUnique({ where: { id: visitorId }, select: { profile: true } })
    try {
      const profile = JSON.parse(row?.profile ?? '{}') as { language?: string; topics?: string[] }
      return { language: profile.language, topics: Array.isArray(profile.topics) ? profile.topics.slice(-5) : [] }
    } catch {
      return { topics: [] }
    }
  }

  private async rememberVisitor(visitorId: string, profile: { language?: string; topics: string[] }, language: string | null, topic: string | null): Promise<void> {
    const next = { language: language ?? profile.language, topics: topic ? [...profile.topics.filter((t) => t !== topic), topic].slice(-5) : profile.topics }
    await this.db.visitor.update({ where: { id: visitorId }, data: { profile: JSON.stringify(next) } })
  }

  private async viewOfRow(
    row: { id: string; clientRequestId: string; status: string; question: string; pageUrl: string | null; createdAt: Date; kind: string; hints: string; scheduledFor: Date | null },
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
      position: null,
      channelId: channel?.id ?? null,
      visitor: { id: visitor.id, returning: visitor.returning, displayName: visitor.displayName },
      kind: row.kind as ChannelKind,
      queue: null,
      hints: JSON.parse(row.hints),
      estimate: null,
      overflow: false,
      scheduledFor: row.scheduledFor?.toISOString() ?? null,
      offerExpiresAt: null,
    }
  }
}
