/**
 * What the website shows next to the button: agents available, queue lengths and the wait
 * a newcomer can expect, per tenant and queue. Served as a cacheable snapshot and as one
 * live stream per page; updates are coalesced (at most one per interval per tenant) and
 * only sent when something a visitor would see changed.
 */
import type { PresenceView } from '../../web/protocol/views.js'
import { isRoutable, canTake } from '../domain/router.js'
import { proficiencyFor } from '../domain/skill-requirement.js'
import type { Logger } from '../log.js'
import type { QueueService } from './queue-service.js'
import type { RoutingDirectory } from './routing-directory.js'
import type { RoutingEngine } from './routing-engine.js'
import type { WaitEstimator } from './wait-estimator.js'

export type PresenceListener = (view: PresenceView) => void

interface TenantChannel {
  listeners: Set<PresenceListener>
  last: PresenceView | null
  lastSignature: string | null
  timer: ReturnType<typeof setTimeout> | null
  lastSentAt: number
}

export class PresencePublisher {
  private readonly tenants = new Map<string, TenantChannel>()

  constructor(
    private readonly directory: RoutingDirectory,
    private readonly engine: RoutingEngine,
    private readonly queue: QueueService,
    private readonly estimator: WaitEstimator,
    private readonly log: Logger,
    private readonly intervalMs = 2_000,
  ) {
    engine.onChange((tenantId) => this.changed(tenantId))
  }

  async snapshot(tenantId: string): Promise<PresenceView> {
    const routing = await this.directory.get(tenantId)
    const state = this.engine.stateOf(tenantId)
    const waiting = this.queue.waitingIn(tenantId)
    const free = [...state.agents.values()].filter((agent) => isRoutable(agent) && canTake(agent, 'chat'))
    const queues = routing.queues.map((queue) => {
      const hard = { clauses: queue.parsed.clauses.filter((clause) => !clause.soft), minProficiency: 1 }
      const inQueue = waiting.filter((request) => request.queue?.id === queue.id).length
      const staffing = this.estimator.staffing(queue, 'chat', state, { tenantId, ...routing.settings })
      const wait = this.estimator.forArrival(queue.id, staffing, inQueue, routing.settings.defaultHandleTimeSec)
      return {
        slug: queue.slug,
        name: queue.name,
        isPublic: queue.isPublic,
        waiting: inQueue,
        agentsAvailable: free.filter((agent) => proficiencyFor(agent.skills, hard) !== null).length,
        estimate: wait ? { seconds: Math.round(wait.seconds), lowSeconds: Math.round(wait.lowSeconds), highSeconds: Math.round(wait.highSeconds) } : null,
      }
    })
    return {
      tenant: { slug: routing.slug, name: routing.name },
      agentsAvailable: free.length,
      agentsOnline: [...state.agents.values()].filter((agent) => agent.connected && agent.state !== 'offline').length,
      queueLength: waiting.length,
      queues,
      updatedAt: new Date().toISOString(),
    }
  }

  /** Follow a tenant's presence; the listener gets the current view at once. Returns the unsubscribe. */
  subscribe(tenantId: string, listener: PresenceListener): () => void {
    const channel = this.channel(tenantId)
    channel.listeners.add(listener)
    if (channel.last) listener(channel.last)
    else void this.publish(tenantId)
    return () => channel.listeners.delete(listener)
  }

  close(): void {
    for (const channel of this.tenants.values()) {
      if (channel.timer) clearTimeout(channel.timer)
      channel.listeners.clear()
    }
  }

  private channel(tenantId: string): TenantChannel {
    let channel = this.tenants.get(tenantId)
    if (!channel) this.tenants.set(tenantId, (channel = { listeners: new Set(), last: null, lastSignature: null, timer: null, lastSentAt: 0 }))
    return channel
  }

  private changed(tenantId: string): void {
    const channel = this.tenants.get(tenantId)
    if (!channel || channel.listeners.size === 0 || channel.timer) return
    const wait = Math.max(0, channel.lastSentAt + this.intervalMs - Date.now())
    channel.timer = setTimeout(() => {
      channel.timer = null
      void this.publish(tenantId)
    }, wait)
    channel.timer.unref()
  }

  private async publish(tenantId: string): Promise<void> {
    const channel = this.channel(tenantId)
    try {
      const view = await this.snapshot(tenantId)
      // Estimates drift every second; a visitor only notices changes of a quarter minute.
      const signature = JSON.stringify([view.agentsAvailable, view.agentsOnline, view.queueLength, view.queues.map((q) => [q.slug, q.waiting, q.agentsAvailable, q.estimate && Math.round(q.estimate.seconds / 15)])])
      channel.last = view
      if (signature === channel.lastSignature) return
      channel.lastSignature = signature
      channel.lastSentAt = Date.now()
      for (const listener of channel.listeners) listener(view)
    } catch (error) {
      this.log.warn({ err: error, tenantId }, 'presence snapshot failed')
    }
  }
}
