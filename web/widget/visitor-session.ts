/**
 * The visitor's side of the conversation, without any UI: the `/visitor` socket, the stage
 * the panel shows (question → waiting or booked → chat), the request lifecycle (queue,
 * overflow choices, booking a later session, its reminder), presence and the channel sync.
 * The chat panel renders it and calls its methods; it notifies on every change.
 */
import { io, type Socket } from 'socket.io-client'
import type { ErrorBody, VisitorClientToServer, VisitorServerToClient, VisitorSession as SessionInfo } from '../protocol/events.js'
import type { ChannelFeedEvent } from '../protocol/channel-event.js'
import { LIMITS } from '../protocol/limits.js'
import type { ChannelView, PresenceView, RequestView } from '../protocol/views.js'
import { ChannelSync, type ChannelState } from '../shared/channel-sync.js'
import { LocalStorageOutboxStore, newClientId } from '../shared/outbox-store.js'
import { isFinalError, SocketLink } from '../shared/socket-link.js'
import type { PanelOptions } from './panel-api.js'
import { PhonePreference } from './phone-preference.js'

/** What the panel shows (closed union). */
export type VisitorStage = 'connecting' | 'question' | 'waiting' | 'booked' | 'chat'

/** State of the socket as the visitor should understand it. */
export type ConnectionState = 'connecting' | 'online' | 'reconnecting' | 'refused'

export type VisitorSessionOptions = Pick<
  PanelOptions,
  'baseUrl' | 'tenant' | 'visitorToken' | 'pageUrl' | 'onToken' | 'onActiveChange' | 'onIncoming' | 'onAttention' | 'onPresence' | 'cart'
>

/** What the visitor chose besides the question. */
export interface RequestChoices {
  /** topic (public queue) slug, or null for "Not sure" */
  topic: string | null
  /** book a session at this time (ISO) instead of queueing now */
  scheduledFor: string | null
  /** start with a voice call instead of a chat */
  kind?: 'chat' | 'call'
}

/** A `request:create` not acknowledged yet; kept so a retry reuses its client id. */
interface PendingRequest extends Partial<RequestChoices> {
  clientRequestId: string
  question: string
}

/** "Your session starts in 5 minutes": shown this long before a booked time at most. */
const REMINDER_WINDOW_MS = 5 * 60_000
/** what the server accepts as a cart category, and how many */
const CATEGORY_MAX = 60
const CATEGORIES_MAX = 50

export type VisitorSocket = Socket<VisitorServerToClient, VisitorClientToServer>

export class VisitorSession {
  readonly socket: VisitorSocket
  readonly link: SocketLink
  /** the phone number the visitor gave (callbacks, fallback when their connection fails) */
  readonly phone: PhonePreference
  readonly sync: ChannelSync
  /** what the panel shows */
  stage: VisitorStage = 'connecting'
  connection: ConnectionState = 'connecting'
  /** why the server refused the connection (origin not allowed, unknown tenant…) */
  refusal: ErrorBody | null = null
  /** failed connection attempts since the last successful one */
  failedAttempts = 0
  /** the visitor's request while waiting in the queue or booked for later */
  request: RequestView | null = null
  /** the tenant's availability, live from the loader's presence feed */
  presence: PresenceView | null = null
  /** the booked session that starts soon ("Your session starts in 5 minutes"), until it starts */
  reminder: RequestView | null = null
  /** the channel shown in the chat stage (open, or ended and kept for its transcript) */
  channelId: string | null = null
  /** a short notice for the question stage, e.g. why the last request ended */
  note: string | null = null
  /** the last visitor action that failed, in words */
  error: string | null = null
  creating = false
  cancelling = false
  scheduling = false
  leaving = false
  /** the question last submitted, to prefill the form when the visitor comes back to it */
  draft = ''
  /** the topic last picked (null: "Not sure") */
  draftTopic: string | null = null

  private token: string | null
  private activity: string | undefined
  private closed = false
  private readonly settled = new Set<string>()
  private readonly listeners = new Set<() => void>()
  private readonly pendingKey: string
  private readonly keepKey: string
  /** an invitation to a group session the loader found in the page's link, until it is used */
  private readonly joinKey: string
  private joining = false
  private readonly unsubscribePresence: (() => void) | undefined

