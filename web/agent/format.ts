/** Human wording for the console: durations, clock times, names, states and end reasons. */
import type { ChannelEndReason, LeaveReason } from '../protocol/channel-event.js'
import type { AgentRole, AgentState, AgentView, ChannelView, RequestView, WaitEstimateView } from '../protocol/views.js'

/** "0:07", "12:40", "1:02:03" — elapsed time since `since` (never negative). */
export function formatElapsed(since: string | number, now = Date.now()): string {
  const start = typeof since === 'number' ? since : Date.parse(since)
  return formatSeconds(Number.isFinite(start) ? (now - start) / 1000 : 0)
}

/** "0:14" — time left until `until` (never negative; rounds up so 0:00 means it is over). */
export function formatCountdown(until: string | number, now = Date.now()): string {
  const end = typeof until === 'number' ? until : Date.parse(until)
  return formatSeconds(Number.isFinite(end) ? Math.ceil(Math.max(0, end - now) / 1000) : 0)
}

/** "0:07", "12:40", "1:02:03" for a number of seconds (never negative). */
export function formatSeconds(totalSeconds: number): string {
  const total = Math.max(0, Math.floor(totalSeconds))
  const hours = Math.floor(total / 3600)
  const minutes = Math.floor((total % 3600) / 60)
  const seconds = String(total % 60).padStart(2, '0')
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`
}

/** Local wall-clock time, "14:05". */
export function formatClock(iso: string): string {
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
}

/** Local date and time, short, for tables. */
export function formatDateTime(iso: string): string {
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' })
}

export const STATE_LABELS: Record<AgentState, string> = {
  ready: 'Ready',
  not_ready: 'Not ready',
  break: 'Break',
  away: 'Away',
  offline: 'Offline',
  busy: 'Busy',
  wrap_up: 'Wrap-up',
}

/** "2/3 chats · 0/1 call": open conversations against capacity. */
export function formatLoad(agent: Pick<AgentView, 'activeChats' | 'maxChats' | 'activeCalls' | 'maxCalls'>): string {
  return `${agent.activeChats}/${agent.maxChats} ${agent.maxChats === 1 ? 'chat' : 'chats'} · ${agent.activeCalls}/${agent.maxCalls} ${agent.maxCalls === 1 ? 'call' : 'calls'}`
}

/** The agent has no room for one more conversation of this kind. */
export function atCapacityFor(agent: Pick<AgentView, 'activeChats' | 'maxChats' | 'activeCalls' | 'maxCalls'>, kind: RequestView['kind']): boolean {
  return kind === 'call' ? agent.activeCalls >= agent.maxCalls : agent.activeChats >= agent.maxChats
}

/** A wait estimate as a range: "under a minute", "1–3 min", "about 5 min". */
export function formatEstimate(estimate: WaitEstimateView | null): string {
  if (!estimate) return 'nobody staffed'
  const low = Math.round(estimate.lowSeconds / 60)
  const high = Math.max(1, Math.round(estimate.highSeconds / 60))
  if (estimate.highSeconds < 60) return 'under a minute'
  if (low === 0) return `under ${high} min`
  return low === high ? `about ${high} min` : `${low}–${high} min`
}

/** Where a skill hint came from, as the offer card tells it. */
export const HINT_SOURCES: Record<string, string> = {
  page: 'from page',
  cart: 'from cart',
  language: 'browser language',
  history: 'earlier visits',
  topic: 'picked by visitor',
}

export const ROLE_LABELS: Record<AgentRole, string> = {
  agent: 'Agent',
  supervisor: 'Supervisor',
  admin: 'Admin',
}

/** Why the conversation ended, told to the agent. */
export const END_REASONS: Record<ChannelEndReason, string> = {
  agent_left: 'You ended this conversation.',
  visitor_left: 'The visitor ended the conversation.',
  visitor_gone: 'The visitor went away (closed the page or lost the connection).',
  agent_gone: 'The conversation ended because the agent was disconnected.',
}

export const LEAVE_REASONS: Record<LeaveReason, string> = {
  left: 'left',
  gone: 'went away',
  channel_ended: 'left (conversation ended)',
}

/** Only http(s) URLs become links; anything else (e.g. `javascript:`) stays plain text. */
export function safeHref(url: string | null | undefined): string | null {
  return url && /^https?:\/\//i.test(url) ? url : null
}

/** A URL shortened for display: host + path, without the scheme. */
export function displayUrl(url: string, max = 80): string {
  const short = url.replace(/^https?:\/\//i, '').replace(/\/$/, '')
  return short.length > max ? `${short.slice(0, max - 1)}…` : short
}

/** The name a channel is known by: its visitor's. */
export function visitorName(view: ChannelView): string {
  return view.participants.find((participant) => participant.role === 'visitor')?.name || 'Visitor'
}

/** How a participant without a name is called, by role. */
export function roleName(role: string): string {
  return role === 'visitor' ? 'Visitor' : role === 'agent' ? 'Agent' : role === 'supervisor' ? 'Supervisor' : 'System'
}
