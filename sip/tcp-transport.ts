/**
 * SIP over TCP for sip.js in Node.
 *
 * A byte stream carries messages back to back, so each one is cut out by its Content-Length
 * (RFC 3261 18.3); a peer that lies about it loses the connection, not the process.
 * Connections are reused both ways: a request we send opens (or reuses) one connection per
 * peer, and requests the peer sends us on it are answered on it. Responses go back on the
 * connection their request came in on (18.2.2); only when it is gone do we connect to the Via.
 * No retransmissions and no response cache: the stream is reliable.
 */
import net from 'node:net'
import type { Peer } from './raw-message.js'
import { ExpiringMap, SipTransport, type OutgoingInfo, type SipProtocol, type SipTransportOptions } from './sip-transport.js'

/** Limits that keep a hostile peer from making us buffer without end. */
export const MAX_HEAD_BYTES = 16 * 1024
export const MAX_BODY_BYTES = 64 * 1024
const IDLE_MS = 10 * 60 * 1000
/** How long a request's connection is remembered for its responses (longest ringing + margin). */
const RESPONSE_ROUTE_MS = 11 * 60 * 1000

export type FramedItem = { kind: 'message'; text: string } | { kind: 'ping' } | { kind: 'error'; reason: string }

/** Cuts a SIP byte stream into messages. */
export class StreamFramer {
  private buffer: Buffer = Buffer.alloc(0)

  push(chunk: Buffer): FramedItem[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk])
    const out: FramedItem[] = []
    for (;;) {
      // keep-alives between messages: CRLFCRLF is a ping (answer CRLF), a lone CRLF a pong
      if (this.buffer.length >= 2 && this.buffer[0] === 13 && this.buffer[1] === 10) {
        if (this.buffer.length >= 4 && this.buffer[2] === 13 && this.buffer[3] === 10) {
          this.buffer = this.buffer.subarray(4)
          out.push({ kind: 'ping' })
          continue
        }
        if (this.buffer.length >= 3 && this.buffer[2] !== 13) {
          this.buffer = this.buffer.subarray(2)
          continue
        }
        break // "\r\n" or "\r\n\r": wait to see whether it is a ping
      }
      const headEnd = this.buffer.indexOf('\r\n\r\n')
      if (headEnd < 0) {
        if (this.buffer.length > MAX_HEAD_BYTES) out.push({ kind: 'error', reason: 'header section too large' })
        break
      }
      if (headEnd > MAX_HEAD_BYTES) {
        out.push({ kind: 'error', reason: 'header section too large' })
        break
      }
      const head = this.buffer.subarray(0, headEnd).toString('utf8')
      const lengthHeader = /^(?:content-length|l)[ \t]*:[ \t]*(\S*)/im.exec(head)
      const length = lengthHeader ? Number(lengthHeader[1]) : 0
      if (!Number.isInteger(length) || length < 0 || length > MAX_BODY_BYTES) {
        out.push({ kind: 'error', reason: `bad Content-Length ${lengthHeader?.[1] ?? ''}` })
        break
      }
      const total = headEnd + 4 + length
      if (this.buffer.length < total) break
      out.push({ kind: 'message', text: this.buffer.subarray(0, total).toString('utf8') })
      this.buffer = this.buffer.subarray(total)
    }
    return out
  }
}

export class TcpTransport extends SipTransport {
  readonly protocol: SipProtocol = 'TCP'
  protected readonly reliable = true
  protected server: net.Server | undefined
  /** open connections by peer `host:port` (outbound: the destination we dialled, and its IP:port) */
  private readonly connections = new Map<string, net.Socket>()
  /** branch of an inbound request → the connection it came on */
  private readonly requestConnections = new ExpiringMap<net.Socket>()

  constructor(sipjsLogger: unknown, options: SipTransportOptions) {
    super(sipjsLogger, options)
  }

  /** Listening server for inbound connections (TLS overrides). */
  protected createServer(onConnection: (socket: net.Socket) => void): net.Server | undefined {
    return net.createServer(onConnection)
  }

  /** Outbound connection (TLS overrides). */
  protected dial(dest: Peer): net.Socket {
    return net.connect({ host: dest.host, port: dest.port })
  }

  /** The event that means "ready to carry SIP" ('secureConnect' for TLS). */
  protected get readyEvent(): string {
    return 'connect'
  }

