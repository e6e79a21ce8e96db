/**
 * One media connection of a call: a mediasoup-client Device loaded with the channel router's
 * capabilities, a send and a receive transport, this side's producers and the consumers of
 * what the others produce. When the media server is lost the whole session is dropped and a
 * new one is opened (CallClient does that); the local tracks are not stopped with it.
 */
import { Device, type types } from 'mediasoup-client'
import type { MediaConsumerParams } from '../protocol/events.js'
import { callRequest, type CallSignaling, type CallSignalEvents } from './call-signaling.js'
import type { LocalSource } from './local-media.js'

/** Something another participant sends, as received here. */
export interface RemoteTrack {
  consumerId: string
  participantId: string
  source: MediaConsumerParams['source']
  kind: 'audio' | 'video'
  track: MediaStreamTrack
  /** the sender paused it (muted microphone, camera paused) */
  paused: boolean
}

/** Receive counters of one consumer (inbound-rtp). */
export interface InboundStats {
  consumerId: string
  participantId: string
  source: MediaConsumerParams['source']
  kind: 'audio' | 'video'
  packetsReceived: number
  bytesReceived: number
}

/** Send counters of one producer (outbound-rtp). */
export interface OutboundStats {
  producerId: string
  source: LocalSource
  kind: 'audio' | 'video'
  paused: boolean
  packetsSent: number
  bytesSent: number
}

export interface MediaSessionHandlers {
  trackAdded(remote: RemoteTrack): void
  trackRemoved(remote: RemoteTrack): void
  trackChanged(remote: RemoteTrack): void
  /** a transport stopped working (ICE or DTLS): the caller should reconnect */
  failed(reason: string): void
}

/** A method was called on a closed media session. */
export class InvalidStateError extends Error {
  override name = 'InvalidStateError'
}

interface Consumed {
  consumer: types.Consumer
  remote: RemoteTrack
}

export class MediaSession {
  private device: types.Device | undefined
  private sendTransport: types.Transport | undefined
  private recvTransport: types.Transport | undefined
  private audioMimeType = 'audio/opus'
  private readonly producers = new Map<LocalSource, types.Producer>()
  private readonly consumers = new Map<string, Consumed>()
  /** consumer ids being (or already) consumed, so a repeated announcement is ignored */
  private readonly known = new Set<string>()
  /** consumers announced before the receive transport existed */
  private readonly early: MediaConsumerParams[] = []
  private closed = false

  private readonly onConsume: CallSignalEvents['media:consume'] = (params) => {
    if (params.channelId !== this.channelId || this.closed) return
    if (!this.recvTransport) this.early.push(params)
    else this.consume(params).catch((error: Error) => !this.closed && this.handlers.failed(`could not receive ${params.source}: ${error.message}`))
  }
  private readonly onConsumerChanged: CallSignalEvents['media:consumer-changed'] = (change) => {
    if (change.channelId !== this.channelId) return
    const consumed = this.consumers.get(change.consumerId)
    if (!consumed) {
      if (change.change === 'closed') this.known.delete(change.consumerId)
      return
    }
    if (change.change === 'closed') {
      this.dropConsumer(change.consumerId)
      return
    }
    consumed.remote.paused = change.change === 'producer-paused'
    this.handlers.trackChanged(consumed.remote)
  }

  constructor(
    private readonly signaling: CallSignaling,
    private readonly channelId: string,
    private readonly callId: string,
    private readonly handlers: MediaSessionHandlers,
  ) {
    signaling.on('media:consume', this.onConsume)
    signaling.on('media:consumer-changed', this.onConsumerChanged)
  }

  get isClosed(): boolean {
    return this.closed
  }

