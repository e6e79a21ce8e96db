/**
 * What every SIP transport of ours does on top of the socket, as a sip.js `Transport`.
 *
 * sip.js 0.21 was written for one WebSocket to one proxy: `send(message)` gets no destination,
 * and its transaction layer leaves out the timers a datagram transport needs. So the transport
 * routes and keeps the small amount of state RFC 3261 puts below the transaction user:
 * - requests go to the top Route (loose routing), else to the outbound proxy (the trunk) when
 *   out of dialog, else to the Request-URI; CANCEL and the ACK of a failed INVITE follow the
 *   INVITE (RFC 3261 9.1, 17.1.1.3);
 * - responses go to the top Via, honouring `received`/`rport` (18.2.2, RFC 3581);
 * - the top Via of incoming requests gets `received` and `rport=<source port>` (18.2.1, 3581);
 * - our Via gets our port: sip.js writes no port, and a peer that ignores rport would answer
 *   on 5060;
 * - "Timer J": final responses to non-INVITE requests are replayed to retransmissions for
 *   64*T1 (sip.js drops the transaction at once, so a retransmitted BYE would get a 481);
 * - "Timer D": a retransmitted failure response to our INVITE gets our ACK again.
 * Datagram retransmission of requests (Timers A/E) lives in UdpTransport.
 */
import type { Logger } from 'pino'
import { pino } from 'pino'
import { EmitterImpl, TransportState, type Emitter, type Transport } from 'sip.js'
import { SipTransportError } from './errors.js'
import {
  cseqMethod,
  formatVia,
  hasToTag,
  headerValue,
  isResponseLine,
  joinMessage,
  parseRequestLine,
  parseStatusLine,
  replaceTopVia,
  splitList,
  splitMessage,
  topVia,
  uriPeer,
  type Peer,
  type RawMessage,
} from './raw-message.js'

export type SipProtocol = 'UDP' | 'TCP' | 'TLS'

/** Where an inbound message came from (for TCP/TLS: the connection it arrived on). */
export interface Source extends Peer {
  protocol: SipProtocol
}

export interface SipTransportOptions {
  /** local address to bind */
  bindIp: string
  /** local port; 0 picks one */
  port: number
  /** address we put in Via (and the bridge in Contact); default bindIp */
  announcedIp?: string
  /** out-of-dialog requests go here (the trunk) */
  outboundProxy?: Peer
  log?: Logger
  /** RFC 3261 T1 in ms (tests may shorten it) */
  t1Ms?: number
  /** TLS only */
  tls?: TlsSettings
}

export interface TlsSettings {
  ca?: string
  cert?: string
  key?: string
  rejectUnauthorized: boolean
  servername?: string
}

export interface TransportStats {
  received: number
  sent: number
  /** our requests sent again by Timer A/E */
  retransmissions: number
  /** peer retransmissions answered from the response cache (Timer J) or re-ACKed (Timer D) */
  absorbed: number
  /** messages that were not SIP at all or could not be framed */
  dropped: number
}

/** The inbound hook the bridge installs instead of sip.js's `onMessage` (it needs the source). */
export type InboundListener = (raw: string, source: Source) => void

export const T2_MS = 4000
const CACHE_MAX = 20_000

/** A Map whose entries expire; swept on access and by a slow timer. Bounded by CACHE_MAX. */
export class ExpiringMap<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>()
  get(key: string): V | undefined {
    const entry = this.entries.get(key)
    if (!entry) return undefined
    if (entry.expires < Date.now()) {
      this.entries.delete(key)
      return undefined
    }
    return entry.value
  }
  set(key: string, value: V, ttlMs: number): void {
    this.entries.delete(key)
    this.entries.set(key, { value, expires: Date.now() + ttlMs })
    if (this.entries.size > CACHE_MAX) this.entries.delete(this.entries.keys().next().value!)
  }
  delete(key: string): void {
    this.entries.delete(key)
  }
  sweep(): void {
    const now = Date.now()
    for (const [key, entry] of this.entries) if (entry.expires < now) this.entries.delete(key)
  }
  clear(): void {
    this.entries.clear()
  }
}

export interface OutgoingInfo {
  request: boolean
  method: string
  branch: string | undefined
  status?: number
}

export abstract class SipTransport implements Transport {
  abstract readonly protocol: SipProtocol
  /** true for TCP/TLS: no retransmissions, no response cache */
  protected abstract readonly reliable: boolean

  onConnect: (() => void) | undefined
  onDisconnect: ((error?: Error) => void) | undefined
  onMessage: ((message: string) => void) | undefined
  /** When set, inbound messages go here (with their source) instead of to `onMessage`. */
  onInbound: InboundListener | undefined

  readonly stats: TransportStats = { received: 0, sent: 0, retransmissions: 0, absorbed: 0, dropped: 0 }
  protected readonly log: Logger
  protected readonly options: SipTransportOptions
  protected readonly t1: number

