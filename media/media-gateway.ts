/**
 * The seam the server uses for media: rooms by id, and the failures it must act on. The
 * server never touches mediasoup; everything goes through this interface and the MediaRoom /
 * MediaParticipant / PlainAudioLeg objects it hands out.
 *
 * Typical use by a channel:
 *   const room = await media.createRoom(channelId, { phone: false })
 *   const p = room.join(userId, { rtpCapabilities })         // after the client's Device.load(room.rtpCapabilities)
 *   await p.createTransport('send'), p.connectTransport(...), p.produce(...)
 *   room.on('producer-added', ...) → other participants: p.consume(producerId), then p.resumeConsumer(id)
 *   media.on('media-failed', ...) / media.on('worker-died', ({ roomIds }) → re-create those rooms)
 *   room.usage() → usage records; media.closeRoom(channelId) when the call ends
 */
import { EventEmitter } from 'node:events'
import { InvalidStateError, MediaConflictError } from './errors.js'
import { type MediaConfig, type MediaConfigInput, parseMediaConfig } from './media-config.js'
import { MediaRoom, type MediaRoomOptions, type RoomClosedEvent } from './media-room.js'
import type { MediaFailedEvent } from './types.js'
import { type WorkerDiedEvent, type WorkerInfo, WorkerPool } from './worker-pool.js'

export type MediaGatewayEvents = {
  /**
   * A worker process died: its rooms are closed (each already emitted media-failed with reason
   * 'worker-died' and close with reason 'worker-died') and a replacement worker is starting.
   * Re-create the listed rooms and have their clients reconnect.
   */
  'worker-died': [WorkerDiedEvent]
  /** A participant's or phone leg's media failed in some room (ICE, DTLS, media timeout, dead worker). */
  'media-failed': [MediaFailedEvent]
  /** A room closed, for whatever reason, with its final usage. */
  'room-closed': [RoomClosedEvent]
}

/** The media seam. */
export interface MediaGateway {
  /** Create the room of a channel on the least loaded worker; throws MediaConflictError if it exists. */
  createRoom(roomId: string, options?: MediaRoomOptions): Promise<MediaRoom>
  /** The open room with this id, if any. */
  getRoom(roomId: string): MediaRoom | undefined
  /** Close a room (no-op when there is none). */
  closeRoom(roomId: string): void
  /** Ids of the open rooms. */
  roomIds(): string[]
  /** Workers, their pids, ports and room counts (for /metrics and tests). */
  workers(): WorkerInfo[]
  on<K extends keyof MediaGatewayEvents>(event: K, listener: (...args: MediaGatewayEvents[K]) => void): this
  off<K extends keyof MediaGatewayEvents>(event: K, listener: (...args: MediaGatewayEvents[K]) => void): this
  /** Close every room and worker. Idempotent. */
  close(): void
}

/** The real gateway: mediasoup workers, one router per room. */
export class MediasoupGateway extends EventEmitter<MediaGatewayEvents> implements MediaGateway {
  readonly config: MediaConfig
  readonly #pool: WorkerPool
  readonly #rooms = new Map<string, MediaRoom>()
  readonly #creating = new Set<string>()
  #closed = false

  private constructor(config: MediaConfig, pool: WorkerPool) {
    super()
    this.config = config
    this.#pool = pool
    pool.on('worker-died', (event) => this.emit('worker-died', event))
  }

  /** Validate the options and start the workers (throws WorkerBinaryMissingError when the binary is not built). */
  static async start(options: MediaConfigInput = {}): Promise<MediasoupGateway> {
    const config = parseMediaConfig(options)
    return new MediasoupGateway(config, await WorkerPool.start(config))
  }

  get closed(): boolean {
    return this.#closed
  }

  async createRoom(roomId: string, options: MediaRoomOptions = {}): Promise<MediaRoom> {
    this.#assertOpen()
    if (this.#rooms.has(roomId) || this.#creating.has(roomId)) throw new MediaConflictError(`media room ${roomId} already exists`)
    this.#creating.add(roomId)
    let room: MediaRoom
    try {
      const lease = await this.#pool.createRouter(roomId, MediaRoom.codecsFor(this.config, options))
      room = await MediaRoom.create(roomId, options, this.config, lease)
    } finally {
      this.#creating.delete(roomId)
    }
    if (this.#closed) {
      room.close()
      throw new InvalidStateError('the media gateway is closed')
    }
    this.#rooms.set(roomId, room)
    room.on('media-failed', (event) => this.emit('media-failed', event))
    room.once('close', (event) => {
      if (this.#rooms.get(roomId) === room) this.#rooms.delete(roomId)
      this.emit('room-closed', event)
    })
    return room
  }

  getRoom(roomId: string): MediaRoom | undefined {
    return this.#rooms.get(roomId)
  }

  closeRoom(roomId: string): void {
    this.#rooms.get(roomId)?.close()
  }

  roomIds(): string[] {
    return [...this.#rooms.keys()]
  }

  workers(): WorkerInfo[] {
    return this.#pool.workers()
  }

  close(): void {
    if (this.#closed) return
    this.#closed = true
    for (const room of [...this.#rooms.values()]) room.close()
    this.#pool.close()
  }

  #assertOpen(): void {
    if (this.#closed) throw new InvalidStateError('the media gateway is closed')
  }
}

/** Start the real media gateway (the server's entry point into media/). */
export function createMediaGateway(options: MediaConfigInput = {}): Promise<MediaGateway> {
  return MediasoupGateway.start(options)
}
