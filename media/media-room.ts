/**
 * The media of one channel: one mediasoup router with the room's codecs, its WebRTC
 * participants, its phone legs, an active speaker observer, failure detection, usage
 * metering and an optional recording. Closing the room closes everything in it.
 */
import { EventEmitter } from 'node:events'
import { InvalidStateError, MediaConflictError, MediaNotFoundError, type RecorderError } from './errors.js'
import { CODEC_CAPABILITIES, type CodecName, type MediaConfig } from './media-config.js'
import { MediaParticipant, type ParticipantStats } from './media-participant.js'
import { MediaWatchdog } from './media-watchdog.js'
import { PlainAudioLeg, type DtmfEvent, type PlainAudioLegOptions, type PlainAudioLegStats } from './plain-audio-leg.js'
import { Recorder, type RecordingResult } from './recorder.js'
import type { MediaFailedEvent, ProducerAppData, ProducerInfo, UsageEntry, ms } from './types.js'
import { UsageMeter } from './usage-meter.js'
import type { RouterLease } from './worker-pool.js'

export interface MediaRoomOptions {
  /**
   * The room is (or may be) bridged to the phone: its router also offers PCMU, and its
   * browser participants should produce audio in PCMU (audioCodecFor) so phone legs hear them.
   */
  phone?: boolean
}

export type RoomCloseReason = 'closed' | 'worker-died' | 'pool-closed'

export interface ActiveSpeakerEvent {
  roomId: string
  participantId: string
  producerId: string
}

export interface RoomClosedEvent {
  roomId: string
  reason: RoomCloseReason
  /** final media time per participant and source */
  usage: UsageEntry[]
}

export interface RoomStats {
  participants: ParticipantStats[]
  legs: PlainAudioLegStats[]
}

export type MediaRoomEvents = {
  /** a participant or leg started producing: tell the others to consume it */
  'producer-added': [ProducerInfo]
  'producer-closed': [ProducerInfo]
  'active-speaker': [ActiveSpeakerEvent]
  'media-failed': [MediaFailedEvent]
  /** DTMF from a phone leg */
  dtmf: [DtmfEvent & { roomId: string }]
  /** a recording ended without stopRecording (its producer closed) */
  'recording-stopped': [RecordingResult]
  /** a recording that ended on its own left no usable file */
  'recording-failed': [{ roomId: string; file: string; error: RecorderError }]
  close: [RoomClosedEvent]
}

export class MediaRoom extends EventEmitter<MediaRoomEvents> {
  readonly id: string
  readonly phone: boolean
  readonly #config: MediaConfig
  readonly #lease: RouterLease
  readonly #router: ms.Router
  readonly #speakers: ms.ActiveSpeakerObserver
  readonly #watchdog: MediaWatchdog
  readonly #meter = new UsageMeter()
  readonly #participants = new Map<string, MediaParticipant>()
  readonly #legs = new Map<string, PlainAudioLeg>()
  readonly #pendingLegs = new Set<string>()
  readonly #producers = new Map<string, ms.Producer<ProducerAppData>>()
  /** running recordings by the participant (voice) they record */
  readonly #recorders = new Map<string, Recorder>()
  readonly #startingRecorders = new Set<string>()
  #closed = false

