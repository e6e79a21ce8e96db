/**
 * Reports of activity beyond the queues: the routing offers funnel, attendance of
 * one-to-many sessions, and calls with their metered media and PSTN time. Pure functions
 * over stored rows, like domain/reports.ts.
 */
import { localParts } from './zoned-time.js'
import type { ReportRange } from './reports.js'

const round1 = (value: number) => Math.round(value * 10) / 10

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
