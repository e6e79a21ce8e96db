/**
 * Reports for supervisors and admins: loads a period's rows for one tenant and lets the pure
 * functions of domain/reports.ts count them. Periods are local days of the tenant's timezone.
 */
import { agentReport, queueReport, type AgentFigures, type QueueReport, type ReportRange } from '../domain/reports.js'
import { attendance, callsReport, routingFunnel, type AttendanceSession, type CallsReport, type RoutingFunnel, type RoutingRow } from '../domain/activity-reports.js'
import { addDays, zonedTime } from '../domain/zoned-time.js'
import type { Database } from '../store/database.js'
import type { QueueService } from './queue-service.js'
import type { RoutingEngine } from './routing-engine.js'

/** A stage of the proactive-offer funnel (shown, clicked, accepted, ...). */
export interface FunnelStage {
  id: string
  label: string
  count: number
}

/**
 * Proactive offers (cart-triggered, issue 7) report their funnel through this seam; until
 * something registers, the funnel report says proactive offers are not in use.
 */
export interface ProactiveOfferFunnel {
  funnel(tenantId: string, from: Date, to: Date): Promise<FunnelStage[]>
}

export interface ReportPeriod {
  /** local dates, inclusive */
  fromDate: string
  toDate: string
  timeZone: string
  range: ReportRange
}

export interface InQueueNow {
  queues: { queueId: string | null; slug: string | null; name: string; waiting: number; ringing: number; longestWaitSec: number }[]
  waiting: number
  at: string
}

export class ReportService {
  /** set by the proactive-offer service when it exists */
  proactiveOffers: ProactiveOfferFunnel | null = null

  constructor(
    private readonly db: Database,
    private readonly queue: QueueService,
    private readonly engine: RoutingEngine,
  ) {}

