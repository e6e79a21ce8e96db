/**
 * Backpressure on slow sockets. A client that reads slower than we write makes its engine.io
 * write buffer (packets waiting for the transport) and its WebSocket's bufferedAmount grow.
 * Above a soft limit at two checks in a row (a backlog that outlived a check interval, not a
 * burst within one tick) the socket joins the `congested` room, which droppable signals
 * (typing previews, the active speaker) leave out; over a hard limit for a while, or far over
 * it at once, the connection is cut. Channel events are never dropped: a cut client reconnects and
 * resumes from its last seq, which is cheaper than holding an unbounded buffer for it.
 */
import type { Socket } from 'socket.io'
import type { Logger } from '../log.js'
import { rooms } from './rooms.js'

type AnySocket = Socket<any, any, any, any>

export interface SocketPressureOptions {
  /** unsent packets above which droppable signals are left out */
  dropAbovePackets: number
  /** unsent packets or bytes above which, held for `closeAfterMs`, the connection is cut */
  closeAbovePackets: number
  closeAboveBytes: number
  closeAfterMs: number
  /** how often buffers are looked at (the soft limit is also checked on every packet) */
  checkEveryMs?: number
}

export interface PressureLevel {
  /** packets waiting in engine.io's write buffer */
  packets: number
  /** bytes the WebSocket has queued but not yet handed to the kernel */
  bytes: number
}

interface Watched {
  socket: AnySocket
  congested: boolean
  /** over the soft limit at the last check */
  wasOver: boolean
  /** since when the socket is over the hard limit */
  overSince: number | null
}

/** What we read of engine.io's connection (its public fields, typed loosely on purpose). */
interface EngineConnection {
  writeBuffer: unknown[]
  transport: { name: string; socket?: { bufferedAmount?: number; terminate?: () => void } }
  on(event: 'packetCreate', listener: () => void): void
  off(event: 'packetCreate', listener: () => void): void
  close(discard?: boolean): void
}

export class SocketPressure {
  private readonly watched = new Map<string, Watched>()
  private readonly timer: NodeJS.Timeout
  private counts = { congested: 0, cut: 0 }
  private readonly checkEveryMs: number

  constructor(
    private readonly options: SocketPressureOptions,
    private readonly log: Logger,
  ) {
    this.checkEveryMs = options.checkEveryMs ?? Math.max(50, Math.min(1000, Math.floor(options.closeAfterMs / 4)))
    this.timer = setInterval(() => this.sweep(), this.checkEveryMs)
    this.timer.unref()
  }

  /** Watch a socket from its connection until it disconnects. */
  watch(socket: AnySocket): void {
    const entry: Watched = { socket, congested: false, wasOver: false, overSince: null }
    const key = `${socket.nsp.name}#${socket.id}`
    this.watched.set(key, entry)
    const conn = socket.conn as unknown as EngineConnection
    // NOTE: per packet only a cheap bound on memory; the limits proper are looked at by the sweep.
    const onPacket = () => {
      if (conn.writeBuffer.length >= this.options.closeAbovePackets * 4) this.cut(entry, 'far over the buffer limit')
    }
    conn.on('packetCreate', onPacket)
    socket.once('disconnect', () => {
      conn.off('packetCreate', onPacket)
      this.watched.delete(key)
    })
  }

  /** The buffers of a connected socket (`namespace`: '/visitor' or '/agent'), or null. */
  level(namespace: string, socketId: string): PressureLevel | null {
    const entry = this.watched.get(`${namespace}#${socketId}`)
    return entry ? levelOf(entry.socket) : null
  }

  /** Sockets watched, congested now, and cut since start. */
  stats(): { watched: number; congested: number; congestedTotal: number; cut: number } {
    let congested = 0
    for (const entry of this.watched.values()) if (entry.congested) congested++
    return { watched: this.watched.size, congested, congestedTotal: this.counts.congested, cut: this.counts.cut }
  }

  close(): void {
    clearInterval(this.timer)
    this.watched.clear()
  }

  private sweep(): void {
    const now = Date.now()
    for (const entry of this.watched.values()) {
      const { packets, bytes } = levelOf(entry.socket)
      const over = packets >= this.options.dropAbovePackets || bytes >= this.options.closeAboveBytes / 8
      const congested = over && (entry.wasOver || entry.congested)
      entry.wasOver = over
      if (congested !== entry.congested) this.mark(entry, congested)
      const hard = packets >= this.options.closeAbovePackets || bytes >= this.options.closeAboveBytes
      if (!hard) entry.overSince = null
      else if (entry.overSince === null) entry.overSince = now
      else if (now - entry.overSince >= this.options.closeAfterMs) this.cut(entry, 'buffer over the limit for too long')
    }
  }

  private mark(entry: Watched, congested: boolean): void {
    entry.congested = congested
    if (congested) {
      this.counts.congested++
      entry.socket.join(rooms.congested)
    } else entry.socket.leave(rooms.congested)
  }

  /** Cut at once: a graceful close would wait for the very buffer that does not drain. */
  private cut(entry: Watched, why: string): void {
    const { socket } = entry
    const level = levelOf(socket)
    this.watched.delete(`${socket.nsp.name}#${socket.id}`)
    this.counts.cut++
    this.log.warn({ socket: socket.id, namespace: socket.nsp.name, ...level, why }, 'slow socket disconnected')
    const conn = socket.conn as unknown as EngineConnection
    const ws = conn.transport.name === 'websocket' ? conn.transport.socket : undefined
    if (ws?.terminate) ws.terminate()
    else conn.close(true)
  }
}

function levelOf(socket: AnySocket): PressureLevel {
  const conn = socket.conn as unknown as EngineConnection
  const bytes = conn.transport.name === 'websocket' ? (conn.transport.socket?.bufferedAmount ?? 0) : 0
  return { packets: conn.writeBuffer.length, bytes }
}