  protected open(): Promise<Peer> {
    const server = this.createServer((socket) => this.adopt(socket, undefined))
    if (!server) return Promise.resolve({ host: this.options.bindIp, port: this.options.port })
    return new Promise((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.options.port, this.options.bindIp, () => {
        server.off('error', reject)
        server.on('error', (error) => this.log.warn({ err: error }, `sip: ${this.protocol} server error`))
        this.server = server
        const address = server.address() as net.AddressInfo
        resolve({ host: address.address, port: address.port })
      })
    })
  }

  protected async close(): Promise<void> {
    // FIN, not RST: peers (sipp among them) treat a reset as an error; destroy what lingers
    const sockets = [...new Set(this.connections.values())]
    await Promise.all(
      sockets.map(
        (socket) =>
          new Promise<void>((resolve) => {
            if (socket.destroyed) return resolve()
            const timer = setTimeout(() => socket.destroy(), 1000)
            socket.once('close', () => {
              clearTimeout(timer)
              resolve()
            })
            socket.end()
          }),
      ),
    )
    this.connections.clear()
    this.requestConnections.clear()
    const server = this.server
    this.server = undefined
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  private adopt(socket: net.Socket, dialled: Peer | undefined): net.Socket {
    const keys = new Set<string>()
    const register = (): void => {
      const host = socket.remoteAddress?.replace(/^::ffff:/, '')
      if (host && socket.remotePort) keys.add(`${host}:${socket.remotePort}`)
      for (const key of keys) this.connections.set(key, socket)
    }
    if (dialled) keys.add(`${dialled.host}:${dialled.port}`)
    register()
    socket.once(this.readyEvent, register)
    socket.setNoDelay(true)
    socket.setKeepAlive(true, 30_000)
    socket.setTimeout(IDLE_MS, () => socket.destroy())
    const framer = new StreamFramer()
    socket.on('data', (chunk: Buffer) => {
      const host = (socket.remoteAddress ?? dialled?.host ?? '').replace(/^::ffff:/, '')
      const source = { host, port: socket.remotePort ?? dialled?.port ?? 0, protocol: this.protocol }
      for (const item of framer.push(chunk)) {
        if (item.kind === 'ping') socket.write('\r\n')
        else if (item.kind === 'error') {
          this.stats.dropped++
          this.log.warn({ source, reason: item.reason }, 'sip: closing a stream that lost framing')
          socket.destroy()
          return
        } else {
          this.rememberRequestConnection(item.text, socket)
          this.receive(item.text, source)
        }
      }
    })
    socket.on('error', (error) => this.log.debug({ err: error }, `sip: ${this.protocol} connection error`))
    socket.on('close', () => {
      for (const key of keys) if (this.connections.get(key) === socket) this.connections.delete(key)
    })
    return socket
  }

  private rememberRequestConnection(text: string, socket: net.Socket): void {
    if (text.startsWith('SIP/2.0 ')) return
    const branch = /^(?:via|v)[ \t]*:[^\r\n]*?;[ \t]*branch=([^;,\s]+)/im.exec(text)?.[1]
    if (branch) this.requestConnections.set(branch, socket, RESPONSE_ROUTE_MS)
  }

  private connectionFor(dest: Peer, info: OutgoingInfo): net.Socket {
    if (!info.request && info.branch) {
      const socket = this.requestConnections.get(info.branch)
      if (socket && !socket.destroyed) return socket
    }
    const existing = this.connections.get(`${dest.host}:${dest.port}`)
    if (existing && !existing.destroyed) return existing
    return this.adopt(this.dial(dest), dest)
  }

  protected write(raw: string, dest: Peer, info: OutgoingInfo): Promise<void> {
    let socket: net.Socket
    try {
      socket = this.connectionFor(dest, info)
    } catch (error) {
      return Promise.reject(error)
    }
    // NOTE: a connection that fails or closes before the bytes are out calls back with an
    // error (Node fails pending writes of a destroyed stream): the send rejects, sip.js makes it a 503
    return new Promise((resolve, reject) => socket.write(raw, (error) => (error ? reject(error) : resolve())))
  }

  /** Open connections (tests). */
  get connectionCount(): number {
    return new Set(this.connections.values()).size
  }
}
