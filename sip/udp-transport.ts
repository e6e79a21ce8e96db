/**
 * SIP over UDP for sip.js in Node, with the request retransmissions sip.js leaves out
 * ("FIXME: Timer A for unreliable transport not implemented" in its INVITE client
 * transaction, same for Timer E). Without them one lost datagram fails a call.
 *
 * - Timer A (INVITE): resend at T1, 2T1, 4T1, ... until any response arrives.
 * - Timer E (non-INVITE): resend at T1, 2T1, ... capped at T2; after a provisional
 *   response keep resending every T2 until the final one.
 * - Both give up after 64*T1, when sip.js's own Timer B/F reports the timeout.
 * ACKs are never retransmitted by the transport (RFC 3261 17.1.1.2).
 */
import dgram from 'node:dgram'
import { isIPv6 } from 'node:net'
import type { Peer } from './raw-message.js'
import { SipTransport, T2_MS, type OutgoingInfo, type SipTransportOptions } from './sip-transport.js'

/** Datagrams larger than this are not SIP we want to parse. */
const MAX_DATAGRAM = 16 * 1024

interface Pending {
  timer: NodeJS.Timeout
  started: number
  interval: number
  invite: boolean
  /** non-INVITE got a provisional response: resend every T2 from now on */
  proceeding: boolean
}

export class UdpTransport extends SipTransport {
  readonly protocol = 'UDP' as const
  protected readonly reliable = false
  private socket: dgram.Socket | undefined
  private readonly pending = new Map<string, Pending>()

  constructor(sipjsLogger: unknown, options: SipTransportOptions) {
    super(sipjsLogger, options)
  }

  protected open(): Promise<Peer> {
    return new Promise((resolve, reject) => {
      const socket = dgram.createSocket(isIPv6(this.options.bindIp) ? 'udp6' : 'udp4')
      const onBindError = (error: Error): void => reject(error)
      socket.once('error', onBindError)
      socket.bind(this.options.port, this.options.bindIp, () => {
        socket.off('error', onBindError)
        // NOTE: after bind, socket errors (ICMP unreachable on some platforms) are logged, never fatal
        socket.on('error', (error) => this.log.warn({ err: error }, 'sip: udp socket error'))
        socket.on('message', (buffer, rinfo) => {
          if (buffer.length > MAX_DATAGRAM) {
            this.stats.dropped++
            return
          }
          this.receive(buffer.toString('utf8'), { host: rinfo.address, port: rinfo.port, protocol: 'UDP' })
        })
        this.socket = socket
        const address = socket.address()
        resolve({ host: address.address, port: address.port })
      })
    })
  }

  protected async close(): Promise<void> {
    for (const entry of this.pending.values()) clearTimeout(entry.timer)
    this.pending.clear()
    const socket = this.socket
    this.socket = undefined
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()))
  }

  protected write(raw: string, dest: Peer, info: OutgoingInfo): Promise<void> {
    const socket = this.socket
    if (!socket) return Promise.reject(new Error('udp socket closed'))
    const buffer = Buffer.from(raw, 'utf8')
    if (info.request && info.branch && info.method !== 'ACK') this.scheduleRetransmission(`${info.branch}|${info.method}`, buffer, dest, info.method === 'INVITE')
    return new Promise((resolve, reject) => socket.send(buffer, dest.port, dest.host, (error) => (error ? reject(error) : resolve())))
  }

  private scheduleRetransmission(key: string, buffer: Buffer, dest: Peer, invite: boolean): void {
    const previous = this.pending.get(key)
    if (previous) clearTimeout(previous.timer)
    const entry: Pending = { timer: undefined as unknown as NodeJS.Timeout, started: Date.now(), interval: this.t1, invite, proceeding: false }
    const fire = (): void => {
      if (!this.socket || this.pending.get(key) !== entry) return
      if (Date.now() - entry.started >= 64 * this.t1) {
        this.pending.delete(key)
        return
      }
      this.stats.retransmissions++
      this.socket.send(buffer, dest.port, dest.host, (error) => {
        if (error) this.log.debug({ err: error, dest }, 'sip: retransmission failed')
      })
      entry.interval = entry.invite ? entry.interval * 2 : entry.proceeding ? T2_MS : Math.min(entry.interval * 2, T2_MS)
      entry.timer = setTimeout(fire, entry.interval)
      entry.timer.unref()
    }
    entry.timer = setTimeout(fire, entry.interval)
    entry.timer.unref()
    this.pending.set(key, entry)
  }

  protected override onResponseReceived(branch: string, method: string, status: number): void {
    const key = `${branch}|${method}`
    const entry = this.pending.get(key)
    if (!entry) return
    if (entry.invite || status >= 200) {
      clearTimeout(entry.timer)
      this.pending.delete(key)
    } else if (!entry.proceeding) {
      // Timer E in "Proceeding": keep going, but every T2
      entry.proceeding = true
    }
  }

  /** Requests still being retransmitted (for tests and stats). */
  get pendingRetransmissions(): number {
    return this.pending.size
  }
}
