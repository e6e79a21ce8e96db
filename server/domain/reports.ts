/**
 * Contact-center reports as pure functions over stored rows (requests, agent state changes,
 * participations, routing log entries, calls, usage): the report service loads the rows of
 * a period, these functions count. Times are epoch ms; hours and days are the tenant's local.
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

// ---- offers funnel --------------------------------------------------------------------

export interface RoutingRow {
  type: string
  at: number
  requestId: string | null
  agentId: string | null
}

export interface RoutingFunnel {
  /** requests that entered the queue */
  enqueued: number
  /** requests offered to at least one agent */
  offered: number
  /** requests accepted by an agent */
  accepted: number
  /** offered, then left the queue unanswered */
  lostAfterOffer: number
  /** left the queue without ever ringing at an agent */
  lostBeforeOffer: number
  /** offers made (a request may ring at several agents) */
  offersMade: number
  declined: number
  /** ring-no-answer */
  rangOut: number
  /** mean offers per accepted request */
  offersPerAccepted: number | null
}

/** The routing funnel: queued -> rang at an agent -> accepted, from the routing log. */
export function routingFunnel(rows: readonly RoutingRow[], range: Pick<ReportRange, 'from' | 'to'>): RoutingFunnel {
  const enqueued = new Set<string>()
  const offered = new Set<string>()
  const accepted = new Set<string>()
  const left = new Set<string>()
  let offersMade = 0
  let declined = 0
  let rangOut = 0
  for (const row of rows) {
    if (row.at < range.from || row.at >= range.to || !row.requestId) continue
    if (row.type === 'request-enqueued') enqueued.add(row.requestId)
    else if (row.type === 'offer-made') (offersMade++, offered.add(row.requestId))
    else if (row.type === 'offer-accepted') accepted.add(row.requestId)
    else if (row.type === 'offer-declined') declined++
    else if (row.type === 'offer-expired') rangOut++
    else if (row.type === 'request-left') left.add(row.requestId)
  }
  // Only requests that entered in the period: its funnel is not skewed by yesterday's queue.
  const inPeriod = (set: Set<string>) => [...set].filter((id) => enqueued.has(id))
  const lost = [...left].filter((id) => enqueued.has(id) && !accepted.has(id))
  return {
    enqueued: enqueued.size,
    offered: inPeriod(offered).length,
    accepted: inPeriod(accepted).length,
    lostAfterOffer: lost.filter((id) => offered.has(id)).length,
    lostBeforeOffer: lost.filter((id) => !offered.has(id)).length,
    offersMade,
    declined,
    rangOut,
    offersPerAccepted: accepted.size > 0 ? round1(offersMade / accepted.size) : null,
  }
}

// ---- one-to-many attendance -----------------------------------------------------------

export interface AttendanceParticipant {
  channelId: string
  visitorId: string
  joinedAt: number
  leftAt: number | null
}

export interface AttendanceSession {
  channelId: string
  startedAt: number
  endedAt: number | null
  /** distinct visitors who joined */
  attendees: number
  /** most visitors present at the same time */
  peak: number
  /** mean time a visitor stayed, seconds */
  avgStaySec: number
}

/** Sessions with more than one visitor: who came, how many at once, how long they stayed. */
export function attendance(channels: readonly { id: string; createdAt: number; endedAt: number | null }[], participants: readonly AttendanceParticipant[], now: number): AttendanceSession[] {
  const byChannel = new Map<string, AttendanceParticipant[]>()
  for (const p of participants) {
    if (!byChannel.has(p.channelId)) byChannel.set(p.channelId, [])
    byChannel.get(p.channelId)!.push(p)
  }
  const sessions: AttendanceSession[] = []
  for (const channel of channels) {
    const visitors = byChannel.get(channel.id) ?? []
    const distinct = new Set(visitors.map((p) => p.visitorId))
    if (distinct.size < 2) continue
    // Sweep joins (+1) and leaves (-1); a leave at the same instant as a join goes first.
    const edges = visitors.flatMap((p) => [
      [p.joinedAt, 1],
      [p.leftAt ?? channel.endedAt ?? now, -1],
    ]) as [number, number][]
    edges.sort((a, b) => a[0] - b[0] || a[1] - b[1])
    let present = 0
    let peak = 0
    for (const [, delta] of edges) peak = Math.max(peak, (present += delta))
    const stayMs = visitors.reduce((sum, p) => sum + ((p.leftAt ?? channel.endedAt ?? now) - p.joinedAt), 0)
    sessions.push({ channelId: channel.id, startedAt: channel.createdAt, endedAt: channel.endedAt, attendees: distinct.size, peak, avgStaySec: round1(stayMs / visitors.length / 1000) })
  }
  return sessions.sort((a, b) => a.startedAt - b.startedAt)
}

// ---- calls ----------------------------------------------------------------------------

export interface CallRow {
  id: string
  video: boolean
  status: string
  endReason: string | null
  requestedAt: number
  startedAt: number | null
  endedAt: number | null
}

export interface UsageRow {
  kind: string
  source: string | null
  quantity: number
  at: number
}

export interface CallsReport {
  requested: number
  answered: number
  voice: number
  video: number
  /** by end reason */
  reasons: Record<string, number>
  avgDurationSec: number | null
  talkSec: number
  hours: { hour: number; calls: number; answered: number; talkSec: number }[]
  /** metered media seconds by source (audio, video, screen, phone) */
  mediaSecBySource: Record<string, number>
  mediaSec: number
  pstnSec: number
}

/** Calls by hour, how they ended, and the media and PSTN time metered for them. */
export function callsReport(calls: readonly CallRow[], usage: readonly UsageRow[], range: ReportRange): CallsReport {
  const inRange = calls.filter((c) => c.requestedAt >= range.from && c.requestedAt < range.to)
  const hours = Array.from({ length: 24 }, (_, hour) => ({ hour, calls: 0, answered: 0, talkSec: 0 }))
  const reasons: Record<string, number> = {}
  let answered = 0
  let talkMs = 0
  for (const call of inRange) {
    const bucket = hours[localParts(call.requestedAt, range.timeZone).hour]!
    bucket.calls++
    if (call.endReason) reasons[call.endReason] = (reasons[call.endReason] ?? 0) + 1
    if (call.startedAt !== null) {
      answered++
      bucket.answered++
      const talk = Math.max(0, (call.endedAt ?? range.now) - call.startedAt)
      talkMs += talk
      bucket.talkSec += talk / 1000
    }
  }
  const mediaSecBySource: Record<string, number> = {}
  let mediaSec = 0
  let pstnSec = 0
  for (const row of usage) {
    if (row.at < range.from || row.at >= range.to) continue
    if (row.kind === 'media_seconds') {
      const source = row.source ?? 'other'
      mediaSecBySource[source] = (mediaSecBySource[source] ?? 0) + row.quantity
      mediaSec += row.quantity
    } else if (row.kind === 'pstn_seconds') pstnSec += row.quantity
  }
  for (const key of Object.keys(mediaSecBySource)) mediaSecBySource[key] = round1(mediaSecBySource[key]!)
  return {
    requested: inRange.length,
    answered,
    voice: inRange.filter((c) => !c.video).length,
    video: inRange.filter((c) => c.video).length,
    reasons,
    avgDurationSec: answered > 0 ? round1(talkMs / answered / 1000) : null,
    talkSec: round1(talkMs / 1000),
    hours: hours.map((h) => ({ ...h, talkSec: round1(h.talkSec) })),
    mediaSecBySource,
    mediaSec: round1(mediaSec),
    pstnSec: round1(pstnSec),
  }
}