  private _state: TransportState = TransportState.Disconnected
  private readonly _stateChange = new EmitterImpl<TransportState>()
  private connecting: Promise<void> | undefined
  private bound: Peer | undefined
  private sweeper: NodeJS.Timeout | undefined
  /** branch → where the INVITE went (CANCEL and non-2xx ACK follow it) */
  private readonly inviteDestinations = new ExpiringMap<Peer>()
  /** branch → the ACK we sent for a failure response (Timer D) */
  private readonly sentAcks = new ExpiringMap<{ raw: string; dest: Peer }>()
  /** branch|method → our final response to a non-INVITE request (Timer J) */
  private readonly sentResponses = new ExpiringMap<{ raw: string; dest: Peer }>()

  /** sip.js constructs transports itself: (logger, transportOptions). We ignore its logger. */
  constructor(_sipjsLogger: unknown, options: SipTransportOptions) {
    this.options = options
    this.log = options.log ?? pino({ level: 'silent' })
    this.t1 = options.t1Ms ?? 500
  }

  get state(): TransportState {
    return this._state
  }
  get stateChange(): Emitter<TransportState> {
    return this._stateChange
  }
  isConnected(): boolean {
    return this._state === TransportState.Connected
  }

  /** The bound local address (after connect). */
  get localAddress(): Peer {
    if (!this.bound) throw new SipTransportError('transport not started')
    return this.bound
  }

  /** Host we write in Via / Contact. */
  get viaHost(): string {
    return this.options.announcedIp ?? this.options.bindIp
  }

  connect(): Promise<void> {
    if (this._state === TransportState.Connected) return Promise.resolve()
    if (this.connecting) return this.connecting
    this.setState(TransportState.Connecting)
    this.connecting = this.open()
      .then((bound) => {
        this.bound = bound
        this.sweeper = setInterval(() => this.sweep(), 5_000)
        this.sweeper.unref()
        this.setState(TransportState.Connected)
        this.onConnect?.()
      })
      .catch((error: unknown) => {
        this.setState(TransportState.Disconnected)
        throw new SipTransportError(`cannot listen on ${this.protocol} ${this.options.bindIp}:${this.options.port}: ${String(error)}`, { cause: error })
      })
      .finally(() => {
        this.connecting = undefined
      })
    return this.connecting
  }

  async disconnect(): Promise<void> {
    if (this._state === TransportState.Disconnected && !this.bound) return
    if (this.sweeper) clearInterval(this.sweeper)
    this.sweeper = undefined
    this.inviteDestinations.clear()
    this.sentAcks.clear()
    this.sentResponses.clear()
    this.bound = undefined
    await this.close()
    this.setState(TransportState.Disconnected)
    this.onDisconnect?.()
  }

  dispose(): Promise<void> {
    return this.disconnect()
  }

  /** sip.js hands us every outgoing message here; we pick the destination. */
  send(message: string): Promise<void> {
    if (!this.isConnected()) return Promise.reject(new SipTransportError('transport not connected'))
    const parsed = splitMessage(message)
    if (!parsed) return Promise.reject(new SipTransportError('refusing to send a message without a header end'))
    const startLine = parsed.lines[0]!
    return isResponseLine(startLine) ? this.sendResponse(parsed) : this.sendRequest(parsed, startLine)
  }

  /** Write raw text to a peer as is (stateless replies to messages sip.js cannot parse). */
  sendTo(raw: string, peer: Peer): Promise<void> {
    this.stats.sent++
    return this.write(raw, peer, { request: false, method: '', branch: undefined })
  }

  private sendRequest(message: RawMessage, startLine: string): Promise<void> {
    const requestLine = parseRequestLine(startLine)
    if (!requestLine) return Promise.reject(new SipTransportError(`bad request line: ${startLine}`))
    const via = topVia(message)
    const branch = via?.params.get('branch')
    const branchId = typeof branch === 'string' ? branch : undefined
    if (via && via.port === undefined && via.host === this.viaHost && this.bound) {
      via.port = this.bound.port
      replaceTopVia(message, formatVia(via))
    }
    const method = requestLine.method
    let dest: Peer | undefined
    if ((method === 'CANCEL' || method === 'ACK') && branchId) dest = this.inviteDestinations.get(branchId)
    if (method === 'ACK' && dest && branchId) {
      // ACK with the INVITE's branch: it acknowledges a failure response (2xx ACKs get a new branch)
      this.sentAcks.set(branchId, { raw: joinMessage(message), dest }, 64 * this.t1)
    }
    dest ??= this.requestDestination(message, requestLine.uri)
    if (!dest) return Promise.reject(new SipTransportError(`no destination for ${method} ${requestLine.uri}`))
    if (method === 'INVITE' && branchId) this.inviteDestinations.set(branchId, dest, 64 * this.t1 + 32_000)
    const raw = joinMessage(message)
    this.stats.sent++
    this.traceOut(raw, dest)
    return this.write(raw, dest, { request: true, method, branch: branchId })
  }

