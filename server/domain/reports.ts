/**
 * Contact-center reports as pure functions over stored rows: queues (requests) and agents
 * (state changes, participations, offers); domain/activity-reports.ts has the funnel,
 * attendance and calls. The report service loads a period's rows, these functions count.
 * Times are epoch ms; hours and days are the tenant's local.
 */
import { localParts } from './zoned-time.js'

export interface ReportRange {
  /** inclusive, epoch ms */
  from: number
  /** exclusive, epoch ms */
  to: number
  timeZone: string
  /** figures stop at `now` for a period still running */
  now: number
}

// ---- queues ---------------------------------------------------------------------------

export interface RequestRow {
  id: string
  queueId: string | null
  status: string
  createdAt: number
  acceptedAt: number | null
  endedAt: number | null
  scheduledFor: number | null
}

export interface QueueFigures {
  /** entered the queue */
  offered: number
  answered: number
  /** the visitor vanished while waiting */
  abandoned: number
  /** the visitor chose to leave */
  cancelled: number
  /** still waiting */
  waiting: number
  answeredWithinSl: number
  /** mean wait of answered requests, seconds */
  avgWaitSec: number | null
  maxWaitSec: number | null
  /** mean time to abandon (abandoned + cancelled), seconds */
  avgAbandonSec: number | null
  /** (abandoned + cancelled) / offered */
  abandonRate: number | null
  /** answered within the service level / (answered + abandoned + cancelled) */
  serviceLevel: number | null
}

interface Acc {
  offered: number
  answered: number
  abandoned: number
  cancelled: number
  waiting: number
  answeredWithinSl: number
  waitMs: number
  maxWaitMs: number | null
  abandonMs: number
}

const emptyAcc = (): Acc => ({ offered: 0, answered: 0, abandoned: 0, cancelled: 0, waiting: 0, answeredWithinSl: 0, waitMs: 0, maxWaitMs: null, abandonMs: 0 })

const round1 = (value: number) => Math.round(value * 10) / 10
const ratio = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 10_000) / 10_000 : null)

function figures(acc: Acc): QueueFigures {
  const left = acc.abandoned + acc.cancelled
  return {
    offered: acc.offered,
    answered: acc.answered,
    abandoned: acc.abandoned,
    cancelled: acc.cancelled,
    waiting: acc.waiting,
    answeredWithinSl: acc.answeredWithinSl,
    avgWaitSec: acc.answered > 0 ? round1(acc.waitMs / acc.answered / 1000) : null,
    maxWaitSec: acc.maxWaitMs === null ? null : round1(acc.maxWaitMs / 1000),
    avgAbandonSec: left > 0 ? round1(acc.abandonMs / left / 1000) : null,
    abandonRate: ratio(left, acc.offered),
    serviceLevel: ratio(acc.answeredWithinSl, acc.answered + left),
  }
}

/** A request that never entered the queue: booked and cancelled before its slot. */
const neverQueued = (r: RequestRow) => r.status === 'scheduled' || (r.status === 'cancelled' && r.scheduledFor !== null && r.endedAt !== null && r.endedAt < r.scheduledFor)

function add(acc: Acc, r: RequestRow, slMs: number): void {
  acc.offered++
  if (r.status === 'accepted' && r.acceptedAt !== null) {
    const wait = r.acceptedAt - r.createdAt
    acc.answered++
    acc.waitMs += wait
    acc.maxWaitMs = Math.max(acc.maxWaitMs ?? 0, wait)
    if (wait <= slMs) acc.answeredWithinSl++
  } else if ((r.status === 'abandoned' || r.status === 'cancelled') && r.endedAt !== null) {
    if (r.status === 'abandoned') acc.abandoned++
    else acc.cancelled++
    acc.abandonMs += r.endedAt - r.createdAt
  } else if (r.status === 'queued') {
    acc.waiting++
  }
}

export interface QueueReport {
  serviceLevelSec: number
  totals: QueueFigures
  /** index = local hour of arrival 0..23 */
  hours: (QueueFigures & { hour: number })[]
  days: (QueueFigures & { date: string })[]
  queues: (QueueFigures & { queueId: string | null })[]
}

