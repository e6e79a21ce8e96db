/**
 * Runs the pure router live, per tenant: every input event goes through the same reducer
 * the replay uses and is followed by a routing pass at the event's own time, decisions are
 * applied as events, and everything is appended to the tenant's routing log — so replaying
 * the log (domain/router.ts replay) yields exactly the live decisions. Timers submit `tick`
 * events for ring timeouts, relaxation steps and hold expiries. Holds reserve an agent for a
 * proactive offer (hold / release); how a hold ended is reported through onHoldEnded.
 */
import {
  applyEvent,
  chooseHoldAgent,
  decisionEvent,
  emptyRoutingState,
  expiredHolds,
  route,
  type ChannelKind,
  type HoldWanted,
  type RouterSettings,
  type RoutingDecision,
  type RoutingEvent,
  type RoutingState,
} from '../domain/router.js'
import { serializeRoutingEvent } from '../domain/routing-log.js'
import type { Logger } from '../log.js'
import type { Database } from '../store/database.js'
import type { RoutingDirectory } from './routing-directory.js'

interface TenantEngine {
  state: RoutingState
  settings: RouterSettings
  /** events submitted while a pass runs (a decision's side effect may submit) */
  inbox: RoutingEvent[]
  running: boolean
  /** settings were read from the tenant at least once */
  configured: boolean
  notifyScheduled: boolean
  timer: ReturnType<typeof setTimeout> | null
  timerAt: number
}

/** How long the log writer waits to batch entries. */
const LOG_FLUSH_MS = 250

export class RoutingEngine {
  /** carry out a decision (notify the agent; set them Not ready after a missed offer) */
  onDecision: (tenantId: string, decision: RoutingDecision) => void = () => {}
  /** an agent's ringing offer was pulled because they left Ready or disconnected (tell their console) */
  onOfferPulled: (tenantId: string, agentId: string, requestId: string) => void = () => {}
  /** a hold ran out, or was lost because its agent left Ready or disconnected (not called for release) */
  onHoldEnded: (tenantId: string, holdId: string, agentId: string, reason: 'expired' | 'lost') => void = () => {}
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

  /**
   * Reserve the best free agent for `wanted` until `expiresAt` (a proactive offer's lifetime):
   * they are offered nothing else meanwhile. Null when nobody qualified is free.
   */
  hold(tenantId: string, holdId: string, wanted: HoldWanted, expiresAt: number): { agentId: string; kind: ChannelKind } | null {
    const engine = this.engine(tenantId)
    const chosen = chooseHoldAgent(engine.state, wanted)
    if (!chosen) return null
    this.submit(tenantId, { type: 'hold-placed', at: Date.now(), holdId, agentId: chosen.agentId, kind: chosen.kind, expiresAt })
    // the agent may have gone between choosing and placing (submitted while a pass runs)
    return engine.state.agents.get(chosen.agentId)?.holding?.holdId === holdId || engine.running ? { agentId: chosen.agentId, kind: chosen.kind } : null
  }

  /** End a hold (the shopper answered, or the offer was withdrawn); a hold already gone is ignored. */
  release(tenantId: string, holdId: string, agentId: string): void {
    if (this.engine(tenantId).state.agents.get(agentId)?.holding?.holdId !== holdId) return
    this.submit(tenantId, { type: 'hold-released', at: Date.now(), holdId, agentId })
  }

  /** The agent a hold is on, while it lasts. */
  holder(tenantId: string, holdId: string, agentId: string): boolean {
    return this.engine(tenantId).state.agents.get(agentId)?.holding?.holdId === holdId
  }

  /** Feed one event; a routing pass at the event's time follows at once. */
  submit(tenantId: string, event: RoutingEvent): void {
    const engine = this.engine(tenantId)
    engine.inbox.push(event)
    if (engine.running || this.closed) return
    engine.running = true
    try {
      for (let next = engine.inbox.shift(); next; next = engine.inbox.shift()) {
        if (next.type === 'settings') engine.settings = next.settings
        const agentId = next.type === 'agent-state' || next.type === 'agent-connection' || next.type === 'agent-removed' ? next.agentId : null
        const ringing = agentId ? engine.state.agents.get(agentId)?.offering : null
        const held = agentId ? engine.state.agents.get(agentId)?.holding : null
        applyEvent(engine.state, next, engine.settings)
        this.record(tenantId, next)
        if (agentId && ringing && !engine.state.agents.get(agentId)?.offering) this.onOfferPulled(tenantId, agentId, ringing)
        if (agentId && held && engine.state.agents.get(agentId)?.holding?.holdId !== held.holdId) this.holdEnded(tenantId, held.holdId, agentId, 'lost')
        this.pass(tenantId, next.at)
      }
    } finally {
      engine.running = false
    }
    this.armTimer(tenantId, Date.now())
    this.notifyChanged(tenantId)
  }