  constructor(private readonly options: VisitorSessionOptions) {
    this.token = options.visitorToken
    this.pendingKey = `parley:${options.tenant}:request`
    this.keepKey = `parley:${options.tenant}:keep-waiting`
    this.joinKey = `parley:${options.tenant}:join`
    // NOTE: socket.io reads the namespace from the URL path, so a base URL with a path prefix
    // moves into `path` and the namespace stays `/visitor`.
    const base = new URL(options.baseUrl)
    this.socket = io(`${base.origin}/visitor`, {
      path: `${base.pathname.replace(/\/$/, '')}/socket.io`,
      // a function, so reconnects present the token the server issued meanwhile
      auth: (send) => send({ tenant: options.tenant, visitorToken: this.token }),
      transports: ['websocket', 'polling'],
    })
    this.link = new SocketLink(this.socket)
    this.phone = new PhonePreference(this.link, () => this.changed())
    // The sync registers its socket listeners first, so channels are adopted before we look.
    this.sync = new ChannelSync(this.link, new LocalStorageOutboxStore(`parley:${options.tenant}`))
    this.sync.onChange(() => this.changed())

    const socket = this.socket
    socket.on('connect', () => {
      this.connection = 'online'
      this.refusal = null
      this.failedAttempts = 0
      this.changed()
    })
    socket.on('disconnect', (reason) => {
      if (this.closed) return
      this.connection = 'reconnecting'
      // The server hung up on purpose (e.g. a restart); socket.io only retries by itself for network drops.
      if (reason === 'io server disconnect') setTimeout(() => this.closed || socket.connect(), 2000)
      this.changed()
    })
    socket.on('connect_error', (error) => {
      this.failedAttempts++
      if (!socket.active) {
        // refused by the server's middleware: retrying the same handshake would not help
        this.connection = 'refused'
        this.refusal = (error as Error & { data?: ErrorBody }).data ?? { code: 'internal', message: error.message }
      }
      this.changed()
    })
    socket.on('session', (info) => {
      this.onSession(info)
      void this.phone.load()
    })
    // An update that arrives while our own cancel is in flight is the answer to it.
    socket.on('request:update', (request) => this.onRequest(request, this.cancelling))
    socket.on('request:reminder', (request) => this.onReminder(request))
    socket.on('channel:joined', (view) => this.showChannel(view.id))
    socket.on('channel:event', (event) => this.onEvent(event))
    // Problems with fire-and-forget signals (typing, receipts) are for developers, not visitors.
    socket.on('error', (error) => console.debug(`[Parley] ${error.message}`))
    this.unsubscribePresence = options.onPresence?.((view) => {
      this.presence = view
      this.changed()
    })
  }

  /** The tenant's slug (embed's `data-tenant`). */
  get tenant(): string {
    return this.options.tenant
  }

  /** Parley's base URL, for pictures it serves. */
  get baseUrl(): string {
    return this.options.baseUrl
  }

  /** The visitor chose "Keep waiting" for the current request: do not offer the choices again. */
  get keptWaiting(): boolean {
    return !!this.request && readStorage(this.keepKey) === this.request.id
  }

  /** The state of the channel shown in the chat stage, once the sync has it. */
  get channel(): ChannelState | undefined {
    return this.channelId ? this.sync.channels.get(this.channelId) : undefined
  }

