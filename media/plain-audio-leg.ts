/**
 * A phone (SIP) leg of a room: plain RTP/AVP PCMU audio on a UDP port pair (RTP even port,
 * RTCP on the next one, no rtcp-mux), produced into the room and fed with the room's audio.
 *
 * The SIP bridge puts `localIp:localPort` in its SDP, calls `connect()` with the peer's SDP
 * address, and the peer's audio reaches every participant while theirs reaches the peer.
 *
 * NOTE: the peer does not send straight into a mediasoup PlainTransport. A mediasoup
 * producer must know the SSRC of the RTP it receives, and SIP peers seldom announce theirs
 * (and change it on re-INVITEs and transfers). So the leg owns the public sockets and relays
 * on loopback to a mediasoup PlainTransport (rtcpMux false, PCMU): it latches the peer's
 * address from its first packet (comedia / symmetric RTP, so NAT works), rewrites the SSRC
 * of inbound PCMU to the producer's fixed one, reports RFC 4733 DTMF (`dtmf` event), drops
 * other payload types, and sends the room's audio to the latched (or connected) address.
 *
 * NOTE: an SFU does not transcode or mix. The leg consumes every audio producer in PCMU, so
 * browser participants of a phone room must produce PCMU (see MediaRoom.audioCodecFor);
 * Opus producers are skipped (listed in getStats().skippedProducerIds). Several producers
 * reach the peer as several SSRCs on one port; most SIP peers play one at a time.
 */
import type dgram from 'node:dgram'
import { EventEmitter } from 'node:events'
import net from 'node:net'
import { InvalidStateError, MediaRequestError } from './errors.js'
import { type MediaConfig, rtpRangeStart } from './media-config.js'
import { dtmfDigit, isRtp, parseTelephoneEvent, payloadType, setSsrc } from './rtp-packet.js'
import type { ProducerAppData, RtpCounters, ms } from './types.js'
import { bindUdp, bindUdpPortPair, type UdpPortPair } from './udp-port-pair.js'

export interface PlainAudioLegOptions {
  /** id of the leg, unique in the room; it stands as the participant id in events and usage */
  legId: string
  /** RTP payload type of telephone-event/8000 negotiated in the SDP (default 101) */
  dtmfPayloadType?: number
}

/** What a leg needs from its room. */
export interface PlainAudioLegContext {
  router: ms.Router
  config: MediaConfig
}

/** An RFC 4733 key press received from the peer. */
export interface DtmfEvent {
  legId: string
  digit: string
  durationMs: number
}

export interface RemoteAddress {
  ip: string
  port: number
  rtcpPort: number
}

export type PlainAudioLegEvents = {
  /** the peer's first RTP packet fixed its address (symmetric RTP) */
  latched: [{ ip: string; port: number }]
  /** first PCMU packet relayed into the room */
  'first-packet': []
  dtmf: [DtmfEvent]
  close: []
}

export interface PlainAudioLegStats {
  legId: string
  /** RTP from the peer (all payload types) */
  in: RtpCounters
  /** RTP sent to the peer */
  out: RtpCounters
  remote: RemoteAddress | undefined
  latched: boolean
  consumerIds: string[]
  /** audio producers the leg cannot hear (not PCMU) */
  skippedProducerIds: string[]
}

const PCMU = { mimeType: 'audio/PCMU', clockRate: 8000, channels: 1 } as const
const PCMU_PAYLOAD_TYPE = 0
const LOOPBACK = '127.0.0.1'

/** What a plain PCMU peer can receive. */
const PCMU_CAPABILITIES: ms.RtpCapabilities = {
  codecs: [{ kind: 'audio', ...PCMU, preferredPayloadType: PCMU_PAYLOAD_TYPE }],
  headerExtensions: [],
}

