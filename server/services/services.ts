/** The service layer, wired together once per process (see app.ts). */
import type { Config } from '../config.js'
import type { Logger } from '../log.js'
import type { Database } from '../store/database.js'
import type { EventStore } from '../store/event-store.js'
import { SessionService } from '../auth/session-service.js'
import { VisitorTokens } from '../auth/visitor-token.js'
import { LinkTokens } from '../auth/link-token.js'
import type { MediaGateway } from '../../media/index.js'
import { AgentService } from './agent-service.js'
import { CallService } from './call-service.js'
import { ChannelLinks } from './channel-links.js'
import { ChannelService } from './channel-service.js'
import { ChatService } from './chat-service.js'
import { EventLog } from './event-log.js'
import { EdgeOps } from './edge-ops.js'
import { LeadingService } from './leading-service.js'
import { MediaSignaling } from './media-signaling.js'
import { MonitoringService } from './monitoring-service.js'
import type { Notifier } from './notifier.js'
import { PhoneService } from './phone-service.js'
import { PresencePublisher } from './presence-publisher.js'
import { PresenceService } from './presence-service.js'
import { QueueService } from './queue-service.js'
import { RoutingDirectory } from './routing-directory.js'
import { RoutingEngine } from './routing-engine.js'
import { SessionScheduler } from './session-scheduler.js'
import { SupervisorView } from './supervisor-view.js'
import { TenantDirectory } from './tenant-directory.js'
import { VisitorService } from './visitor-service.js'
import { WaitEstimator } from './wait-estimator.js'

export interface Services {
  tenants: TenantDirectory
  routing: RoutingDirectory
  visitors: VisitorService
  sessions: SessionService
  agents: AgentService
  events: EventLog
  channels: ChannelService
  engine: RoutingEngine
  estimator: WaitEstimator
  queue: QueueService
  scheduler: SessionScheduler
  chat: ChatService
  presence: PresenceService
  publisher: PresencePublisher
  supervision: SupervisorView
  calls: CallService
  media: MediaSignaling
  leading: LeadingService
  links: ChannelLinks
  monitoring: MonitoringService
  phone: PhoneService
  /** composite, JSON-safe operations of the socket edge (see edge-ops.ts) */
  edge: EdgeOps
}

export function createServices(db: Database, eventStore: EventStore, config: Config, notifier: Notifier, log: Logger, gateway: MediaGateway | null = null): Services {
  const events = new EventLog(eventStore, log.child({ part: 'event-log' }))
  events.onCommit = (committed) => notifier.channelEvents(committed)
  const routing = new RoutingDirectory(db, log.child({ part: 'routing-directory' }))
  const engine = new RoutingEngine(db, routing, log.child({ part: 'router' }))
  const estimator = new WaitEstimator(db)
  const agents = new AgentService(db, routing, notifier, log.child({ part: 'agents' }))
  agents.onRoutingEvent = (tenantId, event) => {
    if (event.type === 'agent-state') estimator.recordAgentState(tenantId, event.agentId, event.state, event.at)
    engine.submit(tenantId, event)
  }
  const channels = new ChannelService(db, events, agents, notifier, log.child({ part: 'channels' }))
  const tenants = new TenantDirectory(db, log.child({ part: 'tenants' }))
  const leading = new LeadingService(channels, events, tenants, routing, log.child({ part: 'leading' }))
  channels.policyOf = async (tenantId) => {
    const { settings } = await routing.get(tenantId)
    return { defaultLeader: settings.defaultLeader, scrollAndClicks: settings.shareScrollAndClicks, maskedFields: settings.maskedFields }
  }
  const queue = new QueueService(db, routing, engine, estimator, agents, channels, notifier, log.child({ part: 'queue' }))
  let media: MediaSignaling | null = null
  const calls = new CallService(db, channels, events, () => media?.available ?? false, log.child({ part: 'calls' }))
  media = new MediaSignaling(gateway, calls, channels, events, notifier, db, config.dataDir, async (tenantId) => (await routing.get(tenantId)).settings, log.child({ part: 'media' }))
  channels.callOf = (channelId) => calls.viewOf(channelId)
  channels.beforeEnd = (channelId) => calls.endFor(channelId, 'channel_ended')
  channels.onEnded = (channel) => {
    leading.forget(channel)
    supervision.refresh(channel.tenantId)
    if (!channel.queueId) return
    void routing.get(channel.tenantId).then(({ settings }) => estimator.recordHandled(channel.queueId!, (Date.now() - channel.createdAt.getTime()) / 1000, settings.defaultHandleTimeSec))
  }
  const scheduler = new SessionScheduler(queue, log.child({ part: 'scheduler' }))
  const publisher = new PresencePublisher(routing, engine, queue, estimator, log.child({ part: 'presence' }))
  const supervision = new SupervisorView(db, engine, agents, queue, channels, publisher, notifier, log.child({ part: 'supervision' }))
  channels.afterLeft = async (channel, participant) => {
    await leading.afterLeft(channel, participant)
    if (participant.role === 'supervisor') supervision.refresh(channel.tenantId)
  }
  let services: Services | null = null
  services = {
    tenants,
    routing,
    visitors: new VisitorService(db, new VisitorTokens(config.SECRET)),
    sessions: new SessionService(db, config.SESSION_TTL_MS),
    agents,
    events,
    channels,
    engine,
    estimator,
    queue,
    scheduler,
    chat: new ChatService(channels, events, notifier, log.child({ part: 'chat' })),
    presence: new PresenceService({ visitorGoneMs: config.VISITOR_GONE_MS, agentGoneMs: config.AGENT_GONE_MS }, agents, channels, queue, log.child({ part: 'presence' })),
    publisher,
    supervision,
    calls,
    media,
    leading,
    links: new ChannelLinks(new LinkTokens(config.SECRET), channels, leading, agents, routing),
    monitoring: new MonitoringService(channels, supervision),
    phone: new PhoneService(db, config, gateway, log.child({ part: 'phone' })),
    edge: new EdgeOps(() => services!),
  }
  return services
}

/** Rebuild in-memory state from the store after a (re)start. */
export async function bootServices(services: Services): Promise<void> {
  const open = await services.channels.boot()
  await services.calls.boot()
  await services.queue.boot()
  await services.phone.boot(services)
  services.presence.boot(open, services.queue.waitingVisitors())
}

/**
 * Take one tenant over on a node of several (its previous owner stopped or died): its open
 * channels, calls and waiting line from the store; presence starts with everyone's grace
 * period, cancelled for each member whose socket is still connected somewhere (`connected`).
 */
export async function bootTenant(services: Services, tenantId: string, connected: { visitors: string[]; agents: string[] }): Promise<void> {
  const open = await services.channels.boot(tenantId)
  await services.calls.boot(tenantId)
  await services.queue.boot(tenantId)
  services.presence.boot(open, services.queue.waitingVisitors().filter((visitor) => visitor.tenantId === tenantId))
  for (const visitorId of connected.visitors) services.presence.connected({ kind: 'visitor', visitorId }, tenantId)
  for (const agentId of connected.agents) services.presence.connected({ kind: 'agent', agentId }, tenantId, await services.agents.load(agentId))
}

/** Stop timers and write what is pending. */
export async function closeServices(services: Services): Promise<void> {
  // BYE every phone call while the channels can still log it
  await services.phone.close()
  services.presence.close()
  services.media.close()
  services.scheduler.close()
  services.publisher.close()
  services.supervision.close()
  services.agents.close()
  services.chat.close()
  await services.events.drain()
  await services.channels.close()
  await services.engine.close()
}
