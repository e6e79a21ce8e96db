/**
 * Words for archived channel events, shared by the transcript, the session replay and the
 * HTML export (server side too: plain functions, no DOM). Events are read structurally
 * (type string + unknown payload), so a type added to the protocol later still shows:
 * unknown types are described generically by their type and payload.
 */

/** An archived event as stored (any type, including ones this file does not know yet). */
export interface ArchivedEvent {
  seq: number
  type: string
  /** ISO-8601 */
  at: string
  author: { role: string; participantId?: string; name?: string }
  payload: unknown
}

/** How an event is presented. */
export type EventCategory = 'message' | 'whisper' | 'sidebar' | 'presence' | 'call' | 'lead' | 'page' | 'signal' | 'lifecycle' | 'unknown'

export interface EventText {
  category: EventCategory
  /** one line for a list or a transcript */
  text: string
  /** who it came from, when it is a message */
  from?: string
  /** for messages: the message itself */
  body?: string
  /** only staff ever saw it */
  staffOnly?: boolean
}

const LEAVE: Record<string, string> = { left: 'left', gone: 'went away', channel_ended: 'left (conversation ended)' }
const ENDED: Record<string, string> = {
  agent_left: 'the agent ended the conversation',
  visitor_left: 'the visitor ended the conversation',
  visitor_gone: 'the visitor went away',
  agent_gone: 'the agent was disconnected',
}
const MEDIA_FAILURES: Record<string, string> = { ice: 'no network path', dtls: 'encryption handshake failed', timeout: 'no audio/video arriving', 'worker-died': 'the media server restarted' }

type Payload = Record<string, unknown>

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null)
const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null)

/** "1:05" for 65 seconds. */
export function clockLength(seconds: number): string {
  const total = Math.max(0, Math.round(seconds))
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = String(total % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`
}

/** A short, single-line rendering of any JSON payload for unknown event types. */
export function payloadSummary(payload: unknown, max = 160): string {
  let text: string
  try {
    text = JSON.stringify(payload) ?? ''
  } catch {
    text = String(payload)
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

function authorName(event: ArchivedEvent): string {
  if (event.author.name) return event.author.name
  return event.author.role === 'visitor' ? 'Visitor' : event.author.role === 'agent' ? 'Agent' : event.author.role === 'supervisor' ? 'Supervisor' : 'System'
}

/** Describe an event; `names` maps participant ids to names (for baton changes and sidebars). */
export function describeEvent(event: ArchivedEvent, names: ReadonlyMap<string, string> = new Map()): EventText {
  const p = (event.payload && typeof event.payload === 'object' ? event.payload : {}) as Payload
  const who = authorName(event)
  const nameOf = (id: unknown) => (typeof id === 'string' ? (names.get(id) ?? 'someone') : 'nobody')
  switch (event.type) {
    case 'channel.opened':
      return { category: 'lifecycle', text: `Conversation opened${str(p.pageUrl) ? ` on ${str(p.pageUrl)}` : ''}` }
    case 'channel.ended':
      return { category: 'lifecycle', text: `Conversation ended: ${ENDED[str(p.reason) ?? ''] ?? str(p.reason) ?? 'ended'}` }
    case 'participant.joined': {
      const silent = p.silent === true
      return { category: 'presence', text: `${str(p.name) ?? 'Someone'} (${str(p.role) ?? '?'}) ${p.barged === true ? 'barged in' : silent ? 'started monitoring silently' : 'joined'}`, staffOnly: silent }
    }
    case 'participant.left':
      return { category: 'presence', text: `${str(p.name) ?? 'Someone'} (${str(p.role) ?? '?'}) ${LEAVE[str(p.reason) ?? ''] ?? 'left'}`, staffOnly: p.silent === true }
    case 'chat.message':
      return { category: 'message', text: `${who}: ${str(p.text) ?? ''}`, from: who, body: str(p.text) ?? '' }
    case 'whisper.message':
      return { category: 'whisper', text: `${who} (whisper): ${str(p.text) ?? ''}`, from: who, body: str(p.text) ?? '', staffOnly: true }
    case 'sidebar.message':
      return { category: 'sidebar', text: `${who} to ${nameOf(p.toParticipantId)} (private): ${str(p.text) ?? ''}`, from: who, body: str(p.text) ?? '', staffOnly: true }
    case 'typing.burst': {
      const chars = num(p.chars) ?? 0
      return { category: 'signal', text: `${who} typed ${chars} character${chars === 1 ? '' : 's'}${p.sent === true ? ' and sent' : ' (not sent)'}` }
    }
    case 'call.requested':
      return { category: 'call', text: `${who} asked for a ${p.video === true ? 'video' : 'voice'} call` }
    case 'call.declined':
      return { category: 'call', text: `${who} declined the call` }
    case 'call.started':
      return { category: 'call', text: `${p.video === true ? 'Video' : 'Voice'} call started` }
    case 'call.ended': {
      const seconds = num(p.seconds) ?? 0
      return { category: 'call', text: `Call ended (${str(p.reason) ?? 'ended'}${seconds > 0 ? `, ${clockLength(seconds)}` : ''})` }
    }
    case 'media.failed':
      return { category: 'call', text: `Call media problem: ${MEDIA_FAILURES[str(p.reason) ?? ''] ?? str(p.reason) ?? 'unknown'}` }
    case 'call.recording':
      return { category: 'call', text: p.recording === true ? 'Recording started' : 'Recording stopped' }
    case 'page.viewed':
      return { category: 'page', text: `${who} is on ${str(p.url) ?? '?'}${str(p.title) ? ` (${str(p.title)})` : ''}`, staffOnly: true }
    case 'lead.changed':
      return { category: 'lead', text: `${nameOf(p.leaderId)} now leads the browsing` }
    case 'lead.navigate':
      return { category: 'lead', text: `${p.source === 'leader_page' ? 'Followers follow the leader to' : `${who} sent the browser to`} ${str(p.url) ?? '?'}${p.newTab === true ? ' (new tab)' : ''}` }
    case 'lead.highlight':
      return { category: 'lead', text: `${who} highlighted ${str(p.label) ? `"${str(p.label)}"` : (str(p.selector) ?? 'an element')}` }
    case 'lead.highlight-cleared':
      return { category: 'lead', text: `${who} cleared the highlight` }
    case 'lead.fill': {
      const value = typeof p.value === 'boolean' ? (p.value ? 'checked' : 'unchecked') : `"${str(p.value) ?? ''}"`
      return { category: 'lead', text: `${who} filled ${str(p.selector) ?? 'a field'} with ${value}` }
    }
    case 'lead.scroll':
      return { category: 'lead', text: `${who} scrolled to ${Math.round((num(p.y) ?? 0) * 100)}%` }
    case 'lead.click':
      return { category: 'lead', text: `${who} clicked ${str(p.selector) ?? 'an element'}` }
    default:
      return { category: 'unknown', text: `${event.type} ${payloadSummary(event.payload)}` }
  }
}

/** Events a readable transcript shows (typing bursts, scrolls and page views are left to the replay). */
export function inTranscript(event: ArchivedEvent): boolean {
  return event.type !== 'typing.burst' && event.type !== 'lead.scroll' && event.type !== 'hidden'
}