  /** Use the tenant's current settings (ring timeout, aging, no-answer rule); logged, so replays use them too. */
  async configure(tenantId: string): Promise<void> {
    const { settings } = await this.directory.get(tenantId)
    const next: RouterSettings = {
      ringTimeoutMs: settings.ringTimeoutSec * 1000,
      agePerPriorityMs: settings.agePerPrioritySec * 1000,
      notReadyOnNoAnswer: settings.notReadyOnNoAnswer,
    }
    const engine = this.engine(tenantId)
    if (JSON.stringify(next) === JSON.stringify(engine.settings) && engine.configured) return
    engine.settings = next
    engine.configured = true
    this.submit(tenantId, { type: 'settings', at: Date.now(), settings: next })
  }

  /** Write buffered log entries now (tests and shutdown). */
  flush(): Promise<void> {
    return this.flushLog()
  }

  async close(): Promise<void> {
    this.closed = true
    for (const engine of this.tenants.values()) if (engine.timer) clearTimeout(engine.timer)
    await this.flushLog()
  }

  private engine(tenantId: string): TenantEngine {
    let engine = this.tenants.get(tenantId)
    if (!engine) {
      engine = { state: emptyRoutingState(), settings: { ringTimeoutMs: 20_000, agePerPriorityMs: 60_000, notReadyOnNoAnswer: true }, inbox: [], running: false, configured: false, notifyScheduled: false, timer: null, timerAt: 0 }
      this.tenants.set(tenantId, engine)
      void this.configure(tenantId).catch((error: unknown) => this.log.warn({ err: error, tenantId }, 'routing settings unavailable, using defaults'))
    }
    return engine
  }

  private pass(tenantId: string, now: number): void {
    const engine = this.engine(tenantId)
    for (const expired of expiredHolds(engine.state, now)) {
      const event = decisionEvent(expired, now)
      applyEvent(engine.state, event, engine.settings)
      this.record(tenantId, event)
      this.holdEnded(tenantId, expired.holdId, expired.agentId, 'expired')
    }
    for (const decision of route(engine.state, now, engine.settings)) {
      const event = decisionEvent(decision, now)
      applyEvent(engine.state, event, engine.settings)
      this.record(tenantId, event)
      try {
        this.onDecision(tenantId, decision)
      } catch (error) {
        this.log.error({ err: error, decision }, 'routing decision failed')
      }
    }
  }

  private holdEnded(tenantId: string, holdId: string, agentId: string, reason: 'expired' | 'lost'): void {
    try {
      this.onHoldEnded(tenantId, holdId, agentId, reason)
    } catch (error) {
      this.log.error({ err: error, holdId }, 'hold end handler failed')
    }
  }

  /** Listeners (positions, presence, supervisors) hear once per burst of events. */
  private notifyChanged(tenantId: string): void {
    const engine = this.engine(tenantId)
    if (engine.notifyScheduled) return
    engine.notifyScheduled = true
    queueMicrotask(() => {
      engine.notifyScheduled = false
      for (const listener of this.changeListeners) {
        try {
          listener(tenantId)
        } catch (error) {
          this.log.error({ err: error }, 'routing change listener failed')
        }
      }
    })
  }

  /** Wake up for the next ring timeout or relaxation step. */
  private armTimer(tenantId: string, now: number): void {
    const engine = this.engine(tenantId)
    let next = Infinity
    for (const agent of engine.state.agents.values()) if (agent.holding) next = Math.min(next, agent.holding.expiresAt)
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
    this.logBuffer.push({ tenantId, at: new Date(event.at), type: event.type, payload: serializeRoutingEvent(event) })
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
