/**
 * The management side of Parley, composed beside the live services: archive, reports,
 * metering and billing, audit log, API keys, webhooks and metrics. It listens to the live
 * services through their hooks (committed channel events, ended channels, new requests)
 * and chains onto whatever else is listening, so the live path needs no knowledge of it.
 */
import type { Config } from '../config.js'
import type { Logger } from '../log.js'
import type { Database } from '../store/database.js'
import type { MediaGateway } from '../../media/index.js'
import { ParleyMetrics } from '../observability/metrics.js'
import { ApiKeyService } from './api-keys.js'
import { ArchiveService } from './archive-service.js'
import { AuditLog } from './audit-log.js'
import { BillingService } from './billing-service.js'
import { BusinessHoursService } from './business-hours-service.js'
import type { CommittedEvent } from './event-log.js'
import { ReportService } from './report-service.js'
import { SecretBox } from './secret-box.js'
import { TeamService } from './team-service.js'
import type { Services } from './services.js'
import { UsageMeter } from './usage-meter.js'
import { WebhookDispatcher } from './webhook-dispatcher.js'

export interface Management {
  audit: AuditLog
  usage: UsageMeter
  archive: ArchiveService
  reports: ReportService
  billing: BillingService
  apiKeys: ApiKeyService
  webhooks: WebhookDispatcher
  box: SecretBox
  metrics: ParleyMetrics
  team: TeamService
  hours: BusinessHoursService
}