/** Volumes, waits and abandonment by local hour of arrival, by day and by queue. */
export function queueReport(rows: readonly RequestRow[], range: ReportRange, serviceLevelSec: number): QueueReport {
  const slMs = serviceLevelSec * 1000
  const totals = emptyAcc()
  const hours = Array.from({ length: 24 }, emptyAcc)
  const days = new Map<string, Acc>()
  const queues = new Map<string | null, Acc>()
  for (const row of rows) {
    if (row.createdAt < range.from || row.createdAt >= range.to || neverQueued(row)) continue
    const local = localParts(row.createdAt, range.timeZone)
    add(totals, row, slMs)
    add(hours[local.hour]!, row, slMs)
    if (!days.has(local.date)) days.set(local.date, emptyAcc())
    add(days.get(local.date)!, row, slMs)
    if (!queues.has(row.queueId)) queues.set(row.queueId, emptyAcc())
    add(queues.get(row.queueId)!, row, slMs)
  }
  return {
    serviceLevelSec,
    totals: figures(totals),
    hours: hours.map((acc, hour) => ({ hour, ...figures(acc) })),
    days: [...days].sort(([a], [b]) => (a < b ? -1 : 1)).map(([date, acc]) => ({ date, ...figures(acc) })),
    queues: [...queues].map(([queueId, acc]) => ({ queueId, ...figures(acc) })),
  }
}

// ---- agents ---------------------------------------------------------------------------

export interface StateChangeRow {
  agentId: string
  state: string
  at: number
}

export interface ParticipationRow {
  agentId: string
  channelId: string
  joinedAt: number
  leftAt: number | null
}

/** Routing log decisions and answers that name an agent. */
export interface OfferRow {
  type: 'offer-made' | 'offer-accepted' | 'offer-declined' | 'offer-expired'
  agentId: string
  requestId: string
  at: number
}

export interface AgentFigures {
  agentId: string
  /** conversations joined in the period */
  handled: number
  /** mean time in a conversation (ended ones), seconds */
  avgHandleSec: number | null
  /** time with at least one conversation open, seconds */
  handlingSec: number
  /** seconds per state in the period */
  stateSec: Record<string, number>
  /** Ready + Busy + Wrap-up */
  staffedSec: number
  /** handling / staffed */
  occupancy: number | null
  offers: { made: number; accepted: number; declined: number; rangOut: number }
}

const STAFFED = new Set(['ready', 'busy', 'wrap_up'])

/** Sum of the lengths of the union of intervals (each already clipped). */
export function unionLength(intervals: readonly [number, number][]): number {
  const sorted = intervals.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0])
  let total = 0
  let start = -Infinity
  let end = -Infinity
  for (const [a, b] of sorted) {
    if (a > end) {
      if (end > start) total += end - start
      start = a
      end = b
    } else if (b > end) end = b
  }
  if (end > start) total += end - start
  return total
}

/**
 * Per-agent figures. `changes` must include each agent's last change before the period (the
 * state they were in when it began); an agent without any is offline until their first.
 */
export function agentReport(agentIds: readonly string[], changes: readonly StateChangeRow[], participations: readonly ParticipationRow[], offers: readonly OfferRow[], range: ReportRange): AgentFigures[] {
  const end = Math.min(range.to, range.now)
  const clip = (a: number, b: number): [number, number] => [Math.max(a, range.from), Math.min(b, end)]
  return agentIds.map((agentId) => {
    const own = changes.filter((c) => c.agentId === agentId).sort((a, b) => a.at - b.at)
    const stateSec: Record<string, number> = {}
    let state = 'offline'
    let since = range.from
    for (const change of own) {
      if (change.at > since) {
        const [a, b] = clip(since, change.at)
        if (b > a) stateSec[state] = (stateSec[state] ?? 0) + (b - a)
      }
      state = change.state
      since = Math.max(since, change.at)
    }
    const [a, b] = clip(since, end)
    if (b > a) stateSec[state] = (stateSec[state] ?? 0) + (b - a)
    for (const key of Object.keys(stateSec)) stateSec[key] = round1(stateSec[key]! / 1000)
    const staffedSec = round1(Object.entries(stateSec).reduce((sum, [key, sec]) => (STAFFED.has(key) ? sum + sec : sum), 0))

    const mine = participations.filter((p) => p.agentId === agentId)
    const handledRows = mine.filter((p) => p.joinedAt >= range.from && p.joinedAt < range.to)
    const ended = handledRows.filter((p) => p.leftAt !== null)
    const handlingMs = unionLength(mine.map((p) => clip(p.joinedAt, p.leftAt ?? range.now)))
    const handlingSec = round1(handlingMs / 1000)
    const mineOffers = offers.filter((o) => o.agentId === agentId && o.at >= range.from && o.at < range.to)
    const count = (type: OfferRow['type']) => mineOffers.filter((o) => o.type === type).length
    return {
      agentId,
      handled: handledRows.length,
      avgHandleSec: ended.length > 0 ? round1(ended.reduce((sum, p) => sum + (p.leftAt! - p.joinedAt), 0) / ended.length / 1000) : null,
      handlingSec,
      stateSec,
      staffedSec,
      occupancy: staffedSec > 0 ? Math.min(1, ratio(handlingSec, staffedSec) ?? 0) : null,
      offers: { made: count('offer-made'), accepted: count('offer-accepted'), declined: count('offer-declined'), rangOut: count('offer-expired') },
    }
  })
}
