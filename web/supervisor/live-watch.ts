/**
 * The supervisors' live feed over the console's `/agent` socket: `supervisor:watch` while
 * someone looks at the live view, the `supervisor:snapshot` pushes in between, and a
 * re-watch after every reconnect (the server forgets watchers with their socket).
 * No UI here; `<parley-supervisor-view>` starts and stops it and renders what it holds.
 */
import type { ErrorBody, SupervisorSnapshot } from '../protocol/events.js'
import type { SocketLink } from '../shared/socket-link.js'

/**
 * idle: nobody watches · loading: waiting for the first snapshot · live: current ·
 * paused: disconnected, showing the last snapshot · forbidden: not a supervisor or admin ·
 * error: the server refused or did not answer (`error` tells why)
 */
export type LiveStatus = 'idle' | 'loading' | 'live' | 'paused' | 'forbidden' | 'error'

/** A method was called on a closed LiveWatch. */
export class InvalidStateError extends Error {
  override name = 'InvalidStateError'
}

export class LiveWatch {
  /** The latest snapshot (kept while paused), or null before the first one. */
  snapshot: SupervisorSnapshot | null = null
  /** Local time the snapshot arrived: the ticking times count from here. */
  receivedAt = 0
  /** Local clock minus server clock, estimated from each snapshot's `updatedAt` (ms). */
  skewMs = 0
  status: LiveStatus = 'idle'
  /** Why status is `error` or `forbidden`. */
  error = ''
  private wanted = false
  /** bumped by every start/stop so a late ack of an earlier call is ignored */
  private generation = 0
  private closed = false
  private readonly listeners = new Set<() => void>()

  private readonly onConnect = () => {
    if (this.wanted) this.send(true)
  }

  private readonly onDisconnect = () => {
    if (this.wanted && this.status !== 'forbidden') this.set('paused')
  }

  private readonly onSnapshot = (snapshot: SupervisorSnapshot) => {
    if (this.wanted) this.accept(snapshot)
  }

  constructor(private readonly link: SocketLink) {
    link.socket.on('connect', this.onConnect)
    link.socket.on('disconnect', this.onDisconnect)
    link.socket.on('supervisor:snapshot', this.onSnapshot)
  }

  /** Someone looks at the live view: watch (now, or as soon as the socket is connected). */
  start(): void {
    if (this.closed) throw new InvalidStateError('the live watch is closed')
    if (this.wanted) return
    this.wanted = true
    this.set(this.snapshot ? (this.link.connected ? 'loading' : 'paused') : 'loading')
    if (this.link.connected) this.send(true)
  }

  /** Nobody looks any more: stop the server's pushes. Idempotent. */
  stop(): void {
    if (this.closed || !this.wanted) return
    this.wanted = false
    this.generation++
    if (this.link.connected) void this.link.request('supervisor:watch', { watch: false }).catch(() => undefined)
    this.set('idle')
  }

  /** Ask again after an error (no-op when not watching or not connected). */
  retry(): void {
    if (this.closed || !this.wanted || !this.link.connected) return
    this.set('loading')
    this.send(true)
  }

  /** Subscribe to changes of snapshot or status; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Detach from the socket for good (the console session closes); idempotent. */
  close(): void {
    if (this.closed) return
    this.closed = true
    this.wanted = false
    this.link.socket.off('connect', this.onConnect)
    this.link.socket.off('disconnect', this.onDisconnect)
    this.link.socket.off('supervisor:snapshot', this.onSnapshot)
    this.listeners.clear()
  }

  private send(watch: true): void {
    const generation = ++this.generation
    this.link.call<{ snapshot: SupervisorSnapshot | null }>('supervisor:watch', { watch }).then(
      ({ snapshot }) => {
        if (generation !== this.generation || !this.wanted) return
        if (snapshot) this.accept(snapshot)
      },
      (error: Error & { body?: ErrorBody }) => {
        if (generation !== this.generation || !this.wanted) return
        this.error = error.body?.message ?? error.message
        this.set(error.body?.code === 'forbidden' ? 'forbidden' : 'error')
      },
    )
  }

  private accept(snapshot: SupervisorSnapshot): void {
    this.snapshot = snapshot
    this.receivedAt = Date.now()
    const serverNow = Date.parse(snapshot.updatedAt)
    if (Number.isFinite(serverNow)) this.skewMs = this.receivedAt - serverNow
    this.error = ''
    this.set('live')
  }

  private set(status: LiveStatus): void {
    this.status = status
    for (const listener of this.listeners) listener()
  }
}
