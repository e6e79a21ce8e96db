/**
 * Client side of "nothing lost": keeps each channel's log contiguous by seq, resumes after
 * reconnects and gaps, retries unacknowledged sends from an outbox (idempotent through the
 * client message id) and acknowledges what it received. Used by the widget, the agent
 * console, the tests and the bench alike.
 */
import type { ChannelEvent, ChannelFeedEvent } from '../protocol/channel-event.js'
import type { AckedSignal, ResumeResult, SendResult, TypingSignal } from '../protocol/events.js'
import type { ChannelView } from '../protocol/views.js'
import { nextCall } from './call-state.js'
import { nextMembership } from './channel-membership.js'
import { newClientId, type OutboxStore, type PendingMessage } from './outbox-store.js'
import { isFinalError, type SocketLink } from './socket-link.js'

export interface ChannelState {
  view: ChannelView
  /** the events 1..lastSeq this side may see, in seq order (stand-ins for the others are dropped) */
  events: ChannelEvent[]
  lastSeq: number
  /** messages typed here that the server has not confirmed, in send order */
  pending: PendingMessage[]
  typing: Map<string, TypingSignal & { receivedAt: number }>
  /** highest seq acknowledged per participant id */
  acked: Map<string, number>
  /** true until the first resume finished */
  loading: boolean
}

export interface ChannelSyncOptions {
  /** how long a typing preview stays without news */
  typingTtlMs?: number
  /** receipt acks are coalesced over this window */
  ackDelayMs?: number
}

type ChangeListener = (channelId: string) => void

export class ChannelSync {
  readonly channels = new Map<string, ChannelState>()
  private readonly listeners = new Set<ChangeListener>()
  private readonly ahead = new Map<string, Map<number, ChannelFeedEvent>>()
  private readonly resuming = new Map<string, Promise<void>>()
  private readonly resumeAgain = new Set<string>()
  private readonly flushing = new Set<string>()
  private readonly ackSent = new Map<string, number>()
  private readonly ackTimers = new Map<string, ReturnType<typeof setTimeout>>()
  private readonly retryTimers = new Map<string, ReturnType<typeof setTimeout>>()
  private readonly changed = new Set<string>()
  private closed = false
  private readonly typingTtlMs: number
  private readonly ackDelayMs: number

  private readonly onConnect = () => {
    for (const channelId of this.channels.keys()) this.resume(channelId)
  }
  private readonly onJoined = (view: ChannelView) => this.adopt(view)
  private readonly onEvent = (event: ChannelFeedEvent) => this.ingest(event)
  private readonly onTyping = (signal: TypingSignal) => {
    const state = this.channels.get(signal.channelId)
    if (!state) return
    if (signal.text === '') state.typing.delete(signal.participantId)
    else state.typing.set(signal.participantId, { ...signal, receivedAt: Date.now() })
    this.markChanged(signal.channelId)
  }
  private readonly onAcked = (signal: AckedSignal) => {
    const state = this.channels.get(signal.channelId)
    if (!state) return
    state.acked.set(signal.participantId, Math.max(signal.seq, state.acked.get(signal.participantId) ?? 0))
    this.markChanged(signal.channelId)
  }

  constructor(
    /** the socket this sync runs on (calls signal over it too) */
    readonly link: SocketLink,
    private readonly outbox: OutboxStore,
    options: ChannelSyncOptions = {},
  ) {
    this.typingTtlMs = options.typingTtlMs ?? 6000
    this.ackDelayMs = options.ackDelayMs ?? 250
    const socket = link.socket
    socket.on('connect', this.onConnect)
    socket.on('channel:joined', this.onJoined)
    socket.on('channel:event', this.onEvent)
    socket.on('channel:typing', this.onTyping)
    socket.on('channel:acked', this.onAcked)
  }

  /** Called with a channel id whenever that channel's state changed (coalesced per microtask). */
  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Start tracking a channel (from a session or channel:joined) and bring it up to date. */
  adopt(view: ChannelView): ChannelState {
    let state = this.channels.get(view.id)
    if (!state) {
      state = { view, events: [], lastSeq: 0, pending: this.outbox.load(view.id), typing: new Map(), acked: new Map(), loading: true }
      this.channels.set(view.id, state)
    } else {
      state.view = view
    }
    for (const participant of view.participants) state.acked.set(participant.id, Math.max(participant.ackedSeq, state.acked.get(participant.id) ?? 0))
    this.markChanged(view.id)
    this.resume(view.id)
    return state
  }

