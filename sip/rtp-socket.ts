/**
 * A plain UDP RTP endpoint implementing RtpIo: the stand-in for a mediasoup PlainTransport in
 * tests and in the load check. It binds the port we announce in SDP, can stream a PCMU tone
 * (20 ms frames), counts what it hears, and latches: once RTP arrives it sends to the address
 * it came from, not to the one in SDP (symmetric RTP; mediasoup calls this `comedia`), which is
 * what keeps audio flowing through NATed trunks.
 */
import dgram from 'node:dgram'
import { isIPv6 } from 'node:net'
import { randomInt } from 'node:crypto'
import type { RemoteRtp, RtpIo } from './rtp-io.js'
import type { Peer } from './raw-message.js'

export interface RtpSocketStats {
  received: number
  sent: number
  /** packets per payload type */
  payloadTypes: Map<number, number>
  /** "ip:port" of every source heard */
  sources: Set<string>
}

/** G.711 µ-law encoding of one 16-bit linear sample. */
export function linearToPcmu(sample: number): number {
  const BIAS = 0x84
  const CLIP = 32635
  let s = Math.max(-32768, Math.min(32767, Math.round(sample)))
  const sign = s < 0 ? 0x80 : 0
  if (sign) s = -s
  if (s > CLIP) s = CLIP
  s += BIAS
  let exponent = 7
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--
  const mantissa = (s >> (exponent + 3)) & 0x0f
  return ~(sign | (exponent << 4) | mantissa) & 0xff
}

/** One second of a 440 Hz tone in PCMU, sliced into 20 ms frames as needed. */
const TONE = Buffer.from(Array.from({ length: 8000 }, (_, i) => linearToPcmu(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000))))

export class RtpSocket implements RtpIo {
  readonly stats: RtpSocketStats = { received: 0, sent: 0, payloadTypes: new Map(), sources: new Set() }
  private remote: Peer | undefined
  private latched: Peer | undefined
  private readonly listeners = new Set<(packet: Buffer) => void>()
  private audioTimer: NodeJS.Timeout | undefined
  private closed = false
  private readonly ssrc = randomInt(0, 2 ** 32)
  private sequence = randomInt(0, 2 ** 16)
  private timestamp = randomInt(0, 2 ** 32)
  /** the event timestamp being rewritten, and its value in our clock */
  private mappedEvent: { from: number; to: number } | undefined

  private constructor(
    private readonly socket: dgram.Socket,
    readonly localIp: string,
    readonly localPort: number,
  ) {
    socket.on('message', (packet, rinfo) => this.onPacket(packet, rinfo))
    socket.on('error', () => undefined)
  }

  /** Bind a socket (port 0: any free port). */
  static open(localIp = '127.0.0.1', port = 0): Promise<RtpSocket> {
    return new Promise((resolve, reject) => {
      const socket = dgram.createSocket(isIPv6(localIp) ? 'udp6' : 'udp4')
      socket.once('error', reject)
      socket.bind(port, localIp, () => {
        socket.off('error', reject)
        resolve(new RtpSocket(socket, localIp, socket.address().port))
      })
    })
  }

  /** `{ localIp, localPort, io }` for placeCall()/answer(). */
  get endpoint(): { localIp: string; localPort: number; io: RtpIo } {
    return { localIp: this.localIp, localPort: this.localPort, io: this }
  }

  /** Where packets go now: the latched source, else the SDP remote. */
  get destination(): Peer | undefined {
    return this.latched ?? this.remote
  }

  setRemote(remote: RemoteRtp): void {
    this.remote = { host: remote.ip, port: remote.port }
  }

  subscribe(listener: (packet: Buffer) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /**
   * Send a packet from elsewhere (RFC 4733 events) in *our* stream while audio is streaming:
   * same SSRC, our sequence numbers, event timestamps mapped into our clock. Peers expect
   * events in the audio stream; a second SSRC makes baresip flip-flop between "streams".
   */
  send(packet: Buffer): void {
    if (this.audioTimer && packet.length >= 12) {
      const out = Buffer.from(packet)
      const eventTimestamp = out.readUInt32BE(4)
      if (this.mappedEvent?.from !== eventTimestamp) this.mappedEvent = { from: eventTimestamp, to: this.timestamp }
      out.writeUInt32BE(this.mappedEvent.to >>> 0, 4)
      out.writeUInt16BE(this.sequence, 2)
      out.writeUInt32BE(this.ssrc, 8)
      this.sequence = (this.sequence + 1) & 0xffff
      return this.transmit(out)
    }
    this.transmit(packet)
  }

  private transmit(packet: Buffer): void {
    const dest = this.destination
    if (this.closed || !dest || dest.host === '0.0.0.0') return
    this.stats.sent++
    this.socket.send(packet, dest.port, dest.host)
  }

  /** Stream the tone as 20 ms PCMU frames until stopAudio()/close(). */
  startAudio(): void {
    if (this.audioTimer || this.closed) return
    let offset = 0
    this.audioTimer = setInterval(() => {
      const packet = Buffer.alloc(12 + 160)
      packet[0] = 0x80
      packet[1] = 0 // PCMU
      packet.writeUInt16BE(this.sequence, 2)
      packet.writeUInt32BE(this.timestamp >>> 0, 4)
      packet.writeUInt32BE(this.ssrc, 8)
      TONE.copy(packet, 12, offset, offset + 160)
      offset = (offset + 160) % TONE.length
      this.sequence = (this.sequence + 1) & 0xffff
      this.timestamp = (this.timestamp + 160) >>> 0
      this.transmit(packet)
    }, 20)
  }

  stopAudio(): void {
    if (this.audioTimer) clearInterval(this.audioTimer)
    this.audioTimer = undefined
  }

  /** Packets received with this payload type. */
  countOf(payloadType: number): number {
    return this.stats.payloadTypes.get(payloadType) ?? 0
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.stopAudio()
    this.listeners.clear()
    this.socket.close()
  }

  private onPacket(packet: Buffer, rinfo: dgram.RemoteInfo): void {
    if (packet.length < 12 || packet[0]! >> 6 !== 2) return
    this.stats.received++
    const payloadType = packet[1]! & 0x7f
    this.stats.payloadTypes.set(payloadType, (this.stats.payloadTypes.get(payloadType) ?? 0) + 1)
    this.stats.sources.add(`${rinfo.address}:${rinfo.port}`)
    this.latched = { host: rinfo.address, port: rinfo.port }
    for (const listener of this.listeners) listener(packet)
  }
}
