/**
 * One WebRTC participant of a room: a send and a receive transport (through the worker's
 * WebRtcServer), its producers (microphone, camera, screen) and its consumers of the other
 * participants' producers. Every id a client sends back is checked to belong to it.
 */
import { EventEmitter } from 'node:events'
import { InvalidStateError, MediaConflictError, MediaNotFoundError, MediaRequestError } from './errors.js'
import type { MediaConfig } from './media-config.js'
import type { MediaSource, ProducerAppData, RtpCounters, ms } from './types.js'

export type TransportDirection = 'send' | 'recv'

/** What a mediasoup-client Device needs to create its transport. */
export interface WebRtcTransportParams {
  id: string
  direction: TransportDirection
  iceParameters: ms.IceParameters
  iceCandidates: ms.IceCandidate[]
  dtlsParameters: ms.DtlsParameters
}

export interface ProduceOptions {
  transportId: string
  kind: ms.MediaKind
  rtpParameters: ms.RtpParameters
  /** 'audio' for a microphone, 'video' for a camera, 'screen' for screen sharing */
  source: Exclude<MediaSource, 'phone'>
  paused?: boolean
}

/** What a mediasoup-client recv transport needs to consume (`transport.consume(params)`). */
export interface ConsumerParams {
  id: string
  producerId: string
  kind: ms.MediaKind
  rtpParameters: ms.RtpParameters
  /** owner of the producer, and what it carries */
  participantId: string
  source: MediaSource
  producerPaused: boolean
}

export interface ParticipantStats {
  participantId: string
  /** what the participant sent to the SFU (sum over its producers) */
  in: RtpCounters
  /** what the SFU sent to the participant (sum over its consumers) */
  out: RtpCounters
  producers: (RtpCounters & { producerId: string; source: MediaSource; paused: boolean })[]
  consumers: (RtpCounters & { consumerId: string; producerId: string; paused: boolean })[]
}

export type ConsumerChange = 'producer-paused' | 'producer-resumed' | 'closed'

export type MediaParticipantEvents = {
  /** a consumer's producer paused/resumed or the consumer closed (tell the client) */
  'consumer-changed': [{ consumerId: string; producerId: string; change: ConsumerChange }]
  close: []
}

/** What a participant needs from its room. */
export interface MediaParticipantContext {
  roomId: string
  router: ms.Router
  webRtcServer: ms.WebRtcServer
  config: MediaConfig
  /** register a new producer (observer, watchdog, usage, other participants) */
  producerCreated(producer: ms.Producer<ProducerAppData>): void
  /** a new WebRTC transport (watched for ICE/DTLS failures) */
  transportCreated(participantId: string, transport: ms.WebRtcTransport): void
  /** the room's producer with this id, if any */
  findProducer(producerId: string): ms.Producer<ProducerAppData> | undefined
  /** every producer of the room */
  allProducers(): ms.Producer<ProducerAppData>[]
  /** the room is closing (its participants' consumers close without notice) */
  roomClosed(): boolean
}

const SOURCE_KIND: Record<ProduceOptions['source'], ms.MediaKind> = { audio: 'audio', video: 'video', screen: 'video' }

export class MediaParticipant extends EventEmitter<MediaParticipantEvents> {
  readonly id: string
  readonly #context: MediaParticipantContext
  readonly #transports = new Map<string, { transport: ms.WebRtcTransport; direction: TransportDirection }>()
  readonly #producers = new Map<string, ms.Producer<ProducerAppData>>()
  readonly #consumers = new Map<string, ms.Consumer>()
  #rtpCapabilities: ms.RtpCapabilities | undefined
  #maxIncomingBitrate: number
  #closed = false

  /** @internal created by MediaRoom.join */
  constructor(context: MediaParticipantContext, id: string, rtpCapabilities?: ms.RtpCapabilities) {
    super()
    this.id = id
    this.#context = context
    this.#rtpCapabilities = rtpCapabilities
    this.#maxIncomingBitrate = context.config.maxIncomingBitrate
  }

  get closed(): boolean {
    return this.#closed
  }

  /** The client's device capabilities (from join or setRtpCapabilities). */
  get rtpCapabilities(): ms.RtpCapabilities | undefined {
    return this.#rtpCapabilities
  }

  /** Set the client's device capabilities (needed before consume). */
  setRtpCapabilities(rtpCapabilities: ms.RtpCapabilities): void {
    this.#assertOpen()
    this.#rtpCapabilities = rtpCapabilities
  }

