/**
 * The supervisors' live view of a tenant: queues, waiting requests, agents by state, and an
 * alert for any agent handling more than their capacity. Pushed to watching supervisors,
 * coalesced to at most one snapshot per interval.
 */
import type { SupervisorSnapshot } from '../../web/protocol/events.js'
import type { Database } from '../store/database.js'
import type { Logger } from '../log.js'
import type { AgentService } from './agent-service.js'
import type { ChannelService } from './channel-service.js'
import type { Notifier } from './notifier.js'
import type { PresencePublisher } from './presence-publisher.js'
import type { QueueService } from './queue-service.js'
import type { RoutingEngine } from './routing-engine.js'

export class SupervisorView {
  private readonly watchers = new Map<string, number>()
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>()

  constructor(
    private readonly db: Database,
    private readonly engine: RoutingEngine,
    private readonly agents: AgentService,
    private readonly queue: QueueService,
    private readonly channels: ChannelService,
    private readonly presence: PresencePublisher,
    private readonly notifier: Notifier,
    private readonly log: Logger,
    private readonly intervalMs = 1_000,
  ) {
    engine.onChange((tenantId) => this.changed(tenantId))
  }

  /** A supervisor starts watching: every agent of the tenant is loaded so none is missing. */
  async watch(tenantId: string): Promise<SupervisorSnapshot> {
    this.watchers.set(tenantId, (this.watchers.get(tenantId) ?? 0) + 1)
    const rows = await this.db.agent.findMany({ where: { tenantId }, select: { id: true } })
    for (const { id } of rows) await this.agents.load(id)
    return this.snapshot(tenantId)
  }

  unwatch(tenantId: string): void {
    const count = (this.watchers.get(tenantId) ?? 1) - 1
    if (count <= 0) this.watchers.delete(tenantId)
    else this.watchers.set(tenantId, count)
  }

  async snapshot(tenantId: string): Promise<SupervisorSnapshot> {
    const presence = await this.presence.snapshot(tenantId)
    const state = this.engine.stateOf(tenantId)
    const now = Date.now()
    const waitingRequests = this.queue.waitingIn(tenantId)
    const positions = this.queue.positions(tenantId)
    const nameOf = (agentId: string) => this.agents.get(agentId)?.displayName ?? agentId
    const waiting = waitingRequests
      .map((request) => {
        const offer = state.requests.get(request.id)?.offer
        return { ...this.queue.view(request, positions.get(request.id) ?? null), waitedSec: Math.round((now - request.enqueuedAt.getTime()) / 1000), offeredTo: offer ? nameOf(offer.agentId) : null }
      })
      .sort((a, b) => b.waitedSec - a.waitedSec)
    const agents = this.agents.inTenant(tenantId).map((agent) => {
      const view = this.agents.view(agent)
      return {
        ...view,
        connected: agent.sockets > 0,
        overCapacity: view.activeChats > agent.maxChats || view.activeCalls > agent.maxCalls,
        skills: [...agent.skills].map(([skill, proficiency]) => ({ skill, proficiency })),
      }
    })
    return {
      queues: presence.queues.map((queue) => ({
        ...queue,
        longestWaitSec: Math.max(0, ...waiting.filter((request) => request.queue?.slug === queue.slug).map((request) => request.waitedSec)),
      })),
      waiting,
      agents,
      channels: this.liveChannels(tenantId),
      alerts: agents.filter((agent) => agent.overCapacity).map((agent) => ({ agentId: agent.id, message: `${agent.displayName} has ${agent.activeChats} chats and ${agent.activeCalls} calls, over the capacity of ${agent.maxChats} chats / ${agent.maxCalls} call` })),
      updatedAt: new Date(now).toISOString(),
    }
  }

  /** Something the live view shows changed outside routing (a supervisor began or stopped monitoring). */
  refresh(tenantId: string): void {
    this.changed(tenantId)
  }

  private liveChannels(tenantId: string): SupervisorSnapshot['channels'] {
    return this.channels
      .allOpen()
      .filter((channel) => channel.tenantId === tenantId)
      .map((channel) => {
        const present = [...channel.participants.values()].filter((p) => !p.leftAt)
        return {
          id: channel.id,
          kind: channel.kind,
          question: channel.question,
          openedAt: channel.createdAt.toISOString(),
          agents: present.filter((p) => p.role === 'agent').map((p) => p.name),
          visitors: present.filter((p) => p.role === 'visitor').length,
          monitoredBy: present.filter((p) => p.role === 'supervisor').map((p) => p.name),
          inCall: this.channels.callOf(channel.id)?.status === 'active',
        }
      })
      .sort((a, b) => a.openedAt.localeCompare(b.openedAt))
  }

  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer)
    this.timers.clear()
  }

  private changed(tenantId: string): void {
    if (!this.watchers.has(tenantId) || this.timers.has(tenantId)) return
    const timer = setTimeout(() => {
      this.timers.delete(tenantId)
      this.snapshot(tenantId).then(
        (snapshot) => this.notifier.supervisorSnapshot(tenantId, snapshot),
        (error: unknown) => this.log.warn({ err: error }, 'supervisor snapshot failed'),
      )
    }, this.intervalMs)
    timer.unref()
    this.timers.set(tenantId, timer)
  }
}
