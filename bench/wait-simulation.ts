/**
 * A simulated day in a contact center, routed by the real router: arrivals with a morning
 * and an afternoon peak, chats of varying length handled three at a time, shifts that start
 * and end, breaks. At every arrival the visitor is told an estimated wait by our estimator
 * (live handle time, staffed slots, busy slots, position) and by the baseline formula
 * ((position - 1) / agents + 1) * mean handle time; both are compared with the wait that
 * actually followed. Deterministic (seeded).
 */
import { applyEvent, decisionEvent, DEFAULT_ROUTER_SETTINGS, emptyRoutingState, route, type RoutingEvent } from '../server/domain/router.js'
import { parseRequirement } from '../server/domain/skill-requirement.js'
import { baselineWait, MovingMean, positionWait, residualLife } from '../server/domain/wait-estimate.js'

export interface SimulationResult {
  arrivals: number
  served: number
  meanActualWaitSec: number
  ours: { maeSec: number; biasSec: number; bandCoverage: number }
  baseline: { maeSec: number; biasSec: number }
  /** baseline MAE / our MAE */
  improvement: number
}

interface SimEvent {
  at: number
  seq: number
  run: () => void
}

class EventQueue {
  private readonly heap: SimEvent[] = []
  private seq = 0
  push(at: number, run: () => void): void {
    const heap = this.heap
    heap.push({ at, seq: this.seq++, run })
    for (let i = heap.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1
      if (this.before(heap[parent]!, heap[i]!)) break
      ;[heap[parent], heap[i]] = [heap[i]!, heap[parent]!]
      i = parent
    }
  }
  pop(): SimEvent | undefined {
    const heap = this.heap
    const top = heap[0]
    const last = heap.pop()
    if (heap.length > 0 && last) {
      heap[0] = last
      for (let i = 0; ; ) {
        const l = 2 * i + 1
        const r = l + 1
        let smallest = i
        if (l < heap.length && this.before(heap[l]!, heap[smallest]!)) smallest = l
        if (r < heap.length && this.before(heap[r]!, heap[smallest]!)) smallest = r
        if (smallest === i) break
        ;[heap[smallest], heap[i]] = [heap[i]!, heap[smallest]!]
        i = smallest
      }
    }
    return top
  }
  private before(a: SimEvent, b: SimEvent): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq)
  }
}

const HOUR = 3600_000
const MINUTE = 60_000