  private requestDestination(message: RawMessage, requestUri: string): Peer | undefined {
    const defaultPort = this.protocol === 'TLS' ? 5061 : 5060
    const route = headerValue(message, 'route')
    if (route !== undefined) {
      // The next hop is the first route entry, loose (;lr) or not: sip.js does not do strict
      // routing (which would also rewrite the R-URI), and every trunk we know uses lr.
      const first = splitList(route)[0]
      const peer = first === undefined ? undefined : uriPeer(first, defaultPort)
      if (peer) return peer
    }
    if (!hasToTag(message) && this.options.outboundProxy) return this.options.outboundProxy
    return uriPeer(requestUri, defaultPort)
  }

  private sendResponse(message: RawMessage): Promise<void> {
    const via = topVia(message)
    if (!via) return Promise.reject(new SipTransportError('response without Via'))
    const status = parseStatusLine(message.lines[0]!) ?? 0
    const method = cseqMethod(message) ?? ''
    const branch = via.params.get('branch')
    const branchId = typeof branch === 'string' ? branch : undefined
    const received = via.params.get('received')
    const rport = via.params.get('rport')
    const dest: Peer = {
      host: typeof received === 'string' ? received : via.host,
      port: typeof rport === 'string' ? Number(rport) : (via.port ?? (this.protocol === 'TLS' ? 5061 : 5060)),
    }
    const raw = joinMessage(message)
    if (!this.reliable && branchId && status >= 200 && method !== 'INVITE' && method !== 'ACK') {
      this.sentResponses.set(`${branchId}|${method}`, { raw, dest }, 64 * this.t1)
    }
    this.stats.sent++
    this.traceOut(raw, dest)
    return this.write(raw, dest, { request: false, method, branch: branchId, status })
  }

  /** Subclasses call this with each framed inbound message. */
  protected receive(raw: string, source: Source): void {
    if (raw.trim() === '') return // CRLF keep-alive (RFC 5626 4.4.1)
    const message = splitMessage(raw)
    if (!message) {
      this.stats.dropped++
      this.log.debug({ source, size: raw.length }, 'sip: dropped a message without a header end')
      return
    }
    this.stats.received++
    const startLine = message.lines[0]!
    let text = raw
    if (isResponseLine(startLine)) {
      const via = topVia(message)
      const branch = via?.params.get('branch')
      const status = parseStatusLine(startLine)
      const method = cseqMethod(message)
      if (typeof branch === 'string' && status !== undefined && method !== undefined) {
        this.onResponseReceived(branch, method, status)
        if (method === 'INVITE' && status >= 300) {
          const ack = this.sentAcks.get(branch)
          if (ack) {
            // a retransmitted failure response: sip.js already forgot the transaction (Timer D = 0)
            this.stats.absorbed++
            void this.write(ack.raw, ack.dest, { request: true, method: 'ACK', branch }).catch(() => undefined)
            return
          }
        }
      }
    } else {
      const via = topVia(message)
      if (via) {
        if (via.host !== source.host) via.params.set('received', source.host)
        if (via.params.has('rport')) via.params.set('rport', String(source.port))
        replaceTopVia(message, formatVia(via))
        text = joinMessage(message)
        const branch = via.params.get('branch')
        const method = parseRequestLine(startLine)?.method
        if (!this.reliable && typeof branch === 'string' && method && method !== 'INVITE' && method !== 'ACK') {
          const cached = this.sentResponses.get(`${branch}|${method}`)
          if (cached) {
            this.stats.absorbed++
            void this.write(cached.raw, cached.dest, { request: false, method, branch }).catch(() => undefined)
            return
          }
        }
      }
    }
    if (this.log.isLevelEnabled('trace')) this.log.trace({ dir: 'in', source, raw: text }, 'sip message')
    try {
      if (this.onInbound) this.onInbound(text, source)
      else this.onMessage?.(text)
    } catch (error) {
      // NOTE: a throw from sip.js while handling one message must not take the socket down
      this.log.error({ err: error, source }, 'sip: error handling an inbound message')
    }
  }

  private traceOut(raw: string, dest: Peer): void {
    if (this.log.isLevelEnabled('trace')) this.log.trace({ dir: 'out', dest, raw }, 'sip message')
  }

  private sweep(): void {
    this.inviteDestinations.sweep()
    this.sentAcks.sweep()
    this.sentResponses.sweep()
  }

  private setState(state: TransportState): void {
    if (this._state === state) return
    this._state = state
    this._stateChange.emit(state)
  }

  /** Bind/listen; resolve with the bound address. */
  protected abstract open(): Promise<Peer>
  /** Close sockets, stop timers. */
  protected abstract close(): Promise<void>
  /** Put bytes on the wire. */
  protected abstract write(raw: string, dest: Peer, info: OutgoingInfo): Promise<void>
  /** A response to one of our requests arrived (UDP stops retransmitting it). */
  protected onResponseReceived(_branch: string, _method: string, _status: number): void {}
}