  /**
   * Create the send or receive transport. One per direction: creating another one closes the
   * previous one (and its producers or consumers), which is what a client reconnecting wants.
   */
  async createTransport(direction: TransportDirection): Promise<WebRtcTransportParams> {
    this.#assertOpen()
    for (const [id, entry] of this.#transports) {
      if (entry.direction !== direction) continue
      this.#transports.delete(id)
      entry.transport.close()
    }
    const { router, webRtcServer, config } = this.#context
    const transport = await router.createWebRtcTransport({
      webRtcServer,
      enableUdp: true,
      enableTcp: config.enableTcp,
      preferUdp: true,
      initialAvailableOutgoingBitrate: config.initialAvailableOutgoingBitrate,
      appData: { participantId: this.id, direction },
    })
    if (this.#closed) {
      transport.close()
      throw new InvalidStateError(`participant ${this.id} left`)
    }
    if (direction === 'send') await transport.setMaxIncomingBitrate(this.#maxIncomingBitrate).catch(() => {})
    this.#transports.set(transport.id, { transport, direction })
    transport.observer.once('close', () => this.#transports.delete(transport.id))
    this.#context.transportCreated(this.id, transport)
    return { id: transport.id, direction, iceParameters: transport.iceParameters, iceCandidates: transport.iceCandidates, dtlsParameters: transport.dtlsParameters }
  }

  /** Complete the DTLS handshake parameters of a transport (mediasoup-client 'connect' event). */
  async connectTransport(transportId: string, dtlsParameters: ms.DtlsParameters): Promise<void> {
    const transport = this.#transport(transportId)
    try {
      await transport.connect({ dtlsParameters })
    } catch (error) {
      throw new MediaRequestError(`cannot connect transport ${transportId}: ${(error as Error).message}`, { cause: error })
    }
  }

  /** Restart ICE on a transport (after a network change); returns the new ICE parameters. */
  async restartIce(transportId: string): Promise<ms.IceParameters> {
    return this.#transport(transportId).restartIce()
  }

  /** Create a producer on the send transport (mediasoup-client 'produce' event); returns its id. */
  async produce(options: ProduceOptions): Promise<string> {
    const transport = this.#transport(options.transportId, 'send')
    if (SOURCE_KIND[options.source] !== options.kind) throw new MediaRequestError(`a ${options.source} producer must be ${SOURCE_KIND[options.source]}`)
    let producer: ms.Producer<ProducerAppData>
    try {
      producer = await transport.produce<ProducerAppData>({
        kind: options.kind,
        rtpParameters: options.rtpParameters,
        paused: options.paused ?? false,
        appData: { participantId: this.id, source: options.source },
      })
    } catch (error) {
      throw new MediaRequestError(`cannot produce ${options.source}: ${(error as Error).message}`, { cause: error })
    }
    if (this.#closed) {
      producer.close()
      throw new InvalidStateError(`participant ${this.id} left`)
    }
    this.#producers.set(producer.id, producer)
    producer.observer.once('close', () => this.#producers.delete(producer.id))
    this.#context.producerCreated(producer)
    return producer.id
  }

  /** Close one of this participant's producers (the client stopped a track). */
  closeProducer(producerId: string): void {
    this.#producer(producerId).close()
  }

  /** Pause one of this participant's producers (mute): consumers stop receiving it. */
  async pauseProducer(producerId: string): Promise<void> {
    await this.#producer(producerId).pause()
  }

  async resumeProducer(producerId: string): Promise<void> {
    await this.#producer(producerId).resume()
  }

  /**
   * Consume another participant's producer on the receive transport. The consumer starts
   * paused: the client creates its track, then calls resumeConsumer.
   */
  async consume(producerId: string): Promise<ConsumerParams> {
    const transport = this.#transport(undefined, 'recv')
    const rtpCapabilities = this.#rtpCapabilities
    if (!rtpCapabilities) throw new InvalidStateError(`participant ${this.id} has no rtpCapabilities yet`)
    const producer = this.#context.findProducer(producerId)
    if (!producer) throw new MediaNotFoundError(`no producer ${producerId} in room ${this.#context.roomId}`)
    if (producer.appData.participantId === this.id) throw new MediaRequestError('a participant does not consume its own producer')
    for (const consumer of this.#consumers.values()) {
      if (consumer.producerId === producerId) throw new MediaConflictError(`participant ${this.id} already consumes ${producerId}`)
    }
    if (!this.#context.router.canConsume({ producerId, rtpCapabilities })) {
      throw new MediaRequestError(`participant ${this.id} cannot receive ${producer.rtpParameters.codecs[0]?.mimeType ?? 'this codec'}`)
    }
    const consumer = await transport.consume({ producerId, rtpCapabilities, paused: true, appData: { participantId: this.id } })
    if (this.#closed) {
      consumer.close()
      throw new InvalidStateError(`participant ${this.id} left`)
    }
    this.#consumers.set(consumer.id, consumer)
    const changed = (change: ConsumerChange) => this.emit('consumer-changed', { consumerId: consumer.id, producerId, change })
    consumer.on('producerpause', () => changed('producer-paused'))
    consumer.on('producerresume', () => changed('producer-resumed'))
    consumer.observer.once('close', () => {
      this.#consumers.delete(consumer.id)
      if (!this.#closed && !this.#context.roomClosed()) changed('closed')
    })
    return {
      id: consumer.id,
      producerId,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters,
      participantId: producer.appData.participantId,
      source: producer.appData.source,
      producerPaused: consumer.producerPaused,
    }
  }

  /** Consume every producer of the others not consumed yet (those it can receive). */
  async consumeAll(): Promise<ConsumerParams[]> {
    this.#assertOpen()
    const consumed = new Set([...this.#consumers.values()].map((c) => c.producerId))
    const out: ConsumerParams[] = []
    for (const producer of this.#context.allProducers()) {
      if (producer.appData.participantId === this.id || consumed.has(producer.id)) continue
      if (!this.#rtpCapabilities || !this.#context.router.canConsume({ producerId: producer.id, rtpCapabilities: this.#rtpCapabilities })) continue
      out.push(await this.consume(producer.id))
    }
    return out
  }

  /** Start (or restart) a consumer's flow, once the client's track is ready. */
  async resumeConsumer(consumerId: string): Promise<void> {
    await this.#consumer(consumerId).resume()
  }

  /** Stop a consumer's flow (the client hides a video, for example). */
  async pauseConsumer(consumerId: string): Promise<void> {
    await this.#consumer(consumerId).pause()
  }

  /** Cap what this participant may send, bits per second (applies to its send transport now and later). */
  async setMaxIncomingBitrate(bitrate: number): Promise<void> {
    this.#assertOpen()
    if (!Number.isInteger(bitrate) || bitrate < 10_000) throw new MediaRequestError('bitrate must be an integer >= 10000')
    this.#maxIncomingBitrate = bitrate
    for (const { transport, direction } of this.#transports.values()) if (direction === 'send') await transport.setMaxIncomingBitrate(bitrate)
  }

  /** Ids of its open transports, producers and consumers. */
  ids(): { transportIds: string[]; producerIds: string[]; consumerIds: string[] } {
    return { transportIds: [...this.#transports.keys()], producerIds: [...this.#producers.keys()], consumerIds: [...this.#consumers.keys()] }
  }

  /** Packets and bytes in (its producers) and out (its consumers). */
  async getStats(): Promise<ParticipantStats> {
    this.#assertOpen()
    const producers = await Promise.all(
      [...this.#producers.values()].map(async (p) => ({
        producerId: p.id,
        source: p.appData.source,
        paused: p.paused,
        ...sum(await p.getStats().catch(() => []), 'inbound-rtp'),
      })),
    )
    const consumers = await Promise.all(
      [...this.#consumers.values()].map(async (c) => ({
        consumerId: c.id,
        producerId: c.producerId,
        paused: c.paused,
        ...sum(await c.getStats().catch(() => []), 'outbound-rtp'),
      })),
    )
    const total = (list: RtpCounters[]) => list.reduce((acc, s) => ({ packets: acc.packets + s.packets, bytes: acc.bytes + s.bytes }), { packets: 0, bytes: 0 })
    return { participantId: this.id, in: total(producers), out: total(consumers), producers, consumers }
  }

  /** Close its transports (and so its producers and consumers). Idempotent. */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    for (const { transport } of this.#transports.values()) transport.close()
    this.#transports.clear()
    this.#producers.clear()
    this.#consumers.clear()
    this.emit('close')
  }

  #transport(transportId: string | undefined, direction?: TransportDirection): ms.WebRtcTransport {
    this.#assertOpen()
    for (const [id, entry] of this.#transports) {
      if ((transportId === undefined || id === transportId) && (direction === undefined || entry.direction === direction)) return entry.transport
    }
    throw new MediaNotFoundError(
      transportId ? `participant ${this.id} has no ${direction ?? ''} transport ${transportId}` : `participant ${this.id} has no ${direction} transport`,
    )
  }

  #producer(producerId: string): ms.Producer<ProducerAppData> {
    this.#assertOpen()
    const producer = this.#producers.get(producerId)
    if (!producer) throw new MediaNotFoundError(`participant ${this.id} has no producer ${producerId}`)
    return producer
  }

  #consumer(consumerId: string): ms.Consumer {
    this.#assertOpen()
    const consumer = this.#consumers.get(consumerId)
    if (!consumer) throw new MediaNotFoundError(`participant ${this.id} has no consumer ${consumerId}`)
    return consumer
  }

  #assertOpen(): void {
    if (this.#closed) throw new InvalidStateError(`participant ${this.id} has left the room`)
  }
}

function sum(stats: { type: string; packetCount: number; byteCount: number }[], type: string): RtpCounters {
  return stats.filter((s) => s.type === type).reduce((acc, s) => ({ packets: acc.packets + s.packetCount, bytes: acc.bytes + s.byteCount }), { packets: 0, bytes: 0 })
}