export function simulateDay(seed = 2026): SimulationResult {
  let state32 = seed
  const rand = () => ((state32 = (state32 * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
  const exponential = (mean: number) => -Math.log(1 - rand()) * mean
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand())
  /** chat length: log-normal, mean ~8 min, long right tail */
  const handleTime = () => Math.exp(Math.log(6.8 * MINUTE) + 0.55 * normal())

  const settings = { ...DEFAULT_ROUTER_SETTINGS, ringTimeoutMs: 30_000 }
  const state = emptyRoutingState()
  const queue = new EventQueue()
  const start = 8 * HOUR
  const end = 20 * HOUR
  const requirement = parseRequirement('*')
  const handleMean = new MovingMean(0.05, 240) // both estimators start from the tenant default and learn
  const handleSquare = new MovingMean(0.05, 240 * 240 * 2)
  const answerMean = new MovingMean(0.1, 5)
  const arrivedAt = new Map<string, number>()
  const told = new Map<string, { ours: number; low: number; high: number; baseline: number }>()
  const errors = { ours: [] as number[], baseline: [] as number[], inBand: 0, actual: [] as number[] }
  let now = start

  const submit = (event: RoutingEvent) => {
    applyEvent(state, event, settings)
    for (const decision of route(state, now, settings)) {
      applyEvent(state, decisionEvent(decision, now), settings)
      if (decision.type !== 'offer') continue
      // the agent answers after a few seconds of ringing
      queue.push(now + 2_000 + rand() * 4_000, () => accept(decision.requestId, decision.agentId))
    }
  }

  const accept = (requestId: string, agentId: string) => {
    const request = state.requests.get(requestId)
    if (!request || request.offer?.agentId !== agentId) return
    submit({ type: 'offer-accepted', at: now, requestId, agentId })
    submit({ type: 'agent-load', at: now, agentId, kind: 'chat', delta: 1 })
    answerMean.add((now - request.offer.expiresAt + settings.ringTimeoutMs) / 1000)
    const wait = (now - arrivedAt.get(requestId)!) / 1000
    const estimate = told.get(requestId)!
    errors.actual.push(wait)
    errors.ours.push(estimate.ours - wait)
    errors.baseline.push(estimate.baseline - wait)
    if (wait >= estimate.low && wait <= estimate.high) errors.inBand++
    const length = handleTime()
    queue.push(now + length, () => {
      handleMean.add(length / 1000)
      handleSquare.add((length / 1000) ** 2)
      submit({ type: 'agent-load', at: now, agentId, kind: 'chat', delta: -1 })
    })
  }

  // Shifts: early (8-14), late (11-20), a few part-timers (12-16); 30-minute breaks mid-shift.
  const shifts = [
    ...Array.from({ length: 6 }, (_, i) => ({ id: `early${i}`, from: 8 * HOUR, to: 14 * HOUR, breakAt: (10 + (i % 3) * 0.5) * HOUR })),
    ...Array.from({ length: 6 }, (_, i) => ({ id: `late${i}`, from: 11 * HOUR, to: 20 * HOUR, breakAt: (15 + (i % 3) * 0.5) * HOUR })),
    ...Array.from({ length: 3 }, (_, i) => ({ id: `part${i}`, from: 12 * HOUR, to: 16 * HOUR, breakAt: null })),
  ]
  for (const shift of shifts) {
    queue.push(shift.from, () => {
      submit({ type: 'agent-upserted', at: now, agent: { id: shift.id, state: 'ready', connected: true, skills: new Map(), capacity: { chat: 3, call: 1 }, load: { chat: 0, call: 0 }, idleSince: now } })
    })
    if (shift.breakAt !== null) {
      queue.push(shift.breakAt, () => submit({ type: 'agent-state', at: now, agentId: shift.id, state: 'break' }))
      queue.push(shift.breakAt + 30 * MINUTE, () => submit({ type: 'agent-state', at: now, agentId: shift.id, state: 'ready' }))
    }
    // at the end of the shift: no new chats (open ones are finished)
    queue.push(shift.to, () => submit({ type: 'agent-state', at: now, agentId: shift.id, state: 'not_ready' }))
  }

  // Arrivals: 40/h base, peaks of +110/h around 10:30 and +90/h around 15:00 (thinning).
  const rate = (t: number) => (40 + 110 * Math.exp(-(((t / HOUR - 10.5) / 1.1) ** 2)) + 90 * Math.exp(-(((t / HOUR - 15) / 1.3) ** 2))) / HOUR
  const peak = 200 / HOUR
  /** What the visitor arriving now is told: staffing as the router sees it, their place in line. */
  const tell = (id: string) => {
    const ahead = [...state.requests.values()].filter((r) => !r.offer).length
    const position = ahead + 1
    let staffed = 0
    let slots = 0
    let busySlots = 0
    for (const agent of state.agents.values()) {
      if (!agent.connected || agent.state !== 'ready') continue
      staffed++
      slots += agent.capacity.chat
      busySlots += agent.load.chat
    }
    busySlots += [...state.requests.values()].filter((r) => r.offer).length // ringing: slots about to be taken
    const handle = handleMean.mean
    const ours = positionWait(position, { slots, busySlots, handleTimeSec: handle, residualSec: residualLife(handle, handleSquare.mean), answerSec: answerMean.mean })
    told.set(id, { ours: ours?.seconds ?? handle * position, low: ours?.lowSeconds ?? 0, high: ours?.highSeconds ?? Infinity, baseline: baselineWait(position, staffed, handle) })
  }

  let arrivals = 0
  for (let t = start + exponential(1 / peak); t < end - HOUR; t += exponential(1 / peak)) {
    if (rand() > rate(t) / peak) continue
    const id = `rq${arrivals++}`
    queue.push(t, () => {
      arrivedAt.set(id, now)
      tell(id)
      submit({ type: 'request-enqueued', at: now, request: { id, queueId: 'q', kind: 'chat', requirement, relaxSteps: [], priority: 0, enqueuedAt: now } })
    })
  }

  for (let event = queue.pop(); event; event = queue.pop()) {
    now = event.at
    event.run()
  }

  const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length)
  const mae = (values: number[]) => mean(values.map(Math.abs))
  const round = (value: number) => Math.round(value * 10) / 10
  const oursMae = mae(errors.ours)
  const baselineMae = mae(errors.baseline)
  return {
    arrivals,
    served: errors.actual.length,
    meanActualWaitSec: round(mean(errors.actual)),
    ours: { maeSec: round(oursMae), biasSec: round(mean(errors.ours)), bandCoverage: Math.round((errors.inBand / Math.max(1, errors.actual.length)) * 1000) / 1000 },
    baseline: { maeSec: round(baselineMae), biasSec: round(mean(errors.baseline)) },
    improvement: Math.round((baselineMae / oursMae) * 100) / 100,
  }
}