  /** Called after every change of the session or of its channels. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /**
   * Queue the visitor's question (or book it for later); a retry after a lost answer reuses
   * the same client request id.
   */
  async createRequest(text: string, choices: RequestChoices = { topic: null, scheduledFor: null }): Promise<void> {
    const question = text.trim().slice(0, LIMITS.question)
    if (this.creating || !question || this.closed) return
    let pending = this.readPending()
    if (!pending || pending.question !== question || (pending.topic ?? null) !== choices.topic || (pending.scheduledFor ?? null) !== choices.scheduledFor || (pending.kind ?? 'chat') !== (choices.kind ?? 'chat')) {
      this.writePending((pending = { clientRequestId: newClientId(), question, ...choices }))
    }
    this.draft = question
    this.draftTopic = choices.topic
    this.error = this.note = null
    if (!this.link.connected) {
      this.error = 'Not connected right now: your question will be sent as soon as the connection is back.'
      return this.changed() // the next session sends it
    }
    this.creating = true
    this.changed()
    try {
      const { request } = await this.link.call<{ request: RequestView }>('request:create', {
        clientRequestId: pending.clientRequestId,
        question,
        pageUrl: this.pageUrl(),
        topic: pending.topic ?? null,
        language: browserLanguage(),
        cartCategories: this.cartCategories(),
        scheduledFor: pending.scheduledFor ?? null,
        kind: pending.kind ?? 'chat',
      })
      this.clearPending()
      this.onRequest(request, true)
    } catch (reason) {
      const body = (reason as { body?: ErrorBody }).body
      if (body && isFinalError(body)) this.clearPending()
      this.error = body ? body.message : 'The chat server did not answer. Please try again.'
    } finally {
      this.creating = false
      this.changed()
    }
  }

  /** Overflow choice "Keep waiting": hide the choices for this request (also on the next pages). */
  keepWaiting(): void {
    if (!this.request) return
    writeStorage(this.keepKey, this.request.id)
    this.changed()
  }

  /** Move the waiting (or booked) request to a later slot (ISO time). */
  async schedule(at: string): Promise<void> {
    const request = this.request
    if (!request || this.scheduling) return
    this.scheduling = true
    this.error = null
    this.changed()
    try {
      const result = await this.link.call<{ request: RequestView }>('request:schedule', { requestId: request.id, scheduledFor: at })
      this.onRequest(result.request, true)
    } catch (reason) {
      this.error = messageOf(reason)
    } finally {
      this.scheduling = false
      this.changed()
    }
  }

  /** Hide the reminder notice. */
  dismissReminder(): void {
    this.reminder = null
    this.changed()
  }

  /** Leave the queue, or cancel the booking. */
  async cancelRequest(): Promise<void> {
    const request = this.request
    if (!request || this.cancelling) return
    this.cancelling = true
    this.error = null
    this.changed()
    try {
      const result = await this.link.call<{ request: RequestView }>('request:cancel', { requestId: request.id })
      this.onRequest(result.request, true)
    } catch (reason) {
      this.error = messageOf(reason)
    } finally {
      this.cancelling = false
      this.changed()
    }
  }

  /** Send a chat message in the shown channel (kept in the outbox until confirmed). */
  send(text: string): void {
    if (this.channel && text.trim()) this.sync.send(this.channel.view.id, text.slice(0, LIMITS.messageText))
  }

  /** Live typing preview (throttled by the caller). */
  typing(text: string): void {
    if (this.channel?.view.status === 'open') this.sync.typing(this.channel.view.id, text.slice(0, LIMITS.typingText))
  }

  /** Try a refused message again. */
  retry(clientMsgId: string): void {
    if (this.channelId) this.sync.retry(this.channelId, clientMsgId)
  }

  /** Drop a refused message. */
  discard(clientMsgId: string): void {
    if (this.channelId) this.sync.discard(this.channelId, clientMsgId)
  }

  /** End the chat for the visitor (ends the channel). */
  async leave(): Promise<void> {
    const channelId = this.channelId
    if (!channelId || this.leaving) return
    this.leaving = true
    this.error = null
    this.changed()
    try {
      await this.sync.leave(channelId)
    } catch (reason) {
      this.error = messageOf(reason)
    } finally {
      this.leaving = false
      this.changed()
    }
  }

  /** Leave an ended chat's transcript for a fresh question. */
  startOver(): void {
    if (this.channelId) this.sync.forget(this.channelId)
    this.channelId = null
    this.stage = 'question'
    this.note = this.error = null
    this.draft = ''
    this.changed()
  }

  /** Try to connect again after a refusal. */
  reconnect(): void {
    if (this.closed || this.socket.connected) return
    this.connection = 'connecting'
    this.refusal = null
    this.socket.connect()
    this.changed()
  }

