/** The service layer, wired together once per process (see app.ts). */
import type { Config } from '../config.js'
import type { Logger } from '../log.js'
import type { Database } from '../store/database.js'
import type { EventStore } from '../store/event-store.js'
import { SessionService } from '../auth/session-service.js'
import { VisitorTokens } from '../auth/visitor-token.js'
import { AgentService } from './agent-service.js'
import { ChannelService } from './channel-service.js'
import { ChatService } from './chat-service.js'
import { EventLog } from './event-log.js'
import type { Notifier } from './notifier.js'
import { PresenceService } from './presence-service.js'
import { QueueService } from './queue-service.js'
import { TenantDirectory } from './tenant-directory.js'
import { VisitorService } from './visitor-service.js'

export interface Services {
  tenants: TenantDirectory
  visitors: VisitorService
  sessions: SessionService
  agents: AgentService
  events: EventLog
  channels: ChannelService
  queue: QueueService
  chat: ChatService
  presence: PresenceService
}

export function createServices(db: Database, eventStore: EventStore, config: Config, notifier: Notifier, log: Logger): Services {
  const events = new EventLog(eventStore, log.child({ part: 'event-log' }))
  events.onCommit = (committed) => notifier.channelEvents(committed)
  const agents = new AgentService(db, notifier)
  const channels = new ChannelService(db, events, agents, notifier, log.child({ part: 'channels' }))
  const queue = new QueueService(db, agents, channels, notifier, log.child({ part: 'queue' }))
  agents.onAvailabilityChange = (tenantId) => queue.scheduleReplan(tenantId)
  channels.onEnded = (channel) => queue.scheduleReplan(channel.tenantId)
  return {
    tenants: new TenantDirectory(db, log.child({ part: 'tenants' })),
    visitors: new VisitorService(db, new VisitorTokens(config.SECRET)),
    sessions: new SessionService(db, config.SESSION_TTL_MS),
    agents,
    events,
    channels,
    queue,
    chat: new ChatService(channels, events, notifier, log.child({ part: 'chat' })),
    presence: new PresenceService({ visitorGoneMs: config.VISITOR_GONE_MS, agentGoneMs: config.AGENT_GONE_MS }, agents, channels, queue, log.child({ part: 'presence' })),
  }
}

/** Rebuild in-memory state from the store after a (re)start. */
export async function bootServices(services: Services): Promise<void> {
  const open = await services.channels.boot()
  await services.queue.boot()
  const waiting = services.queue.waitingVisitors()
  services.presence.boot(open, waiting)
}

/** Stop timers and write what is pending. */
export async function closeServices(services: Services): Promise<void> {
  services.presence.close()
  services.chat.close()
  await services.events.drain()
  await services.channels.close()
}