  /** The instants of a tenant's local days `fromDate`..`toDate`. */
  async period(tenantId: string, fromDate: string, toDate: string, now = Date.now()): Promise<ReportPeriod> {
    const tenant = await this.db.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { timezone: true } })
    const timeZone = tenant.timezone
    return { fromDate, toDate, timeZone, range: { from: zonedTime(fromDate, timeZone).getTime(), to: zonedTime(addDays(toDate, 1), timeZone).getTime(), timeZone, now } }
  }

  async queues(tenantId: string, period: ReportPeriod, serviceLevelSec: number): Promise<QueueReport & { queueNames: Record<string, { slug: string; name: string }> }> {
    const { range } = period
    const [rows, queues] = await Promise.all([
      this.db.request.findMany({
        where: { tenantId, createdAt: { gte: new Date(range.from), lt: new Date(range.to) } },
        select: { id: true, queueId: true, status: true, createdAt: true, acceptedAt: true, endedAt: true, scheduledFor: true },
      }),
      this.db.queue.findMany({ where: { tenantId }, select: { id: true, slug: true, name: true } }),
    ])
    const report = queueReport(
      rows.map((r) => ({ id: r.id, queueId: r.queueId, status: r.status, createdAt: r.createdAt.getTime(), acceptedAt: r.acceptedAt?.getTime() ?? null, endedAt: r.endedAt?.getTime() ?? null, scheduledFor: r.scheduledFor?.getTime() ?? null })),
      range,
      serviceLevelSec,
    )
    return { ...report, queueNames: Object.fromEntries(queues.map((q) => [q.id, { slug: q.slug, name: q.name }])) }
  }

  /** Who waits right now, per queue (live, from the router). */
  inQueueNow(tenantId: string, now = Date.now()): InQueueNow {
    const state = this.engine.stateOf(tenantId)
    const byQueue = new Map<string | null, InQueueNow['queues'][number]>()
    const waiting = this.queue.waitingIn(tenantId)
    for (const request of waiting) {
      const key = request.queue?.id ?? null
      if (!byQueue.has(key)) byQueue.set(key, { queueId: key, slug: request.queue?.slug ?? null, name: request.queue?.name ?? 'No queue', waiting: 0, ringing: 0, longestWaitSec: 0 })
      const entry = byQueue.get(key)!
      entry.waiting++
      if (state.requests.get(request.id)?.offer) entry.ringing++
      entry.longestWaitSec = Math.max(entry.longestWaitSec, Math.round((now - request.enqueuedAt.getTime()) / 1000))
    }
    return { queues: [...byQueue.values()], waiting: waiting.length, at: new Date(now).toISOString() }
  }

  async agents(tenantId: string, period: ReportPeriod): Promise<(AgentFigures & { displayName: string; role: string })[]> {
    const { range } = period
    const from = new Date(range.from)
    const to = new Date(range.to)
    const agents = await this.db.agent.findMany({ where: { tenantId }, select: { id: true, displayName: true, role: true }, orderBy: { displayName: 'asc' } })
    const ids = agents.map((a) => a.id)
    const [inRange, before, participations, routing] = await Promise.all([
      this.db.agentStateChange.findMany({ where: { agentId: { in: ids }, createdAt: { gte: from, lt: to } }, select: { agentId: true, state: true, createdAt: true } }),
      Promise.all(ids.map((agentId) => this.db.agentStateChange.findFirst({ where: { agentId, createdAt: { lt: from } }, orderBy: { createdAt: 'desc' }, select: { agentId: true, state: true, createdAt: true } }))),
      this.db.participant.findMany({
        where: { agentId: { in: ids }, role: 'agent', joinedAt: { lt: to }, OR: [{ leftAt: null }, { leftAt: { gte: from } }] },
        select: { agentId: true, channelId: true, joinedAt: true, leftAt: true },
      }),
      this.routingRows(tenantId, from, to),
    ])
    const changes = [...before.filter((c) => c !== null), ...inRange].map((c) => ({ agentId: c.agentId, state: c.state, at: c.createdAt.getTime() }))
    const offers = routing
      .filter((r): r is RoutingRow & { agentId: string; requestId: string } => r.agentId !== null && r.requestId !== null && ['offer-made', 'offer-accepted', 'offer-declined', 'offer-expired'].includes(r.type))
      .map((r) => ({ type: r.type as 'offer-made', agentId: r.agentId, requestId: r.requestId, at: r.at }))
    const figures = agentReport(
      ids,
      changes,
      participations.map((p) => ({ agentId: p.agentId!, channelId: p.channelId, joinedAt: p.joinedAt.getTime(), leftAt: p.leftAt?.getTime() ?? null })),
      offers,
      range,
    )
    return figures.map((f, i) => ({ ...f, displayName: agents[i]!.displayName, role: agents[i]!.role }))
  }

  async funnel(tenantId: string, period: ReportPeriod): Promise<{ routing: RoutingFunnel; proactive: FunnelStage[] | null }> {
    const from = new Date(period.range.from)
    const to = new Date(period.range.to)
    const rows = await this.routingRows(tenantId, from, to)
    return { routing: routingFunnel(rows, period.range), proactive: this.proactiveOffers ? await this.proactiveOffers.funnel(tenantId, from, to) : null }
  }

  async attendance(tenantId: string, period: ReportPeriod): Promise<(AttendanceSession & { question: string; agents: string[] })[]> {
    const { range } = period
    const channels = await this.db.channel.findMany({
      where: { tenantId, createdAt: { gte: new Date(range.from), lt: new Date(range.to) }, participants: { some: { role: 'visitor' } } },
      select: { id: true, createdAt: true, endedAt: true, request: { select: { question: true } }, participants: { select: { role: true, visitorId: true, agentId: true, joinedAt: true, leftAt: true } } },
    })
    const many = channels.filter((c) => new Set(c.participants.filter((p) => p.role === 'visitor').map((p) => p.visitorId)).size > 1)
    const sessions = attendance(
      many.map((c) => ({ id: c.id, createdAt: c.createdAt.getTime(), endedAt: c.endedAt?.getTime() ?? null })),
      many.flatMap((c) => c.participants.filter((p) => p.role === 'visitor' && p.visitorId).map((p) => ({ channelId: c.id, visitorId: p.visitorId!, joinedAt: p.joinedAt.getTime(), leftAt: p.leftAt?.getTime() ?? null }))),
      range.now,
    )
    const agentIds = [...new Set(many.flatMap((c) => c.participants.map((p) => p.agentId).filter((id): id is string => !!id)))]
    const names = new Map((await this.db.agent.findMany({ where: { id: { in: agentIds } }, select: { id: true, displayName: true } })).map((a) => [a.id, a.displayName]))
    const byId = new Map(many.map((c) => [c.id, c]))
    return sessions.map((s) => {
      const channel = byId.get(s.channelId)!
      return { ...s, question: channel.request.question, agents: [...new Set(channel.participants.map((p) => (p.agentId ? names.get(p.agentId) : undefined)).filter((n): n is string => !!n))] }
    })
  }

  async calls(tenantId: string, period: ReportPeriod): Promise<CallsReport> {
    const { range } = period
    const from = new Date(range.from)
    const to = new Date(range.to)
    const [calls, usage] = await Promise.all([
      this.db.call.findMany({ where: { tenantId, requestedAt: { gte: from, lt: to } }, select: { id: true, video: true, status: true, endReason: true, requestedAt: true, startedAt: true, endedAt: true } }),
      this.db.usageRecord.findMany({ where: { tenantId, kind: { in: ['media_seconds', 'pstn_seconds'] }, at: { gte: from, lt: to } }, select: { kind: true, source: true, quantity: true, at: true } }),
    ])
    return callsReport(
      calls.map((c) => ({ id: c.id, video: c.video, status: c.status, endReason: c.endReason, requestedAt: c.requestedAt.getTime(), startedAt: c.startedAt?.getTime() ?? null, endedAt: c.endedAt?.getTime() ?? null })),
      usage.map((u) => ({ kind: u.kind, source: u.source, quantity: u.quantity, at: u.at.getTime() })),
      range,
    )
  }

  /** The tenant's routing log of a period, reduced to what the reports read. */
  private async routingRows(tenantId: string, from: Date, to: Date): Promise<RoutingRow[]> {
    const rows = await this.db.routingLogEntry.findMany({
      where: { tenantId, at: { gte: from, lt: to }, type: { in: ['request-enqueued', 'request-left', 'offer-made', 'offer-accepted', 'offer-declined', 'offer-expired'] } },
      select: { type: true, at: true, payload: true },
      orderBy: { id: 'asc' },
    })
    return rows.map((row) => {
      let payload: { requestId?: string; agentId?: string; request?: { id?: string } } = {}
      try {
        payload = JSON.parse(row.payload)
      } catch {
        // an unreadable entry counts for nothing
      }
      return { type: row.type, at: row.at.getTime(), requestId: payload.requestId ?? payload.request?.id ?? null, agentId: payload.agentId ?? null }
    })
  }
}