  /** Disconnect for good; idempotent. */
  close(): void {
    if (this.closed) return
    this.closed = true
    this.unsubscribePresence?.()
    this.sync.close()
    this.socket.off()
    this.socket.disconnect()
    this.listeners.clear()
  }

  /** Sent on every (re)connect: the truth about this visitor's requests and channels. */
  private onSession(info: SessionInfo): void {
    this.token = info.visitorToken
    this.options.onToken(info.visitorToken)
    this.connection = 'online'
    const pending = this.readPending()
    if (pending && info.requests.some((request) => request.clientRequestId === pending.clientRequestId)) this.clearPending()
    const invitation = readStorage(this.joinKey)
    if (invitation) return void this.join(invitation)
    const open = info.channels.find((channel) => channel.status === 'open')
    if (open) {
      this.sync.adopt(open)
      this.showChannel(open.id)
      return
    }
    if (this.stage === 'chat' && this.channelId) {
      // The chat shown here ended while we were away: keep its transcript (the sync resumes it).
      const known = info.channels.find((channel) => channel.id === this.channelId)
      if (known) this.sync.adopt(known)
      if (known || this.sync.channels.has(this.channelId)) return this.changed()
      this.channelId = null // accepted, but the channel is gone before we ever saw it
    }
    const waiting = info.requests.find((request) => request.status === 'queued' || request.status === 'scheduled')
    if (waiting) {
      // Back on the site shortly before a booked session: the live reminder may have gone to another page.
      const startsIn = waiting.scheduledFor ? Date.parse(waiting.scheduledFor) - Date.now() : NaN
      if (waiting.status === 'scheduled' && startsIn <= REMINDER_WINDOW_MS) this.reminder = waiting
      return this.onRequest(waiting, false)
    }
    if (this.stage === 'waiting') this.note = 'Your place in the queue was lost. Please ask again.'
    if (this.stage === 'booked') this.note = 'Your booking is no longer there. Please ask again.'
    this.request = null
    this.reminder = null
    this.stage = 'question'
    this.changed()
    const unsent = this.readPending()
    // pressed "Start chat" (or booked) while the connection was down
    if (unsent) void this.createRequest(unsent.question, { topic: unsent.topic ?? null, scheduledFor: unsent.scheduledFor ?? null })
  }

  /** Follow an agent's invitation into a group session (the link's token, kept by the loader). */
  private async join(token: string): Promise<void> {
    if (this.joining) return
    this.joining = true
    try {
      const { channel } = await this.link.call<{ channel: ChannelView }>('channel:join', { token })
      removeStorage(this.joinKey)
      this.sync.adopt(channel)
      this.showChannel(channel.id)
    } catch (reason) {
      const body = (reason as { body?: ErrorBody }).body
      if (!body) return // no answer: the next session tries again
      removeStorage(this.joinKey)
      this.note = `Could not join the session: ${body.message}`
      this.stage = 'question'
      this.changed()
    } finally {
      this.joining = false
    }
  }

  private onRequest(request: RequestView, mine: boolean): void {
    if (this.settled.has(request.id)) return // state only moves forward; a late ack must not undo it
    if (this.request && this.request.id !== request.id) return
    if (!this.request && this.stage === 'chat' && request.status !== 'accepted') return
    const was = this.request?.status
    if (request.status !== 'scheduled') this.reminder = null
    switch (request.status) {
      case 'queued':
        this.request = request
        this.stage = 'waiting'
        this.draft = request.question
        this.note = null
        // The booked time has come: the visitor should see that they are next in line.
        if (was === 'scheduled') this.options.onAttention?.()
        break
      case 'scheduled':
        this.request = request
        this.stage = 'booked'
        this.draft = request.question
        this.note = null
        break
      case 'accepted':
        this.settled.add(request.id)
        this.request = null
        if (request.channelId) this.showChannel(request.channelId)
        break
      case 'cancelled':
      case 'abandoned':
        this.settled.add(request.id)
        this.request = null
        this.stage = 'question'
        this.note =
          request.status === 'abandoned'
            ? 'Sorry, no agent could take your question in time. You can try again.'
            : !mine
              ? 'Your request was cancelled.'
              : was === 'scheduled'
                ? 'Your booking is cancelled. Your question is still here if you want to ask again.'
                : 'You left the queue. Your question is still here if you want to try again.'
        break
    }
    this.changed()
  }

