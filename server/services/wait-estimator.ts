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
const HANDLE_WEIGHT = 0.1
const ARRIVAL_WEIGHT = 0.2

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

  recordAnswer(queueId: string, seconds: number, defaultHandleTimeSec: number): void {
    this.of(queueId, defaultHandleTimeSec).answerTime.add(Math.max(0, seconds))
  }

  handleTimeSec(queueId: string, defaultHandleTimeSec: number): number {
    return this.of(queueId, defaultHandleTimeSec).handleTime.mean
  }

  /** Slots (concurrent conversations) of the staffed agents qualified for the queue, and how many are in use. */
  staffing(queue: RoutingQueue, kind: 'chat' | 'call', routing: RoutingState, defaultHandleTimeSec: number): Staffing {
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