  private constructor(roomId: string, options: MediaRoomOptions, config: MediaConfig, lease: RouterLease, speakers: ms.ActiveSpeakerObserver) {
    super()
    this.id = roomId
    this.phone = options.phone ?? false
    this.#config = config
    this.#lease = lease
    this.#router = lease.router
    this.#speakers = speakers
    this.#watchdog = new MediaWatchdog({
      roomId,
      mediaTimeoutMs: config.mediaTimeoutMs,
      statsIntervalMs: config.statsIntervalMs,
      onFailure: (event) => this.emit('media-failed', event),
    })
    speakers.on('dominantspeaker', ({ producer }) => {
      const owner = this.#producers.get(producer.id)?.appData.participantId
      if (owner && !this.#closed) this.emit('active-speaker', { roomId, participantId: owner, producerId: producer.id })
    })
    this.#router.on('workerclose', () => this.#onWorkerClosed())
  }

  /** @internal Used by the gateway: a room on a router leased from the pool. */
  static async create(roomId: string, options: MediaRoomOptions, config: MediaConfig, lease: RouterLease): Promise<MediaRoom> {
    try {
      const speakers = await lease.router.createActiveSpeakerObserver({ interval: config.activeSpeakerIntervalMs })
      return new MediaRoom(roomId, options, config, lease, speakers)
    } catch (error) {
      lease.router.close()
      throw error
    }
  }

  /** Router codecs for a room: the configured ones, plus PCMU for phone rooms. */
  static codecsFor(config: MediaConfig, options: MediaRoomOptions): ms.RtpCodecCapability[] {
    const names = new Set<CodecName>(config.codecs)
    if (options.phone) names.add('PCMU')
    return [...names].map((name) => ({ ...CODEC_CAPABILITIES[name] }))
  }

  get closed(): boolean {
    return this.#closed
  }

  /** Router capabilities: what a client's Device.load() needs. */
  get rtpCapabilities(): ms.RtpCapabilities {
    return this.#router.rtpCapabilities
  }

  /** Which worker (slot index) hosts the room, and its process id. */
  get workerIndex(): number {
    return this.#lease.workerIndex
  }

  get workerPid(): number {
    return this.#lease.workerPid
  }

  /** The audio codec clients should produce with: PCMU in phone rooms (an SFU does not transcode), else Opus. */
  audioCodecFor(): 'audio/PCMU' | 'audio/opus' {
    return this.phone || !this.#config.codecs.includes('opus') ? 'audio/PCMU' : 'audio/opus'
  }

  /** Add a WebRTC participant; rtpCapabilities (from the client's Device) may come later. */
  join(participantId: string, options: { rtpCapabilities?: ms.RtpCapabilities } = {}): MediaParticipant {
    this.#assertOpen()
    this.#assertFreeId(participantId)
    const participant = new MediaParticipant(
      {
        roomId: this.id,
        router: this.#router,
        webRtcServer: this.#lease.webRtcServer,
        config: this.#config,
        producerCreated: (producer) => this.#addProducer(producer, true),
        transportCreated: (id, transport) => this.#watchdog.watchTransport(id, transport),
        findProducer: (producerId) => this.#producers.get(producerId),
        allProducers: () => [...this.#producers.values()],
        roomClosed: () => this.#closed,
      },
      participantId,
      options.rtpCapabilities,
    )
    this.#participants.set(participantId, participant)
    participant.once('close', () => {
      this.#participants.delete(participantId)
      this.#watchdog.forget(participantId)
    })
    return participant
  }

  /** A participant in the room; throws MediaNotFoundError. */
  participant(participantId: string): MediaParticipant {
    this.#assertOpen()
    const participant = this.#participants.get(participantId)
    if (!participant) throw new MediaNotFoundError(`no participant ${participantId} in room ${this.id}`)
    return participant
  }

  /** Ids of the WebRTC participants. */
  participantIds(): string[] {
    return [...this.#participants.keys()]
  }

  /** Remove a participant (closes its transports, producers, consumers). Idempotent. */
  leave(participantId: string): void {
    this.#participants.get(participantId)?.close()
  }

  /** Every producer in the room (participants' and legs'). */
  producers(): ProducerInfo[] {
    this.#assertOpen()
    return [...this.#producers.values()].map(info)
  }

  /**
   * Add a phone leg: PCMU over plain RTP on `leg.localIp:leg.localPort`. Only in rooms created
   * with `phone: true`. The leg hears every PCMU audio producer and is heard by everyone.
   */
  async addPlainAudioLeg(options: PlainAudioLegOptions): Promise<PlainAudioLeg> {
    this.#assertOpen()
    if (!this.phone) throw new InvalidStateError(`room ${this.id} was not created for the phone (phone: true)`)
    this.#assertFreeId(options.legId)
    this.#pendingLegs.add(options.legId)
    let leg: PlainAudioLeg
    try {
      leg = await PlainAudioLeg.create({ router: this.#router, config: this.#config }, options)
    } finally {
      this.#pendingLegs.delete(options.legId)
    }
    if (this.#closed) {
      leg.close()
      throw new InvalidStateError(`room ${this.id} is closed`)
    }
    this.#legs.set(leg.legId, leg)
    leg.once('close', () => {
      this.#legs.delete(leg.legId)
      this.#watchdog.forget(leg.legId)
    })
    leg.on('dtmf', (event) => this.emit('dtmf', { ...event, roomId: this.id }))
    // A ringing peer sends nothing yet: the media timeout starts with its first packet.
    leg.once('first-packet', () => this.#watchdog.arm(leg.producerId))
    for (const producer of this.#producers.values()) await leg.consume(producer).catch(() => {})
    this.#addProducer(leg.producer, false)
    return leg
  }

  /** A phone leg of the room; throws MediaNotFoundError. */
  leg(legId: string): PlainAudioLeg {
    this.#assertOpen()
    const leg = this.#legs.get(legId)
    if (!leg) throw new MediaNotFoundError(`no phone leg ${legId} in room ${this.id}`)
    return leg
  }

  /** Packets and bytes in/out per participant (from mediasoup) and per leg (at the leg's sockets). */
  async getStats(): Promise<RoomStats> {
    this.#assertOpen()
    const participants = await Promise.all([...this.#participants.values()].map((p) => p.getStats()))
    return { participants, legs: [...this.#legs.values()].map((leg) => leg.getStats()) }
  }

  /** Media seconds per participant (or leg) and source, open producers counted up to now. Works after close too. */
  usage(): UsageEntry[] {
    return this.#meter.usage()
  }

  /** Whether a recording is running. */
  get recording(): boolean {
    return this.#recorders.size > 0
  }

  /**
   * Record one audio producer to `file` (Ogg/Opus for Opus, WAV for PCMU): the given
   * participant's (or leg's) audio, else the room's first audio producer. An SFU does not
   * mix, so a call is recorded one voice per file: one recording per participant at a time.
   */
  async startRecording(options: { file: string; participantId?: string }): Promise<{ file: string; participantId: string; format: string }> {
    this.#assertOpen()
    const producer = [...this.#producers.values()].find(
      (p) => p.kind === 'audio' && (options.participantId === undefined || p.appData.participantId === options.participantId),
    )
    if (!producer) throw new InvalidStateError(`room ${this.id} has no audio${options.participantId ? ` from ${options.participantId}` : ''} to record`)
    const voice = producer.appData.participantId
    const busy = () => this.#recorders.get(voice) ?? (this.#startingRecorders.has(voice) ? { file: '(starting)' } : undefined)
    const running = busy()
    if (running) throw new MediaConflictError(`room ${this.id} is already recording ${voice} to ${running.file}`)
    this.#startingRecorders.add(voice)
    let recorder: Recorder
    try {
      recorder = await Recorder.start({ router: this.#router, producer, file: options.file, ffmpegPath: this.#config.ffmpegPath })
    } finally {
      this.#startingRecorders.delete(voice)
    }
    if (this.#closed) {
      recorder.close()
      throw new InvalidStateError(`room ${this.id} is closed`)
    }
    this.#recorders.set(voice, recorder)
    recorder.once('stopped', (result) => {
      if (this.#recorders.get(voice) === recorder) this.#recorders.delete(voice)
      this.emit('recording-stopped', result)
    })
    recorder.once('error', (error) => {
      if (this.#recorders.get(voice) === recorder) this.#recorders.delete(voice)
      this.emit('recording-failed', { roomId: this.id, file: recorder.file, error })
    })
    return { file: recorder.file, participantId: recorder.participantId, format: recorder.format }
  }

  /** Stop a recording (the participant's, or the only one) and wait for a complete file. */
  async stopRecording(participantId?: string): Promise<RecordingResult> {
    this.#assertOpen()
    if (participantId === undefined && this.#recorders.size > 1) throw new InvalidStateError(`room ${this.id} records several voices: name one, or stop them all`)
    const entry = participantId === undefined ? [...this.#recorders.entries()][0] : [participantId, this.#recorders.get(participantId)] as const
    const recorder = entry?.[1]
    if (!entry || !recorder) throw new InvalidStateError(`room ${this.id} is not recording${participantId ? ` ${participantId}` : ''}`)
    this.#recorders.delete(entry[0])
    return recorder.stop()
  }

  /** Stop every recording; each settles on its own (a failed one does not lose the others). */
  async stopAllRecordings(): Promise<PromiseSettledResult<RecordingResult>[]> {
    const recorders = [...this.#recorders.values()]
    this.#recorders.clear()
    return Promise.allSettled(recorders.map((recorder) => recorder.stop()))
  }

  /** Close the room: recording, legs, participants, router. Idempotent. */
  close(): void {
    this.#close('closed')
  }

  #close(reason: RoomCloseReason): void {
    if (this.#closed) return
    this.#closed = true
    for (const recorder of this.#recorders.values()) recorder.close()
    this.#recorders.clear()
    this.#watchdog.close()
    for (const leg of this.#legs.values()) leg.close()
    for (const participant of this.#participants.values()) participant.close()
    this.#router.close()
    this.#meter.stopAll()
    this.emit('close', { roomId: this.id, reason, usage: this.#meter.usage() })
  }

  #onWorkerClosed(): void {
    if (this.#closed) return
    if (this.#lease.workerDied()) {
      for (const id of [...this.#participants.keys(), ...this.#legs.keys()]) this.#watchdog.report(id, 'worker-died')
      this.#close('worker-died')
    } else {
      this.#close('pool-closed')
    }
  }

  #addProducer(producer: ms.Producer<ProducerAppData>, armed: boolean): void {
    const { participantId, source } = producer.appData
    this.#producers.set(producer.id, producer)
    this.#meter.start(producer.id, participantId, source)
    this.#watchdog.watchProducer(participantId, producer, armed)
    if (producer.kind === 'audio') {
      this.#speakers.addProducer({ producerId: producer.id }).catch(() => {})
      for (const leg of this.#legs.values()) if (leg.legId !== participantId) void leg.consume(producer).catch(() => {})
    }
    producer.observer.once('close', () => {
      this.#producers.delete(producer.id)
      this.#meter.stop(producer.id)
      if (!this.#closed) this.emit('producer-closed', info(producer))
    })
    this.emit('producer-added', info(producer))
  }

  #assertFreeId(id: string): void {
    if (this.#participants.has(id) || this.#legs.has(id) || this.#pendingLegs.has(id)) {
      throw new MediaConflictError(`${id} is already in room ${this.id}`)
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new InvalidStateError(`room ${this.id} is closed`)
  }
}

function info(producer: ms.Producer<ProducerAppData>): ProducerInfo {
  return {
    producerId: producer.id,
    participantId: producer.appData.participantId,
    source: producer.appData.source,
    kind: producer.kind,
    paused: producer.paused,
  }
}