  /** A booked session starts soon: say so and bring the panel up. */
  private onReminder(request: RequestView): void {
    if (this.request && this.request.id !== request.id) return
    this.onRequest(request, false)
    if (this.request?.id !== request.id || request.status !== 'scheduled') return
    this.reminder = request
    this.changed()
    this.options.onAttention?.()
  }

  private showChannel(channelId: string): void {
    this.channelId = channelId
    this.stage = 'chat'
    this.request = null
    this.note = this.error = null
    this.clearPending()
    this.changed()
  }

  private onEvent(event: ChannelFeedEvent): void {
    if ((event.type !== 'chat.message' && event.type !== 'call.requested') || event.channelId !== this.channelId) return
    const self = this.channel?.view.selfParticipantId
    const mine = self ? event.author.participantId === self : event.author.role === 'visitor'
    if (mine) return
    // a call rings: bring the panel up so the visitor can answer it
    if (event.type === 'call.requested') this.options.onAttention?.()
    else this.options.onIncoming?.()
  }

  private changed(): void {
    if (this.closed) return
    if (this.stage !== 'connecting' || this.connection === 'refused') {
      // A refused connection cannot carry a conversation: do not restore the panel on the next page.
      const refused = this.connection === 'refused'
      const active = !refused && (this.stage === 'waiting' || (this.stage === 'chat' && this.channel?.view.status !== 'ended'))
      const bookedFor = !refused && this.stage === 'booked' ? (this.request?.scheduledFor ?? null) : null
      const activity = `${active} ${bookedFor}`
      if (activity !== this.activity) {
        this.activity = activity
        this.options.onActiveChange(active, bookedFor)
      }
    }
    for (const listener of this.listeners) listener()
  }

  /** The cart's categories as the server accepts them (trimmed, bounded, unique). */
  private cartCategories(): string[] {
    let categories: unknown
    try {
      categories = this.options.cart?.().categories
    } catch {}
    if (!Array.isArray(categories)) return []
    const clean = categories.map((category) => String(category).trim()).filter((category) => category && category.length <= CATEGORY_MAX)
    return [...new Set(clean)].slice(0, CATEGORIES_MAX)
  }

  /** The page URL as the server accepts it (http(s), bounded), else null. */
  private pageUrl(): string | null {
    const url = this.options.pageUrl
    return /^https?:\/\//i.test(url) && url.length <= LIMITS.pageUrl ? url : null
  }

  private readPending(): PendingRequest | null {
    try {
      const raw = localStorage.getItem(this.pendingKey)
      return raw ? (JSON.parse(raw) as PendingRequest) : null
    } catch {
      return null
    }
  }

  private writePending(pending: PendingRequest): void {
    try {
      localStorage.setItem(this.pendingKey, JSON.stringify(pending))
    } catch {
      // storage blocked: the id only lives for this page, which is still idempotent within it
    }
  }

  private clearPending(): void {
    try {
      localStorage.removeItem(this.pendingKey)
    } catch {}
  }
}

/** The browser's language as the server accepts it (a language tag), else null. */
function browserLanguage(): string | null {
  const language = typeof navigator === 'undefined' ? '' : navigator.language
  return language && language.length <= 35 && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(language) ? language : null
}

function readStorage(key: string): string | null {
  try {
    return localStorage.getItem(key)
  } catch {
    return null
  }
}

function removeStorage(key: string): void {
  try {
    localStorage.removeItem(key)
  } catch {}
}

function writeStorage(key: string, value: string): void {
  try {
    localStorage.setItem(key, value)
  } catch {
    // storage blocked: the choice holds for this page only
  }
}

function messageOf(reason: unknown): string {
  const body = (reason as { body?: ErrorBody }).body
  return body?.message ?? 'The chat server did not answer. Please try again.'
}
