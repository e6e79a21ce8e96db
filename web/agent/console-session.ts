/**
 * The console's live connection: the `/agent` socket, the agent's own view, the request
 * ringing at them, the ChannelSync that carries every chat and (supervisors, admins) the
 * live feed. No UI here; `<parley-agent-console>` renders what this holds and calls its methods.
 */
import { io, type Socket } from 'socket.io-client'
import type { Ack, AgentClientToServer, AgentServerToClient, AgentSession, ErrorBody, WithdrawReason } from '../protocol/events.js'
import type { AgentHoldView } from '../protocol/cart.js'
import type { AgentView, ChannelView, ChosenAgentState, RequestView } from '../protocol/views.js'
import { ChannelSync } from '../shared/channel-sync.js'
import { LocalStorageOutboxStore } from '../shared/outbox-store.js'
import { SocketLink } from '../shared/socket-link.js'
import { LiveWatch } from '../supervisor/live-watch.js'
import { fetchMe } from './agent-api.js'

/** What the connection indicator shows. */
export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting'

/** The states an agent can pick (busy, wrap-up and offline are set by the server). */
export type PickableState = ChosenAgentState

/** The reasons the tenant offers per picked state. */
export type StateReasons = AgentSession['stateReasons']

/** The reason the server gives when it sets an agent Not ready after a missed offer. */
const MISSED_REASON = 'Missed a request'
/** How long after an offer rang out the "set Not ready" update may still come. */
const MISSED_WINDOW_MS = 2000

export interface ConsoleSessionEvents {
  /** the agent, the offers or the connection status changed */
  change: () => void
  /** a request this console had not alerted about yet is being offered */
  offered: (request: RequestView) => void
  /** an offer stopped ringing here (taken, declined, rang out, cancelled…) */
  withdrawn: (requestId: string, reason: WithdrawReason) => void
  /** an offer rang out unanswered; `setNotReady`: the server then set the agent Not ready */
  missed: (setNotReady: boolean) => void
  /** a channel this agent takes part in was opened (accepted here or in another window) */
  joined: (channel: ChannelView) => void
  /** the session cookie is no longer valid: back to the login form */
  unauthorized: (message: string) => void
  /** the server reported a problem with a fire-and-forget event or the connection */
  problem: (error: ErrorBody) => void
}

export interface ConsoleSessionOptions {
  /** socket.io namespace URL; same origin by default */
  url?: string
}

/** A method was called on a closed ConsoleSession. */
export class InvalidStateError extends Error {
  override name = 'InvalidStateError'
}

/** An ack answered with an error; `body` carries the server's code and message. */
export type CallError = Error & { body?: ErrorBody }

type AgentSocket = Socket<AgentServerToClient, AgentClientToServer>
type AckData<F> = F extends (payload: any, ack: Ack<infer T>) => void ? T : never
type Listeners = { [K in keyof ConsoleSessionEvents]: Set<ConsoleSessionEvents[K]> }

export class ConsoleSession {
  /** Chat state of every channel this console shows. */
  readonly sync: ChannelSync
  /** The logged-in agent, kept current by the server. */
  agent: AgentView
  /** Connection indicator state. */
  status: ConnectionStatus = 'connecting'
  /** Reasons offered in the state picker (from the server's session message). */
  stateReasons: StateReasons = { not_ready: [], break: [], away: [] }
  /** The supervisors' live feed (the server refuses it to plain agents). */
  readonly live: LiveWatch
  /** a proactive offer holds this agent: the shopper's yes opens the conversation at once */
  hold: AgentHoldView | null = null
  private readonly socket: AgentSocket
  private readonly link: SocketLink
  private readonly offerMap = new Map<string, RequestView>()
  /** offers already announced (sound, notification), so a reconnect does not repeat them */
  private readonly announced = new Set<string>()
  private readonly listeners: Listeners = {
    change: new Set(),
    offered: new Set(),
    withdrawn: new Set(),
    missed: new Set(),
    joined: new Set(),
    unauthorized: new Set(),
    problem: new Set(),
  }
  private retryTimer: ReturnType<typeof setTimeout> | undefined
  /** an offer rang out: waiting briefly for the server to set the agent Not ready */
  private missedTimer: ReturnType<typeof setTimeout> | undefined
  private closed = false

