/** Fetch helpers and types of the archive API (`/api/archive/...`). */
import { apiRequest, query } from '../admin/api-request.js'
import type { ArchivedEvent } from './event-text.js'

export interface ArchivedParticipant {
  id: string
  role: string
  name: string
  agentId: string | null
  visitorId: string | null
  joinedAt: string
  leftAt: string | null
}

/** A channel as the archive lists it. */
export interface ArchivedChannel {
  id: string
  status: 'open' | 'ended'
  createdAt: string
  endedAt: string | null
  endReason: string | null
  question: string
  pageUrl: string | null
  kind: string
  queue: { id: string; slug: string; name: string } | null
  durationSec: number
  participants: ArchivedParticipant[]
  messages: number
  calls: number
}

export interface ArchivedCall {
  id: string
  video: boolean
  status: string
  endReason: string | null
  requestedAt: string
  startedAt: string | null
  endedAt: string | null
}

export interface Transcript {
  channel: ArchivedChannel
  events: ArchivedEvent[]
  calls: ArchivedCall[]
}

export interface ArchiveFilters {
  q?: string
  status?: '' | 'open' | 'ended'
  from?: string
  to?: string
  queue?: string
  agent?: string
}

export interface FilterOptions {
  queues: { id: string; slug: string; name: string }[]
  agents: { id: string; displayName: string }[]
  timezone: string
}

export const searchChannels = (filters: ArchiveFilters, after: string | null, limit = 50) =>
  apiRequest<{ channels: ArchivedChannel[]; next: string | null }>('GET', `/api/archive/channels${query({ ...filters, after, limit })}`)

export const fetchFilterOptions = () => apiRequest<FilterOptions>('GET', '/api/archive/filters')

export const fetchTranscript = (channelId: string) => apiRequest<Transcript>('GET', `/api/archive/channels/${encodeURIComponent(channelId)}`)

/** Where the exports download from (GET, session cookie). */
export const exportUrl = (channelId: string, format: 'json' | 'html' | 'pdf', download = false) => `/api/archive/channels/${encodeURIComponent(channelId)}/export.${format}${download ? '?download=1' : ''}`