export class PlainAudioLeg extends EventEmitter<PlainAudioLegEvents> {
  readonly legId: string
  readonly #config: MediaConfig
  readonly #router: ms.Router
  readonly #outer: UdpPortPair
  readonly #inner: { rtp: dgram.Socket; rtcp: dgram.Socket }
  readonly #transport: ms.PlainTransport
  readonly #producer: ms.Producer<ProducerAppData>
  readonly #ssrc: number
  readonly #dtmfPayloadType: number
  readonly #consumers = new Map<string, ms.Consumer>()
  readonly #skipped = new Set<string>()
  readonly #in: RtpCounters = { packets: 0, bytes: 0 }
  readonly #out: RtpCounters = { packets: 0, bytes: 0 }
  #remote: RemoteAddress | undefined
  #latchedRtp: { ip: string; port: number } | undefined
  #latchedRtcp: { ip: string; port: number } | undefined
  #relayed = false
  #lastDtmfTimestamp: number | undefined
  /** the stream the peer hears (last SSRC relayed to it), for injected packets */
  #outStream: { ssrc: number; seq: number; timestamp: number; seqOffset: number } | undefined
  #injected: { ssrc: number; offset: number; at: number } | undefined
  #closed = false

  private constructor(init: {
    options: PlainAudioLegOptions
    context: PlainAudioLegContext
    outer: UdpPortPair
    inner: { rtp: dgram.Socket; rtcp: dgram.Socket }
    transport: ms.PlainTransport
    producer: ms.Producer<ProducerAppData>
    ssrc: number
  }) {
    super()
    this.legId = init.options.legId
    this.#dtmfPayloadType = init.options.dtmfPayloadType ?? 101
    this.#config = init.context.config
    this.#router = init.context.router
    this.#outer = init.outer
    this.#inner = init.inner
    this.#transport = init.transport
    this.#producer = init.producer
    this.#ssrc = init.ssrc
    this.#outer.rtp.on('message', (packet, from) => this.#fromPeerRtp(packet, from))
    this.#outer.rtcp.on('message', (packet, from) => this.#fromPeerRtcp(packet, from))
    this.#inner.rtp.on('message', (packet, from) => this.#fromRoom(packet, from, 'rtp'))
    this.#inner.rtcp.on('message', (packet, from) => this.#fromRoom(packet, from, 'rtcp'))
    for (const socket of [this.#outer.rtp, this.#outer.rtcp, this.#inner.rtp, this.#inner.rtcp]) socket.on('error', () => {})
    this.#transport.observer.once('close', () => this.close())
  }

  /** Bind the leg's ports and create its transport and producer (used by MediaRoom). */
  static async create(context: PlainAudioLegContext, options: PlainAudioLegOptions): Promise<PlainAudioLeg> {
    const { config, router } = context
    const sockets: dgram.Socket[] = []
    let transport: ms.PlainTransport | undefined
    try {
      const outer = await bindUdpPortPair(config.listenIp, rtpRangeStart(config), config.rtcMaxPort)
      sockets.push(outer.rtp, outer.rtcp)
      const inner = { rtp: await bindUdp(LOOPBACK, 0), rtcp: await bindUdp(LOOPBACK, 0) }
      sockets.push(inner.rtp, inner.rtcp)
      transport = await router.createPlainTransport({
        listenIp: LOOPBACK,
        rtcpMux: false,
        comedia: false,
        appData: { participantId: options.legId },
      })
      await transport.connect({ ip: LOOPBACK, port: inner.rtp.address().port, rtcpPort: inner.rtcp.address().port })
      const ssrc = (Math.floor(Math.random() * 0xfffffff0) + 1) >>> 0
      const producer = await transport.produce<ProducerAppData>({
        kind: 'audio',
        rtpParameters: {
          codecs: [{ ...PCMU, payloadType: PCMU_PAYLOAD_TYPE }],
          encodings: [{ ssrc }],
          rtcp: { cname: `parley-leg-${options.legId}` },
        },
        appData: { participantId: options.legId, source: 'phone' },
      })
      return new PlainAudioLeg({ options, context, outer, inner, transport, producer, ssrc })
    } catch (error) {
      transport?.close()
      for (const socket of sockets) socket.close()
      throw new MediaRequestError(`could not create phone leg ${options.legId}: ${(error as Error).message}`, { cause: error })
    }
  }

  get closed(): boolean {
    return this.#closed
  }

  /** Address to put in the SDP (announcedIp, else listenIp). */
  get localIp(): string {
    return this.#config.announcedIp ?? this.#config.listenIp
  }

  /** RTP port to put in the SDP (even). */
  get localPort(): number {
    return this.#outer.port
  }

  /** RTCP port (localPort + 1). */
  get localRtcpPort(): number {
    return this.#outer.port + 1
  }

  /** Where the room's audio goes: the latched source, else the connected address. */
  get remote(): RemoteAddress | undefined {
    if (!this.#latchedRtp) return this.#remote
    return {
      ip: this.#latchedRtp.ip,
      port: this.#latchedRtp.port,
      rtcpPort: this.#latchedRtcp?.port ?? this.#remote?.rtcpPort ?? this.#latchedRtp.port + 1,
    }
  }

  /** The producer carrying the peer's audio into the room. */
  get producerId(): string {
    return this.#producer.id
  }

  /** @internal the producer, for the room's observer, watchdog and meter */
  get producer(): ms.Producer<ProducerAppData> {
    return this.#producer
  }

  /** The peer's address from its SDP; audio flows there until the peer's own packets latch it. */
  async connect(remoteIp: string, remotePort: number, remoteRtcpPort = remotePort + 1): Promise<void> {
    this.#assertOpen()
    if (!net.isIP(remoteIp)) throw new MediaRequestError(`not an IP address: ${remoteIp}`)
    for (const port of [remotePort, remoteRtcpPort]) {
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new MediaRequestError(`not a port: ${port}`)
    }
    this.#remote = { ip: remoteIp, port: remotePort, rtcpPort: remoteRtcpPort }
  }

  /** @internal Send another producer's audio to the peer, when it is PCMU (called by the room). */
  async consume(producer: ms.Producer<ProducerAppData>): Promise<void> {
    if (this.#closed || producer.kind !== 'audio' || producer.id === this.#producer.id || this.#hasConsumerOf(producer.id)) return
    if (!this.#router.canConsume({ producerId: producer.id, rtpCapabilities: PCMU_CAPABILITIES })) {
      this.#skipped.add(producer.id)
      producer.observer.once('close', () => this.#skipped.delete(producer.id))
      return
    }
    const consumer = await this.#transport.consume({
      producerId: producer.id,
      rtpCapabilities: PCMU_CAPABILITIES,
      paused: false,
      appData: { participantId: this.legId },
    })
    if (this.#closed) {
      consumer.close()
      return
    }
    this.#consumers.set(consumer.id, consumer)
    consumer.observer.once('close', () => this.#consumers.delete(consumer.id))
  }

  /** Counters of what went to and came from the peer. */
  getStats(): PlainAudioLegStats {
    return {
      legId: this.legId,
      in: { ...this.#in },
      out: { ...this.#out },
      remote: this.remote,
      latched: this.#latchedRtp !== undefined,
      consumerIds: [...this.#consumers.keys()],
      skippedProducerIds: [...this.#skipped],
    }
  }

  /** Close the transport (its producer and consumers) and the sockets. Idempotent. */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    this.#transport.close()
    for (const socket of [this.#outer.rtp, this.#outer.rtcp, this.#inner.rtp, this.#inner.rtcp]) {
      try {
        socket.close()
      } catch {
        // already closed
      }
    }
    this.#consumers.clear()
    this.emit('close')
  }

  #hasConsumerOf(producerId: string): boolean {
    for (const consumer of this.#consumers.values()) if (consumer.producerId === producerId) return true
    return false
  }

  #fromPeerRtp(packet: Buffer, from: dgram.RemoteInfo): void {
    if (this.#closed || !isRtp(packet)) return
    if (!this.#latchedRtp) {
      this.#latchedRtp = { ip: from.address, port: from.port }
      this.emit('latched', { ...this.#latchedRtp })
    } else if (from.address !== this.#latchedRtp.ip || from.port !== this.#latchedRtp.port) {
      return // not our peer
    }
    this.#in.packets++
    this.#in.bytes += packet.length
    const pt = payloadType(packet)
    if (pt === PCMU_PAYLOAD_TYPE) {
      setSsrc(packet, this.#ssrc)
      this.#inner.rtp.send(packet, this.#transport.tuple.localPort, LOOPBACK)
      if (!this.#relayed) {
        this.#relayed = true
        this.emit('first-packet')
      }
    } else if (pt === this.#dtmfPayloadType) {
      const event = parseTelephoneEvent(packet)
      if (event?.end && event.timestamp !== this.#lastDtmfTimestamp) {
        this.#lastDtmfTimestamp = event.timestamp
        const digit = dtmfDigit(event.event)
        if (digit) this.emit('dtmf', { legId: this.legId, digit, durationMs: Math.round(event.duration / 8) })
      }
    }
  }

  #fromPeerRtcp(packet: Buffer, from: dgram.RemoteInfo): void {
    if (this.#closed || packet.length < 8) return
    if (!this.#latchedRtcp) this.#latchedRtcp = { ip: from.address, port: from.port }
    else if (from.address !== this.#latchedRtcp.ip || from.port !== this.#latchedRtcp.port) return
    const rtcpTuple = this.#transport.rtcpTuple
    if (rtcpTuple) this.#inner.rtcp.send(packet, rtcpTuple.localPort, LOOPBACK)
  }

  #fromRoom(packet: Buffer, from: dgram.RemoteInfo, kind: 'rtp' | 'rtcp'): void {
    if (this.#closed || from.address !== LOOPBACK) return
    const remote = this.remote
    if (!remote) return
    if (kind === 'rtp') {
      if (packet.length >= 12) this.#trackOutgoing(packet)
      this.#out.packets++
      this.#out.bytes += packet.length
      this.#outer.rtp.send(packet, remote.port, remote.ip)
    } else {
      this.#outer.rtcp.send(packet, remote.rtcpPort, remote.ip)
    }
  }

  /**
   * Send RTP of our own to the peer (RFC 4733 events, hold audio) inside the stream the peer
   * hears now: its SSRC, the next sequence number (later packets of that stream are
   * renumbered after ours) and timestamps shifted to continue it. Peers expect events in the
   * audio stream; a second SSRC makes some of them switch back and forth between "streams".
   */
  sendToPeer(packet: Buffer): void {
    const remote = this.remote
    if (this.#closed || !remote || packet.length < 12) return
    const out = Buffer.from(packet)
    const stream = (this.#outStream ??= { ssrc: (Math.floor(Math.random() * 0xfffffff0) + 1) >>> 0, seq: Math.floor(Math.random() * 0xffff), timestamp: 0, seqOffset: 0 })
    const timestamp = out.readUInt32BE(4)
    const now = Date.now()
    // a new run of injected packets: map its clock onto the stream's current timestamp
    if (!this.#injected || this.#injected.ssrc !== stream.ssrc || now - this.#injected.at > 200) {
      this.#injected = { ssrc: stream.ssrc, offset: (stream.timestamp - timestamp) >>> 0, at: now }
    }
    this.#injected.at = now
    stream.seq = (stream.seq + 1) & 0xffff
    stream.seqOffset = (stream.seqOffset + 1) & 0xffff
    stream.timestamp = (timestamp + this.#injected.offset) >>> 0
    out.writeUInt16BE(stream.seq, 2)
    out.writeUInt32BE(stream.timestamp, 4)
    out.writeUInt32BE(stream.ssrc, 8)
    this.#out.packets++
    this.#out.bytes += out.length
    this.#outer.rtp.send(out, remote.port, remote.ip)
  }

  /** Remember the stream going out and shift its sequence numbers past what we injected. */
  #trackOutgoing(packet: Buffer): void {
    const ssrc = packet.readUInt32BE(8)
    if (this.#outStream?.ssrc !== ssrc) this.#outStream = { ssrc, seq: packet.readUInt16BE(2), timestamp: 0, seqOffset: 0 }
    const stream = this.#outStream
    if (stream.seqOffset !== 0) packet.writeUInt16BE((packet.readUInt16BE(2) + stream.seqOffset) & 0xffff, 2)
    stream.seq = packet.readUInt16BE(2)
    stream.timestamp = packet.readUInt32BE(4)
  }

  #assertOpen(): void {
    if (this.#closed) throw new InvalidStateError(`phone leg ${this.legId} is closed`)
  }
}