  constructor(agent: AgentView, options: ConsoleSessionOptions = {}) {
    this.agent = agent
    this.socket = io(options.url ?? '/agent', { transports: ['websocket', 'polling'], autoConnect: false })
    // NOTE: socket.io's typed Socket narrows on()/emit() to the event maps; SocketLink
    // takes the untyped shape, which the same object satisfies at runtime.
    this.link = new SocketLink(this.socket)
    this.sync = new ChannelSync(this.link, new LocalStorageOutboxStore(`parley-agent:${agent.id}`))
    this.live = new LiveWatch(this.link)
    this.listen()
    this.socket.connect()
  }

  /** Requests currently ringing at this agent, oldest first. */
  get offers(): RequestView[] {
    return [...this.offerMap.values()].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt))
  }

  /** Subscribe to a session event; returns the unsubscribe function. */
  on<K extends keyof ConsoleSessionEvents>(event: K, listener: ConsoleSessionEvents[K]): () => void {
    this.listeners[event].add(listener)
    return () => this.listeners[event].delete(listener)
  }

  /** Ask the server to change the agent's availability, with one of the tenant's reasons. */
  async setState(state: PickableState, reason: string | null = null): Promise<AgentView> {
    const { agent } = await this.call('agent:set-state', { state, reason: state === 'ready' ? null : reason })
    this.agent = agent
    this.emit('change')
    return agent
  }

  /** Let a ringing request go to the next agent. */
  async decline(requestId: string): Promise<void> {
    await this.call('request:decline', { requestId })
    this.withdraw(requestId, 'declined')
  }

  /** Accept an offered request; resolves with the new channel (already tracked by sync). */
  async accept(requestId: string): Promise<ChannelView> {
    const { channel } = await this.call('request:accept', { requestId })
    this.sync.adopt(channel)
    this.withdraw(requestId, 'accepted')
    this.emit('change')
    this.emit('joined', channel)
    return channel
  }

  /** Supervisors: monitor a live conversation silently (it opens like any other channel). */
  async monitor(channelId: string): Promise<ChannelView> {
    if (this.closed) throw new InvalidStateError('the console session is closed')
    const { channel } = await this.link.call<{ channel: ChannelView }>('supervisor:monitor', { channelId })
    this.sync.adopt(channel)
    this.emit('joined', channel)
    return channel
  }

  /** Disconnect for good (logout, unauthorized); idempotent. */
  close(): void {
    if (this.closed) return
    this.closed = true
    clearTimeout(this.retryTimer)
    clearTimeout(this.missedTimer)
    this.live.close()
    this.sync.close()
    this.socket.removeAllListeners()
    this.socket.io.removeAllListeners()
    this.socket.disconnect()
    for (const set of Object.values(this.listeners)) set.clear()
  }

  private listen(): void {
    const socket = this.socket
    socket.on('connect', () => this.setStatus('connected'))
    socket.on('disconnect', (reason) => {
      if (this.closed) return
      this.setStatus('reconnecting')
      // The server closed the socket itself (logout elsewhere, session revoked, restart):
      // socket.io will not reconnect on its own, so find out whether we still may.
      if (reason === 'io server disconnect') void this.recheckSession()
    })
    socket.io.on('reconnect_attempt', () => this.setStatus('reconnecting'))
    socket.on('connect_error', (error: Error & { data?: Partial<ErrorBody> }) => {
      if (this.closed) return
      this.setStatus(this.status === 'connecting' ? 'connecting' : 'reconnecting')
      if (error.data?.code === 'unauthorized') {
        this.emit('unauthorized', error.data.message ?? 'Your session has expired, please log in again.')
        return
      }
      if (error.data?.code) {
        // refused by the server's middleware: socket.io gives up, so retry a little later
        this.emit('problem', { code: error.data.code, message: error.data.message ?? error.message })
        if (!socket.active) this.retryLater()
      }
    })
    socket.on('session', (session: AgentSession) => {
      this.agent = session.agent
      this.stateReasons = session.stateReasons
      const previous = new Set(this.offerMap.keys())
      this.offerMap.clear()
      for (const offer of session.offers) this.offerMap.set(offer.id, offer)
      for (const id of previous) if (!this.offerMap.has(id)) this.announced.delete(id)
      for (const channel of session.channels) {
        const known = this.sync.channels.has(channel.id)
        this.sync.adopt(channel)
        if (!known) this.emit('joined', channel)
      }
      this.emit('change')
      for (const offer of session.offers) this.announce(offer)
    })
    socket.on('agent:updated', (agent) => {
      const before = this.agent
      this.agent = agent
      this.emit('change')
      if (agent.state === 'not_ready' && agent.stateReason === MISSED_REASON && (before.state !== 'not_ready' || before.stateReason !== MISSED_REASON)) {
        clearTimeout(this.missedTimer)
        this.missedTimer = undefined
        this.emit('missed', true)
      }
    })
    socket.on('request:offered', (request) => {
      this.offerMap.set(request.id, request)
      this.emit('change')
      this.announce(request)
    })
    socket.on('request:withdrawn', ({ requestId, reason }) => {
      const wasRinging = this.offerMap.has(requestId)
      this.withdraw(requestId, reason)
      // NOTE: the server withdraws first, then (if the tenant says so) sets the agent Not
      // ready; one "missed" notice covers both, so wait a moment for the second.
      if (reason === 'expired' && wasRinging) {
        clearTimeout(this.missedTimer)
        this.missedTimer = setTimeout(() => {
          this.missedTimer = undefined
          this.emit('missed', false)
        }, MISSED_WINDOW_MS)
      }
    })
    socket.on('offer:hold', (hold) => {
      this.hold = hold
      this.emit('change')
    })
    socket.on('offer:hold-ended', ({ offerId }) => {
      if (this.hold?.offerId !== offerId) return
      this.hold = null
      this.emit('change')
    })
    // ChannelSync adopts joined channels itself; this only tells the UI to open a tab.
    socket.on('channel:joined', (channel) => this.emit('joined', channel))
    socket.on('error', (error) => this.emit('problem', error))
  }

  private withdraw(requestId: string, reason: WithdrawReason): void {
    this.announced.delete(requestId)
    if (!this.offerMap.delete(requestId)) return
    this.emit('change')
    this.emit('withdrawn', requestId, reason)
  }

  private announce(request: RequestView): void {
    if (this.announced.has(request.id)) return
    this.announced.add(request.id)
    this.emit('offered', request)
  }

  private async recheckSession(): Promise<void> {
    try {
      if ((await fetchMe()) === null) {
        if (!this.closed) this.emit('unauthorized', 'You were logged out.')
        return
      }
    } catch {
      // server unreachable: keep trying to reconnect below
    }
    this.retryLater(0)
  }

  private retryLater(delayMs = 5000): void {
    clearTimeout(this.retryTimer)
    this.retryTimer = setTimeout(() => {
      if (!this.closed && !this.socket.connected) this.socket.connect()
    }, delayMs)
  }

  private call<E extends 'agent:set-state' | 'request:accept' | 'request:decline'>(event: E, payload: Parameters<AgentClientToServer[E]>[0]): Promise<AckData<AgentClientToServer[E]>> {
    if (this.closed) return Promise.reject(new InvalidStateError('the console session is closed'))
    if (!this.link.connected) return Promise.reject(new Error('Not connected to the server. Try again when the connection is back.'))
    return this.link.call<AckData<AgentClientToServer[E]>>(event, payload)
  }

  private setStatus(status: ConnectionStatus): void {
    if (this.status === status) return
    this.status = status
    this.emit('change')
  }

  private emit<K extends keyof ConsoleSessionEvents>(event: K, ...args: Parameters<ConsoleSessionEvents[K]>): void {
    for (const listener of this.listeners[event]) (listener as (...a: Parameters<ConsoleSessionEvents[K]>) => void)(...args)
  }
}