  /** Forget a channel (the user closed its tab); its outbox stays in the store. */
  forget(channelId: string): void {
    this.channels.delete(channelId)
    this.ahead.delete(channelId)
    this.markChanged(channelId)
  }

  /**
   * Queue a chat message (a whisper among staff, or a private message `to` one participant);
   * it is retried until the server confirms it.
   */
  send(channelId: string, text: string, options: { whisper?: boolean; to?: string } = {}): PendingMessage {
    const state = this.requireChannel(channelId)
    const message: PendingMessage = { clientMsgId: newClientId(), text, createdAt: new Date().toISOString(), ...(options.whisper ? { whisper: true } : {}), ...(options.to ? { to: options.to } : {}) }
    state.pending.push(message)
    this.persistOutbox(state)
    this.markChanged(channelId)
    void this.flush(channelId)
    return message
  }

  /** Drop a message the server refused for good. */
  discard(channelId: string, clientMsgId: string): void {
    const state = this.requireChannel(channelId)
    state.pending = state.pending.filter((message) => message.clientMsgId !== clientMsgId)
    this.persistOutbox(state)
    this.markChanged(channelId)
  }

  /** Try a refused message again (e.g. after the reason went away). */
  retry(channelId: string, clientMsgId: string): void {
    const state = this.requireChannel(channelId)
    for (const message of state.pending) if (message.clientMsgId === clientMsgId) delete message.failed
    this.persistOutbox(state)
    this.markChanged(channelId)
    void this.flush(channelId)
  }

  /** Live preview of what this side is typing (the caller throttles). */
  typing(channelId: string, text: string): void {
    this.link.notify('chat:typing', { channelId, text })
  }

  async leave(channelId: string): Promise<ChannelView> {
    const { channel } = await this.link.call<{ channel: ChannelView }>('channel:leave', { channelId })
    const state = this.channels.get(channelId)
    if (state) state.view = channel
    this.markChanged(channelId)
    return channel
  }

  /** Typing previews that are still fresh. */
  activeTyping(channelId: string): (TypingSignal & { receivedAt: number })[] {
    const state = this.channels.get(channelId)
    if (!state) return []
    const now = Date.now()
    return [...state.typing.values()].filter((signal) => now - signal.receivedAt < this.typingTtlMs)
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    const socket = this.link.socket
    socket.off('connect', this.onConnect)
    socket.off('channel:joined', this.onJoined)
    socket.off('channel:event', this.onEvent)
    socket.off('channel:typing', this.onTyping)
    socket.off('channel:acked', this.onAcked)
    for (const timer of [...this.ackTimers.values(), ...this.retryTimers.values()]) clearTimeout(timer)
    this.ackTimers.clear()
    this.retryTimers.clear()
    this.listeners.clear()
  }

  /** Fetch everything after our last seq, page by page; coalesces concurrent calls. */
  resume(channelId: string): Promise<void> {
    const running = this.resuming.get(channelId)
    if (running) {
      this.resumeAgain.add(channelId)
      return running
    }
    const run = this.runResume(channelId).finally(() => {
      this.resuming.delete(channelId)
      if (this.resumeAgain.delete(channelId) && !this.closed) void this.resume(channelId)
    })
    this.resuming.set(channelId, run)
    return run
  }

  private async runResume(channelId: string): Promise<void> {
    if (!this.link.connected) return
    let state = this.channels.get(channelId)
    while (state && !this.closed) {
      let result: ResumeResult
      try {
        const answer = await this.link.request<ResumeResult>('channel:resume', { channelId, afterSeq: state.lastSeq })
        if (!answer.ok) {
          if (isFinalError(answer.error)) {
            state.loading = false
            this.markChanged(channelId)
          }
          return
        }
        result = answer.data
      } catch {
        return // timed out or disconnected: the next connect resumes
      }
      state = this.channels.get(channelId)
      if (!state) return
      state.view = result.channel
      for (const event of result.events) this.ingest(event)
      if (!result.hasMore) break
    }
    if (state) {
      state.loading = false
      this.markChanged(channelId)
      void this.flush(channelId)
    }
  }

  private ingest(event: ChannelFeedEvent): void {
    const state = this.channels.get(event.channelId)
    if (!state || event.seq <= state.lastSeq) return
    if (event.seq > state.lastSeq + 1) {
      let buffered = this.ahead.get(event.channelId)
      if (!buffered) this.ahead.set(event.channelId, (buffered = new Map()))
      buffered.set(event.seq, event)
      void this.resume(event.channelId) // a gap: something was missed
      return
    }
    this.apply(state, event)
    const buffered = this.ahead.get(event.channelId)
    if (buffered) {
      for (let next = buffered.get(state.lastSeq + 1); next; next = buffered.get(state.lastSeq + 1)) {
        buffered.delete(next.seq)
        this.apply(state, next)
      }
      for (const seq of buffered.keys()) if (seq <= state.lastSeq) buffered.delete(seq)
      if (buffered.size === 0) this.ahead.delete(event.channelId)
    }
    this.scheduleAck(event.channelId)
    this.markChanged(event.channelId)
  }

