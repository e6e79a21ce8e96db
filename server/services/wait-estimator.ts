/**
 * Live inputs of the wait estimates, per queue: handle times of finished conversations and
 * arrival rate (moving means), and staffing from the router's view of the agents (qualified
 * for the queue's hard requirement, logged in and not on a break).
 */
import { canTake, type RoutingState } from '../domain/router.js'
import { proficiencyFor } from '../domain/skill-requirement.js'
import { arrivalWait, MovingMean, positionWait, residualLife, type Staffing, type WaitEstimate } from '../domain/wait-estimate.js'
import type { Database } from '../store/database.js'
import type { RoutingQueue } from './routing-directory.js'

/** Agents in these states are staffing the queue (serving or about to). */
const STAFFED = new Set(['ready', 'busy', 'wrap_up'])
/** Logged in but briefly away: expected back. */
const AWAY = new Set(['not_ready', 'break', 'away'])
const ABSENCE_WEIGHT = 0.2
const HANDLE_WEIGHT = 0.1
const ARRIVAL_WEIGHT = 0.2

/** What the estimates need to know of the tenant. */
export interface EstimateSettings {
  tenantId: string
  defaultHandleTimeSec: number
  typicalAbsenceSec: number
}

interface QueueStats {
  handleTime: MovingMean
  /** mean square of handle times (their spread shortens the time left of ongoing ones) */
  handleTimeSquare: MovingMean
  /** seconds agents take to answer an offer */
  answerTime: MovingMean
  /** mean seconds between arrivals */
  interArrival: MovingMean
  lastArrivalAt: number | null
}

export class WaitEstimator {
  private readonly stats = new Map<string, QueueStats>()
  /** per agent: since when they are away (Not ready, Break, Away) */
  private readonly awaySince = new Map<string, number>()
  /** per tenant: how long absences last */
  private readonly absence = new Map<string, MovingMean>()

  constructor(private readonly db: Database) {}

  /** Seed handle times from the last conversations of each queue (after a restart). */
  async boot(queues: readonly { id: string; defaultHandleTimeSec: number }[]): Promise<void> {
    for (const queue of queues) {
      const recent = await this.db.channel.findMany({
        where: { status: 'ended', request: { queueId: queue.id } },
        orderBy: { endedAt: 'desc' },
        take: 50,
        select: { createdAt: true, endedAt: true },
      })
      const stats = this.of(queue.id, queue.defaultHandleTimeSec)
      for (const channel of recent.reverse()) {
        if (!channel.endedAt) continue
        const seconds = (channel.endedAt.getTime() - channel.createdAt.getTime()) / 1000
        stats.handleTime.add(seconds)
        stats.handleTimeSquare.add(seconds * seconds)
      }
    }
  }

  recordArrival(queueId: string, at: number, defaultHandleTimeSec: number): void {
    const stats = this.of(queueId, defaultHandleTimeSec)
    if (stats.lastArrivalAt !== null) stats.interArrival.add(Math.max(1, (at - stats.lastArrivalAt) / 1000))
    stats.lastArrivalAt = at
  }

  recordHandled(queueId: string, seconds: number, defaultHandleTimeSec: number): void {
    const stats = this.of(queueId, defaultHandleTimeSec)
    stats.handleTime.add(Math.max(1, seconds))
    stats.handleTimeSquare.add(Math.max(1, seconds) ** 2)
  }

  /** Follow agent states, to know who is away since when and how long absences last. */
  recordAgentState(tenantId: string, agentId: string, state: string, at: number): void {
    const since = this.awaySince.get(agentId)
    if (AWAY.has(state)) {
      if (since === undefined) this.awaySince.set(agentId, at)
      return
    }
    if (since === undefined) return
    this.awaySince.delete(agentId)
    if (STAFFED.has(state)) this.absenceOf(tenantId).add(Math.max(1, (at - since) / 1000))
  }

  recordAnswer(queueId: string, seconds: number, defaultHandleTimeSec: number): void {
    this.of(queueId, defaultHandleTimeSec).answerTime.add(Math.max(0, seconds))
  }

  handleTimeSec(queueId: string, defaultHandleTimeSec: number): number {
    return this.of(queueId, defaultHandleTimeSec).handleTime.mean
  }

