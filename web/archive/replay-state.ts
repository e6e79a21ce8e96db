/**
 * What the session replay shows at a point in time: the state after the first n events of a
 * channel, folded from its log. Knows the browser-leading events (pages, navigation, baton,
 * highlights, fills, scrolls, clicks), calls and presence; anything else only shows in the
 * event list. Pure: the replay recomputes it when seeking.
 */
import type { ArchivedEvent } from './event-text.js'

export interface ReplayParticipant {
  id: string
  name: string
  role: string
  present: boolean
  silent: boolean
}

export interface ReplayState {
  participants: Map<string, ReplayParticipant>
  leaderId: string | null
  /** the page each participant's browser showed last (page.viewed) */
  pages: Map<string, { url: string; title: string | null }>
  /** where the leader sent the followers last */
  pushedUrl: string | null
  highlight: { selector: string; label: string | null; pageUrl: string; region: { x: number; y: number; width: number; height: number } | null } | null
  /** fields filled by the leader on the page shown, selector -> value */
  fills: Map<string, string | boolean>
  scroll: { x: number; y: number } | null
  lastClick: { selector: string; seq: number } | null
  call: { id: string; video: boolean; status: 'ringing' | 'active' | 'ended'; recording: boolean; reason: string | null } | null
  ended: string | null
  /** messages so far */
  messages: number
}

type Payload = Record<string, unknown>
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null)
const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0)

export function emptyReplayState(): ReplayState {
  return { participants: new Map(), leaderId: null, pages: new Map(), pushedUrl: null, highlight: null, fills: new Map(), scroll: null, lastClick: null, call: null, ended: null, messages: 0 }
}

/** The page the replay's browser pane shows: the leader's, else where followers were sent, else any visitor's. */
export function shownPage(state: ReplayState): string | null {
  if (state.leaderId && state.pages.has(state.leaderId)) return state.pages.get(state.leaderId)!.url
  if (state.pushedUrl) return state.pushedUrl
  for (const [id, page] of state.pages) if (state.participants.get(id)?.role === 'visitor') return page.url
  return null
}

/** Apply one event (mutates `state`). */
export function applyReplayEvent(state: ReplayState, event: ArchivedEvent): void {
  const p = (event.payload && typeof event.payload === 'object' ? event.payload : {}) as Payload
  switch (event.type) {
    case 'channel.opened':
      if (str(p.pageUrl)) state.pushedUrl = str(p.pageUrl)
      break
    case 'participant.joined': {
      const id = str(p.participantId)
      if (id) state.participants.set(id, { id, name: str(p.name) ?? 'Someone', role: str(p.role) ?? 'visitor', present: true, silent: p.silent === true && p.barged !== true })
      break
    }
    case 'participant.left': {
      const known = state.participants.get(str(p.participantId) ?? '')
      if (known) known.present = false
      break
    }
    case 'chat.message':
    case 'whisper.message':
    case 'sidebar.message':
      state.messages++
      break
    case 'page.viewed': {
      const id = event.author.participantId
      if (id && str(p.url)) state.pages.set(id, { url: str(p.url)!, title: str(p.title) })
      break
    }
    case 'lead.changed':
      state.leaderId = str(p.leaderId)
      break
    case 'lead.navigate':
      state.pushedUrl = str(p.url)
      state.highlight = null
      state.fills = new Map()
      state.scroll = null
      break
    case 'lead.highlight':
      state.highlight = { selector: str(p.selector) ?? '', label: str(p.label), pageUrl: str(p.pageUrl) ?? '', region: p.region && typeof p.region === 'object' ? { x: num((p.region as Payload).x), y: num((p.region as Payload).y), width: num((p.region as Payload).width), height: num((p.region as Payload).height) } : null }
      break
    case 'lead.highlight-cleared':
      state.highlight = null
      break
    case 'lead.fill':
      if (str(p.selector) && (typeof p.value === 'string' || typeof p.value === 'boolean')) state.fills.set(str(p.selector)!, p.value)
      break
    case 'lead.scroll':
      state.scroll = { x: num(p.x), y: num(p.y) }
      break
    case 'lead.click':
      state.lastClick = { selector: str(p.selector) ?? '', seq: event.seq }
      break
    case 'call.requested':
      state.call = { id: str(p.callId) ?? '', video: p.video === true, status: 'ringing', recording: false, reason: null }
      break
    case 'call.started':
      state.call = { id: str(p.callId) ?? '', video: p.video === true, status: 'active', recording: false, reason: null }
      break
    case 'call.recording':
      if (state.call) state.call.recording = p.recording === true
      break
    case 'call.declined':
    case 'call.ended':
      if (state.call) state.call = { ...state.call, status: 'ended', recording: false, reason: str(p.reason) ?? 'declined' }
      break
    case 'channel.ended':
      state.ended = str(p.reason) ?? 'ended'
      for (const participant of state.participants.values()) participant.present = false
      break
  }
}

/** The state after the first `count` events. */
export function replayStateAt(events: readonly ArchivedEvent[], count: number): ReplayState {
  const state = emptyReplayState()
  for (let i = 0; i < Math.min(count, events.length); i++) applyReplayEvent(state, events[i]!)
  return state
}
