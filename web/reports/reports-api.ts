/** Fetch helpers and types of the report API (`/api/reports/...`). */
import { apiRequest, query } from '../admin/api-request.js'

export interface Period {
  from: string
  to: string
}

export interface QueueFigures {
  offered: number
  answered: number
  abandoned: number
  cancelled: number
  waiting: number
  answeredWithinSl: number
  avgWaitSec: number | null
  maxWaitSec: number | null
  avgAbandonSec: number | null
  abandonRate: number | null
  serviceLevel: number | null
}

export interface QueueReport {
  from: string
  to: string
  timezone: string
  serviceLevelSec: number
  totals: QueueFigures
  hours: (QueueFigures & { hour: number })[]
  days: (QueueFigures & { date: string })[]
  queues: (QueueFigures & { queueId: string | null })[]
  queueNames: Record<string, { slug: string; name: string }>
}

export interface InQueueNow {
  queues: { queueId: string | null; slug: string | null; name: string; waiting: number; ringing: number; longestWaitSec: number }[]
  waiting: number
  at: string
}

export interface AgentFigures {
  agentId: string
  displayName: string
  role: string
  handled: number
  avgHandleSec: number | null
  handlingSec: number
  stateSec: Record<string, number>
  staffedSec: number
  occupancy: number | null
  offers: { made: number; accepted: number; declined: number; rangOut: number }
}

export interface FunnelReport {
  routing: { enqueued: number; offered: number; accepted: number; lostAfterOffer: number; lostBeforeOffer: number; offersMade: number; declined: number; rangOut: number; offersPerAccepted: number | null }
  proactive: { id: string; label: string; count: number }[] | null
}

export interface AttendanceSession {
  channelId: string
  startedAt: number
  endedAt: number | null
  attendees: number
  peak: number
  avgStaySec: number
  question: string
  agents: string[]
}

export interface CallsReport {
  requested: number
  answered: number
  voice: number
  video: number
  reasons: Record<string, number>
  avgDurationSec: number | null
  talkSec: number
  hours: { hour: number; calls: number; answered: number; talkSec: number }[]
  mediaSecBySource: Record<string, number>
  mediaSec: number
  pstnSec: number
}

const get = <T>(path: string, period: Period, extra: Record<string, string | number> = {}) => apiRequest<T>('GET', `/api/reports/${path}${query({ ...period, ...extra })}`)

export const fetchQueueReport = (period: Period, serviceLevelSec: number) => get<QueueReport>('queues', period, { sl: serviceLevelSec })
export const fetchInQueue = () => apiRequest<InQueueNow>('GET', '/api/reports/in-queue')
export const fetchAgentReport = (period: Period) => get<{ agents: AgentFigures[] }>('agents', period)
export const fetchFunnel = (period: Period) => get<FunnelReport>('funnel', period)
export const fetchAttendance = (period: Period) => get<{ sessions: AttendanceSession[] }>('attendance', period)
export const fetchCallsReport = (period: Period) => get<CallsReport>('calls', period)