  /** Slots (concurrent conversations) of the staffed agents qualified for the queue, and how many are in use. */
  staffing(queue: RoutingQueue, kind: 'chat' | 'call', routing: RoutingState, tenant: EstimateSettings): Staffing {
    const { defaultHandleTimeSec } = tenant
    const hard = { clauses: queue.parsed.clauses.filter((clause) => !clause.soft), minProficiency: 1 }
    let slots = 0
    let busySlots = 0
    for (const agent of routing.agents.values()) {
      if (!agent.connected || !STAFFED.has(agent.state) || proficiencyFor(agent.skills, hard) === null) continue
      if (kind === 'call') {
        slots += agent.capacity.call
        busySlots += agent.load.call > 0 || agent.load.chat > 0 ? agent.capacity.call : 0
      } else if (agent.load.call === 0 || canTake(agent, 'chat')) {
        slots += agent.capacity.chat
        busySlots += Math.min(agent.load.chat, agent.capacity.chat)
      }
    }
    const stats = this.of(queue.id, defaultHandleTimeSec)
    if (slots === 0) {
      const returning = this.returning(queue, kind, routing, tenant)
      if (returning) {
        return { ...returning, handleTimeSec: stats.handleTime.mean, residualSec: residualLife(stats.handleTime.mean, stats.handleTimeSquare.mean), answerSec: stats.answerTime.mean }
      }
    }
    return { slots, busySlots, handleTimeSec: stats.handleTime.mean, residualSec: residualLife(stats.handleTime.mean, stats.handleTimeSquare.mean), answerSec: stats.answerTime.mean }
  }

  /** For a request at 1-based `position` in its queue. */
  forPosition(position: number, staffing: Staffing): WaitEstimate | null {
    return positionWait(position, staffing)
  }

  /** For someone joining the queue now, behind `waiting` others. */
  forArrival(queueId: string, staffing: Staffing, waiting: number, defaultHandleTimeSec: number): WaitEstimate | null {
    const stats = this.of(queueId, defaultHandleTimeSec)
    return arrivalWait(1 / stats.interArrival.mean, staffing, waiting)
  }

  /**
   * Nobody qualified is staffed: the slots of those only briefly away, and when the first is
   * expected back (the typical absence less the time already away, at least a quarter of it:
   * an absence past its usual length still takes a while to end).
   */
  private returning(queue: RoutingQueue, kind: 'chat' | 'call', routing: RoutingState, tenant: EstimateSettings): { slots: number; busySlots: number; returnSec: number } | null {
    const hard = { clauses: queue.parsed.clauses.filter((clause) => !clause.soft), minProficiency: 1 }
    const typical = this.absence.get(tenant.tenantId)?.mean ?? tenant.typicalAbsenceSec
    const now = Date.now()
    let slots = 0
    let busySlots = 0
    let returnSec = Infinity
    for (const agent of routing.agents.values()) {
      if (!agent.connected || !AWAY.has(agent.state) || proficiencyFor(agent.skills, hard) === null) continue
      const away = (now - (this.awaySince.get(agent.id) ?? now)) / 1000
      returnSec = Math.min(returnSec, Math.max(typical - away, typical / 4))
      slots += agent.capacity[kind]
      busySlots += Math.min(agent.load[kind], agent.capacity[kind])
    }
    return slots > 0 ? { slots, busySlots, returnSec } : null
  }

  /** Created at the first measured absence (until then the tenant's typical absence applies). */
  private absenceOf(tenantId: string): MovingMean {
    let mean = this.absence.get(tenantId)
    if (!mean) {
      mean = new MovingMean(ABSENCE_WEIGHT, 0)
      this.absence.set(tenantId, mean)
    }
    return mean
  }

  private of(queueId: string, defaultHandleTimeSec: number): QueueStats {
    let stats = this.stats.get(queueId)
    if (!stats) {
      // Until measured: exponential-like spread (mean square 2 x mean^2) and a few seconds to answer.
      stats = {
        handleTime: new MovingMean(HANDLE_WEIGHT, defaultHandleTimeSec),
        handleTimeSquare: new MovingMean(HANDLE_WEIGHT, 2 * defaultHandleTimeSec * defaultHandleTimeSec),
        answerTime: new MovingMean(HANDLE_WEIGHT, 5),
        interArrival: new MovingMean(ARRIVAL_WEIGHT, 3600), lastArrivalAt: null }
      this.stats.set(queueId, stats)
    }
    return stats
  }
}