  /** Join the call's media: load the Device, create both transports and consume what the others already send. */
  async open(): Promise<void> {
    const { channelId, callId } = this
    const joined = await callRequest(this.signaling, 'media:join', { channelId, callId })
    this.assertOpen()
    this.audioMimeType = joined.audioMimeType
    const device = await Device.factory()
    await device.load({ routerRtpCapabilities: joined.routerRtpCapabilities })
    this.assertOpen()
    this.device = device
    const setup = await callRequest(this.signaling, 'media:setup', { channelId, callId, rtpCapabilities: device.rtpCapabilities })
    this.assertOpen()
    this.sendTransport = this.watch(device.createSendTransport(setup.send))
    this.recvTransport = this.watch(device.createRecvTransport(setup.recv))
    this.sendTransport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
      const source = appData.source as LocalSource
      callRequest(this.signaling, 'media:produce', { channelId, transportId: setup.send.id, kind, rtpParameters, source, paused: appData.paused === true }).then(
        ({ producerId }) => callback({ id: producerId }),
        errback,
      )
    })
    const announced = [...setup.consumers, ...this.early.splice(0)]
    await Promise.all(announced.map((params) => this.consume(params)))
  }

  /** Send a local track; audio uses the codec the server asked for (PCMU when the call is bridged to a phone). */
  async produce(source: LocalSource, track: MediaStreamTrack, options: { paused?: boolean } = {}): Promise<void> {
    this.assertOpen()
    const transport = this.sendTransport
    const device = this.device
    if (!transport || !device) throw new InvalidStateError('the media session is not open yet')
    await this.closeProducer(source)
    const codec =
      track.kind === 'audio' ? device.rtpCapabilities.codecs?.find((candidate) => candidate.mimeType.toLowerCase() === this.audioMimeType.toLowerCase()) : undefined
    const producer = await transport.produce({
      track,
      codec,
      // the tracks belong to LocalMedia: they survive a reconnect and are stopped by it
      stopTracks: false,
      // a muted microphone sends nothing at all, not packets of silence
      zeroRtpOnPause: track.kind === 'audio',
      appData: { source, paused: options.paused === true },
    })
    if (this.closed) {
      producer.close()
      throw new InvalidStateError('the media session closed while producing')
    }
    if (options.paused) producer.pause()
    this.producers.set(source, producer)
  }

  /** The producer of a source, if it is being sent. */
  producer(source: LocalSource): types.Producer | undefined {
    return this.producers.get(source)
  }

  /** Pause or resume sending a source, here and at the server (which stops forwarding it). */
  async setPaused(source: LocalSource, paused: boolean): Promise<void> {
    const producer = this.producers.get(source)
    if (!producer || this.closed) return
    if (paused) producer.pause()
    else producer.resume()
    await callRequest(this.signaling, 'media:producer', { channelId: this.channelId, producerId: producer.id, action: paused ? 'pause' : 'resume' })
  }

  /** Stop sending a source (camera off, screen share ended). */
  async closeProducer(source: LocalSource): Promise<void> {
    const producer = this.producers.get(source)
    if (!producer) return
    this.producers.delete(source)
    producer.close()
    if (!this.closed) await callRequest(this.signaling, 'media:producer', { channelId: this.channelId, producerId: producer.id, action: 'close' })
  }

  /** Send another device's track in place of the current one. */
  async replaceTrack(source: LocalSource, track: MediaStreamTrack): Promise<void> {
    await this.producers.get(source)?.replaceTrack({ track })
  }

  /** Packet counters of every consumer and producer. */
  async stats(): Promise<{ inbound: InboundStats[]; outbound: OutboundStats[] }> {
    const inbound: InboundStats[] = []
    for (const { consumer, remote } of this.consumers.values()) {
      const counters = sum(await consumer.getStats(), 'inbound-rtp', ['packetsReceived', 'bytesReceived'])
      inbound.push({ consumerId: consumer.id, participantId: remote.participantId, source: remote.source, kind: remote.kind, ...counters } as InboundStats)
    }
    const outbound: OutboundStats[] = []
    for (const [source, producer] of this.producers) {
      const counters = sum(await producer.getStats(), 'outbound-rtp', ['packetsSent', 'bytesSent'])
      outbound.push({ producerId: producer.id, source, kind: producer.kind as 'audio' | 'video', paused: producer.paused, ...counters } as OutboundStats)
    }
    return { inbound, outbound }
  }

  /** Drop every transport, producer and consumer (not the local tracks); idempotent. */
  close(): void {
    if (this.closed) return
    this.closed = true
    this.signaling.off('media:consume', this.onConsume)
    this.signaling.off('media:consumer-changed', this.onConsumerChanged)
    for (const consumerId of [...this.consumers.keys()]) this.dropConsumer(consumerId)
    for (const producer of this.producers.values()) producer.close()
    this.producers.clear()
    this.sendTransport?.close()
    this.recvTransport?.close()
  }

  private async consume(params: MediaConsumerParams): Promise<void> {
    const transport = this.recvTransport
    if (!transport || this.known.has(params.id)) return
    this.known.add(params.id)
    const consumer = await transport.consume({ id: params.id, producerId: params.producerId, kind: params.kind, rtpParameters: params.rtpParameters })
    // closed meanwhile (by the server, or this whole session)
    if (this.closed || !this.known.has(params.id)) {
      consumer.close()
      return
    }
    const remote: RemoteTrack = {
      consumerId: consumer.id,
      participantId: params.participantId,
      source: params.source,
      kind: params.kind,
      track: consumer.track,
      paused: params.producerPaused,
    }
    this.consumers.set(consumer.id, { consumer, remote })
    this.handlers.trackAdded(remote)
    // The server creates consumers paused so no keyframe is lost before the track is attached.
    await callRequest(this.signaling, 'media:consumer', { channelId: this.channelId, consumerId: consumer.id, action: 'resume' })
  }

  private dropConsumer(consumerId: string): void {
    const consumed = this.consumers.get(consumerId)
    this.known.delete(consumerId)
    if (!consumed) return
    this.consumers.delete(consumerId)
    consumed.consumer.close()
    this.handlers.trackRemoved(consumed.remote)
  }

  private watch(transport: types.Transport): types.Transport {
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      callRequest(this.signaling, 'media:connect', { channelId: this.channelId, transportId: transport.id, dtlsParameters }).then(() => callback(), errback)
    })
    transport.on('connectionstatechange', (state) => {
      if (state === 'failed' && !this.closed) this.handlers.failed(`${transport.direction} transport failed`)
    })
    return transport
  }

  private assertOpen(): void {
    if (this.closed) throw new InvalidStateError('the media session is closed')
  }
}

/** Add up some counters over the stats of one type. */
function sum<K extends string>(report: RTCStatsReport, type: string, keys: K[]): Record<K, number> {
  const totals = Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>
  report.forEach((entry: Record<string, unknown>) => {
    if (entry.type !== type) return
    for (const key of keys) totals[key] += typeof entry[key] === 'number' ? (entry[key] as number) : 0
  })
  return totals
}