export function createManagement(db: Database, services: Services, config: Config, log: Logger, gateway: MediaGateway | null): Management {
  let slugs = new Map<string, string>()
  let slugsAt = 0
  /** tenant id -> slug, for metric labels (re-read at most every 30 s) */
  const tenantSlugs = async () => {
    if (Date.now() - slugsAt > 30_000) {
      slugs = new Map((await db.tenant.findMany({ select: { id: true, slug: true } })).map((row) => [row.id, row.slug]))
      slugsAt = Date.now()
    }
    return slugs
  }
  const box = new SecretBox(config.SECRET)
  const webhooks = new WebhookDispatcher(
    db,
    box,
    { timeoutMs: config.WEBHOOK_TIMEOUT_MS, retryBaseMs: config.WEBHOOK_RETRY_BASE_MS, retryMaxMs: config.WEBHOOK_RETRY_MAX_MS, maxAttempts: config.WEBHOOK_MAX_ATTEMPTS, pollMs: config.WEBHOOK_POLL_MS, allowPrivate: config.WEBHOOK_ALLOW_PRIVATE },
    log.child({ part: 'webhooks' }),
  )
  const metrics = new ParleyMetrics({
    queues: async () => {
      const now = Date.now()
      const rows: { tenant: string; queue: string; waiting: number; longestWaitSec: number }[] = []
      for (const [tenantId, slug] of await tenantSlugs()) {
        const byQueue = new Map<string, { tenant: string; queue: string; waiting: number; longestWaitSec: number }>()
        for (const request of services.queue.waitingIn(tenantId)) {
          const queue = request.queue?.slug ?? '-'
          const row = byQueue.get(queue) ?? { tenant: slug, queue, waiting: 0, longestWaitSec: 0 }
          row.waiting++
          row.longestWaitSec = Math.max(row.longestWaitSec, (now - request.enqueuedAt.getTime()) / 1000)
          byQueue.set(queue, row)
        }
        rows.push(...byQueue.values())
      }
      return rows
    },
    openChannels: async () => {
      const names = await tenantSlugs()
      const counts = new Map<string, number>()
      for (const channel of services.channels.allOpen()) counts.set(channel.tenantId, (counts.get(channel.tenantId) ?? 0) + 1)
      return [...counts].map(([tenantId, count]) => ({ tenant: names.get(tenantId) ?? tenantId, count }))
    },
    activeCalls: async () => services.calls.liveCalls().length,
    agentsByState: async () => {
      const rows: { tenant: string; state: string; count: number }[] = []
      for (const [tenantId, slug] of await tenantSlugs()) {
        const counts = new Map<string, number>()
        for (const agent of services.agents.inTenant(tenantId)) counts.set(agent.state, (counts.get(agent.state) ?? 0) + 1)
        for (const [state, count] of counts) rows.push({ tenant: slug, state, count })
      }
      return rows
    },
    mediaWorkers: async () => gateway?.workers().length ?? 0,
    webhookBacklog: () => db.webhookDelivery.count({ where: { status: 'pending' } }),
  })
  webhooks.onAttempt = (outcome) => {
    metrics.webhookAttempts.inc({ event: outcome.event, outcome: outcome.status === 'pending' ? 'retry' : outcome.status })
    metrics.webhookDuration.observe(outcome.durationMs / 1000)
  }
  const management: Management = {
    audit: new AuditLog(db),
    usage: new UsageMeter(db, log.child({ part: 'usage' })),
    archive: new ArchiveService(db, services.events, config.databaseProvider),
    reports: new ReportService(db, services.queue, services.engine),
    billing: new BillingService(db),
    apiKeys: new ApiKeyService(db),
    webhooks,
    box,
    metrics,
    team: new TeamService(db, services.agents),
    hours: new BusinessHoursService(db),
  }
  const tapLog = log.child({ part: 'management-tap' })
  const failed = (what: string) => (error: unknown) => tapLog.error({ err: error }, what)

  const previousCommit = services.events.onCommit
  services.events.onCommit = (committed) => {
    previousCommit(committed)
    for (const item of committed) {
      try {
        observe(item)
      } catch (error) {
        failed('channel event tap failed')(error)
      }
    }
  }
  const observe = ({ event }: CommittedEvent) => {
    metrics.channelEvents.inc({ type: event.type })
    const tenantId = services.channels.tenantOf(event.channelId)
    switch (event.type) {
      case 'channel.opened':
        metrics.channelsOpened.inc()
        if (tenantId) void channelStarted(tenantId, event.channelId).catch(failed('could not report a started channel'))
        break
      case 'channel.ended':
        metrics.channelsEnded.inc({ reason: event.payload.reason })
        break
      case 'call.started':
        metrics.callsStarted.inc({ kind: event.payload.video ? 'video' : 'voice' })
        break
      case 'call.ended':
        metrics.callsEnded.inc({ reason: event.payload.reason })
        metrics.callSeconds.inc(event.payload.seconds)
        if (tenantId) void callEnded(tenantId, event.channelId, event.payload.callId).catch(failed('could not report an ended call'))
        break
      case 'media.failed':
        metrics.mediaFailures.inc({ reason: event.payload.reason })
        break
    }
  }
  const channelStarted = async (tenantId: string, channelId: string) => {
    const channel = await db.channel.findUnique({ where: { id: channelId }, select: { request: { select: { createdAt: true, acceptedAt: true } } } })
    if (channel?.request.acceptedAt) metrics.queueWait.observe((channel.request.acceptedAt.getTime() - channel.request.createdAt.getTime()) / 1000)
    await webhooks.emit(tenantId, 'channel.started', { channel: await management.archive.summaryForTenant(tenantId, channelId) })
  }
  const callEnded = async (tenantId: string, channelId: string, callId: string) => {
    const call = await db.call.findUnique({ where: { id: callId } })
    if (!call) return
    await webhooks.emit(tenantId, 'call.ended', {
      call: { id: call.id, channelId, video: call.video, endReason: call.endReason, requestedAt: call.requestedAt.toISOString(), startedAt: call.startedAt?.toISOString() ?? null, endedAt: call.endedAt?.toISOString() ?? null },
    })
  }

  const previousEnded = services.channels.onEnded
  services.channels.onEnded = (channel) => {
    previousEnded(channel)
    void (async () => {
      await management.usage.recordChannelEnded(channel.id)
      await webhooks.emit(channel.tenantId, 'channel.ended', { channel: await management.archive.summaryForTenant(channel.tenantId, channel.id) })
    })().catch(failed('could not meter or report an ended channel'))
  }

  const previousCreated = services.queue.onCreated
  services.queue.onCreated = (request) => {
    previousCreated(request)
    metrics.requestsCreated.inc({ kind: request.kind })
    void management.usage.recordHit({ id: request.id, tenantId: request.tenantId, kind: request.kind, createdAt: request.enqueuedAt })
  }

  gateway?.on('worker-died', () => metrics.mediaFailures.inc({ reason: 'worker-died' }))
  return management
}

/** After the live services booted: meter what a crash left unmetered, start sending webhooks. */
export async function bootManagement(management: Management): Promise<void> {
  await management.usage.sweep()
  management.webhooks.start()
}

export async function closeManagement(management: Management): Promise<void> {
  await management.webhooks.close()
}