  private apply(state: ChannelState, event: ChannelFeedEvent): void {
    state.lastSeq = event.seq
    if (event.type === 'hidden') return
    state.events.push(event)
    if (event.clientMsgId && state.pending.some((message) => message.clientMsgId === event.clientMsgId)) {
      state.pending = state.pending.filter((message) => message.clientMsgId !== event.clientMsgId)
      this.persistOutbox(state)
    }
    if (event.type === 'chat.message' && event.author.participantId) state.typing.delete(event.author.participantId)
    if (event.type === 'channel.ended') {
      state.view = { ...state.view, status: 'ended', endReason: event.payload.reason, endedAt: event.at, call: null }
      state.typing.clear()
    }
    const call = nextCall(state.view.call ?? null, event)
    if (call !== (state.view.call ?? null)) state.view = { ...state.view, call }
    const view = nextMembership(state.view, event)
    if (view !== state.view) state.view = view
  }

  /** Send pending messages one at a time, in order, until the outbox is empty or we are offline. */
  private async flush(channelId: string): Promise<void> {
    if (this.flushing.has(channelId)) return
    this.flushing.add(channelId)
    try {
      for (;;) {
        const state = this.channels.get(channelId)
        const next = state?.pending.find((message) => !message.failed)
        if (!state || !next || !this.link.connected || this.closed) return
        let confirmed: SendResult | undefined
        try {
          const answer = await this.link.request<SendResult>('chat:send', { channelId, clientMsgId: next.clientMsgId, text: next.text, whisper: next.whisper ?? false, to: next.to ?? null })
          if (answer.ok) confirmed = answer.data
          else if (isFinalError(answer.error)) next.failed = answer.error.message
          else {
            // retryable: a rate limit says when to try again; anything else waits for the next connect
            if (answer.error.retryAfterMs !== undefined) this.flushLater(channelId, answer.error.retryAfterMs)
            return
          }
        } catch {
          // No answer (the server may have died mid-request): try again at once if we are
          // connected again, else the next connect does; the client id makes it idempotent.
          if (this.link.connected) continue
          return
        }
        if (confirmed) {
          state.pending = state.pending.filter((message) => message.clientMsgId !== next.clientMsgId)
          this.ingest(confirmed.event) // the sender's copy comes with the ack, not the fan-out
        }
        this.persistOutbox(state)
        this.markChanged(channelId)
      }
    } finally {
      this.flushing.delete(channelId)
    }
  }

  /** Flush again once a rate limit's hinted wait is over (at most a minute). */
  private flushLater(channelId: string, delayMs: number): void {
    if (this.closed || this.retryTimers.has(channelId)) return
    const timer = setTimeout(() => {
      this.retryTimers.delete(channelId)
      void this.flush(channelId)
    }, Math.min(Math.max(delayMs, 100), 60_000))
    this.retryTimers.set(channelId, timer)
  }

  private scheduleAck(channelId: string): void {
    if (this.ackTimers.has(channelId)) return
    this.ackTimers.set(
      channelId,
      setTimeout(() => {
        this.ackTimers.delete(channelId)
        const state = this.channels.get(channelId)
        // An ended channel takes no more acks (the server refuses them).
        if (!state || state.view.status === 'ended' || state.lastSeq <= (this.ackSent.get(channelId) ?? 0)) return
        this.ackSent.set(channelId, state.lastSeq)
        this.link.notify('channel:ack', { channelId, seq: state.lastSeq })
      }, this.ackDelayMs),
    )
  }

  private persistOutbox(state: ChannelState): void {
    this.outbox.save(state.view.id, state.pending)
  }

  private requireChannel(channelId: string): ChannelState {
    const state = this.channels.get(channelId)
    if (!state) throw new Error(`unknown channel ${channelId}`)
    return state
  }

  private markChanged(channelId: string): void {
    if (this.changed.size === 0) {
      queueMicrotask(() => {
        const ids = [...this.changed]
        this.changed.clear()
        for (const id of ids) for (const listener of this.listeners) listener(id)
      })
    }
    this.changed.add(channelId)
  }
}
