/**
 * Runs the pure router live, per tenant: every input event goes through the same reducer
 * the replay uses, a routing pass follows (coalesced per tick), decisions are applied as
 * events, and everything is appended to the tenant's routing log so it can be replayed.
 * Timers wake it for ring timeouts and relaxation steps.
 */
import {
  applyEvent,
  decisionEvent,
  emptyRoutingState,
  route,
  type RouterSettings,
  type RoutingDecision,
  type RoutingEvent,
  type RoutingState,
} from '../domain/router.js'
import type { Logger } from '../log.js'
import type { Database } from '../store/database.js'
import type { RoutingDirectory } from './routing-directory.js'

interface TenantEngine {
  state: RoutingState
  settings: RouterSettings
  scheduled: boolean
  timer: ReturnType<typeof setTimeout> | null
  timerAt: number
}

/** How long the log writer waits to batch entries. */
const LOG_FLUSH_MS = 250

export class RoutingEngine {
  /** carry out a decision (notify the agent; set them Not ready after a missed offer) */
  onDecision: (tenantId: string, decision: RoutingDecision) => void = () => {}
  private readonly changeListeners = new Set<(tenantId: string) => void>()

  private readonly tenants = new Map<string, TenantEngine>()
  private logBuffer: { tenantId: string; at: Date; type: string; payload: string }[] = []
  private logTimer: ReturnType<typeof setTimeout> | null = null
  private closed = false

  constructor(
    private readonly db: Database,
    private readonly directory: RoutingDirectory,
    private readonly log: Logger,
  ) {}

  /** The tenant's routing state (read-only for callers). */
  stateOf(tenantId: string): RoutingState {
    return this.engine(tenantId).state
  }

  /** Called after every routing pass: positions, estimates and presence may have moved. */
  onChange(listener: (tenantId: string) => void): void {
    this.changeListeners.add(listener)
  }

  settingsOf(tenantId: string): RouterSettings {
    return this.engine(tenantId).settings
  }

  /** Feed one event; a routing pass follows in the same tick. */
  submit(tenantId: string, event: RoutingEvent): void {
    const engine = this.engine(tenantId)
    applyEvent(engine.state, event, engine.settings)
    this.record(tenantId, event)
    this.schedule(tenantId)
  }

  /** Use the tenant's current settings (ring timeout, aging, no-answer rule). */
  async configure(tenantId: string): Promise<void> {
    const { settings } = await this.directory.get(tenantId)
    this.engine(tenantId).settings = {
      ringTimeoutMs: settings.ringTimeoutSec * 1000,
      agePerPriorityMs: settings.agePerPrioritySec * 1000,
      notReadyOnNoAnswer: settings.notReadyOnNoAnswer,
    }
  }

  async close(): Promise<void> {
    this.closed = true
    for (const engine of this.tenants.values()) if (engine.timer) clearTimeout(engine.timer)
    await this.flushLog()
  }

  private engine(tenantId: string): TenantEngine {
    let engine = this.tenants.get(tenantId)
    if (!engine) {
      engine = { state: emptyRoutingState(), settings: { ringTimeoutMs: 20_000, agePerPriorityMs: 60_000, notReadyOnNoAnswer: true }, scheduled: false, timer: null, timerAt: 0 }
      this.tenants.set(tenantId, engine)
      void this.configure(tenantId).catch((error: unknown) => this.log.warn({ err: error, tenantId }, 'routing settings unavailable, using defaults'))
    }
    return engine
  }

  private schedule(tenantId: string): void {
    const engine = this.engine(tenantId)
    if (engine.scheduled || this.closed) return
    engine.scheduled = true
    queueMicrotask(() => {
      engine.scheduled = false
      this.pass(tenantId)
    })
  }

  private pass(tenantId: string): void {
    const engine = this.engine(tenantId)
    const now = Date.now()
    const decisions = route(engine.state, now, engine.settings)
    for (const decision of decisions) {
      const event = decisionEvent(decision, now)
      applyEvent(engine.state, event, engine.settings)
      this.record(tenantId, event)
      try {
        this.onDecision(tenantId, decision)
      } catch (error) {
        this.log.error({ err: error, decision }, 'routing decision failed')
      }
    }
    for (const listener of this.changeListeners) {
      try {
        listener(tenantId)
      } catch (error) {
        this.log.error({ err: error }, 'routing change listener failed')
      }
    }
    this.armTimer(tenantId, now)
  }

  /** Wake up for the next ring timeout or relaxation step. */
  private armTimer(tenantId: string, now: number): void {
    const engine = this.engine(tenantId)
    let next = Infinity
    for (const request of engine.state.requests.values()) {
      if (request.offer) next = Math.min(next, request.offer.expiresAt)
      for (const step of request.relaxSteps) {
        const at = request.enqueuedAt + step.afterMs
        if (at > now) next = Math.min(next, at)
      }
    }
    if (next === Infinity) {
      if (engine.timer) clearTimeout(engine.timer)
      engine.timer = null
      return
    }
    if (engine.timer && engine.timerAt === next) return
    if (engine.timer) clearTimeout(engine.timer)
    engine.timerAt = next
    engine.timer = setTimeout(() => {
      engine.timer = null
      if (!this.closed) this.submit(tenantId, { type: 'tick', at: Date.now() })
    }, Math.max(0, next - now) + 5)
    engine.timer.unref()
  }

  private record(tenantId: string, event: RoutingEvent): void {
    this.logBuffer.push({ tenantId, at: new Date(event.at), type: event.type, payload: JSON.stringify(event, (_key, value) => (value instanceof Map ? Object.fromEntries(value) : value)) })
    if (!this.logTimer) {
      this.logTimer = setTimeout(() => void this.flushLog(), LOG_FLUSH_MS)
      this.logTimer.unref()
    }
  }

  private async flushLog(): Promise<void> {
    if (this.logTimer) clearTimeout(this.logTimer)
    this.logTimer = null
    const entries = this.logBuffer
    this.logBuffer = []
    if (entries.length === 0) return
    try {
      await this.db.routingLogEntry.createMany({ data: entries })
    } catch (error) {
      this.log.warn({ err: error, entries: entries.length }, 'routing log write failed')
    }
  }
}
