/**
 * One mediasoup Worker (process) per core, each with one WebRtcServer: a single UDP and TCP
 * port per worker that every WebRTC transport of that worker shares. New routers (one per
 * room) go to the least loaded worker. A worker that dies is replaced by a new one on the
 * same port, and `worker-died` names every room that lived on it so their owners can
 * re-create them.
 */
import { EventEmitter } from 'node:events'
import * as mediasoup from 'mediasoup'
import type { types as ms } from 'mediasoup'
import { InvalidStateError, MediaUnavailableError } from './errors.js'
import { type MediaConfig, rtpRangeStart, webRtcServerPort } from './media-config.js'
import { assertWorkerBinary } from './worker-binary.js'

/** A worker process ended unexpectedly; its rooms are gone (their routers closed). */
export interface WorkerDiedEvent {
  workerIndex: number
  pid: number
  error: Error
  /** every room whose router lived on the dead worker */
  roomIds: string[]
}

/** A dead worker was replaced; new rooms may land on it again. */
export interface WorkerRestartedEvent {
  workerIndex: number
  pid: number
  port: number
}

export type WorkerPoolEvents = {
  'worker-died': [WorkerDiedEvent]
  'worker-restarted': [WorkerRestartedEvent]
  /** a replacement attempt failed; the pool keeps retrying until it is closed */
  'restart-failed': [{ workerIndex: number; error: Error; attempt: number }]
  close: []
}

/** A live view of one worker slot. */
export interface WorkerInfo {
  index: number
  /** pid of the current process, undefined while it is being replaced */
  pid: number | undefined
  /** the WebRtcServer's UDP/TCP port (kept across restarts) */
  port: number
  /** rooms (routers) on it */
  rooms: number
}

/** A router handed to one room, with what the room needs from its worker. */
export interface RouterLease {
  router: ms.Router
  webRtcServer: ms.WebRtcServer
  workerIndex: number
  workerPid: number
  /** true once the worker process died (its routers close with it) */
  workerDied(): boolean
}

interface Slot {
  index: number
  port: number
  worker: ms.Worker | undefined
  webRtcServer: ms.WebRtcServer | undefined
  /** routerId → roomId */
  rooms: Map<string, string>
  /** routers being created on it (counted as load) */
  pending: number
  restarting: Promise<void> | undefined
}

/** Delays between attempts to replace a dead worker. */
const RESTART_BACKOFF_MS = [0, 250, 1000, 2000, 5000]
/** How long createRouter waits for a replacement when no worker is alive. */
const WAIT_FOR_WORKER_MS = 10_000

export class WorkerPool extends EventEmitter<WorkerPoolEvents> {
  readonly #config: MediaConfig
  readonly #slots: Slot[]
  #closed = false

  private constructor(config: MediaConfig) {
    super()
    this.#config = config
    this.#slots = Array.from({ length: config.numWorkers }, (_, index) => ({
      index,
      port: webRtcServerPort(config, index),
      worker: undefined,
      webRtcServer: undefined,
      rooms: new Map(),
      pending: 0,
      restarting: undefined,
    }))
  }

  /** Start every worker and its WebRtcServer; throws WorkerBinaryMissingError or MediaUnavailableError. */
  static async start(config: MediaConfig): Promise<WorkerPool> {
    assertWorkerBinary()
    const pool = new WorkerPool(config)
    try {
      await Promise.all(pool.#slots.map((slot) => pool.#startSlot(slot)))
    } catch (error) {
      pool.close()
      throw new MediaUnavailableError(`could not start the mediasoup workers: ${(error as Error).message}`, { cause: error })
    }
    return pool
  }

  get closed(): boolean {
    return this.#closed
  }

  get config(): MediaConfig {
    return this.#config
  }

  /** One entry per worker slot. */
  workers(): WorkerInfo[] {
    return this.#slots.map((slot) => ({ index: slot.index, pid: slot.worker?.pid, port: slot.port, rooms: slot.rooms.size }))
  }

  /** Create a router for `roomId` on the least loaded live worker. */
  async createRouter(roomId: string, mediaCodecs: ms.RtpCodecCapability[]): Promise<RouterLease> {
    this.#assertOpen()
    const slot = await this.#pickSlot()
    const { worker, webRtcServer } = slot
    if (!worker || !webRtcServer) throw new MediaUnavailableError('no live mediasoup worker')
    slot.pending++
    let router: ms.Router
    try {
      router = await worker.createRouter({ mediaCodecs, appData: { roomId } })
    } catch (error) {
      throw new MediaUnavailableError(`could not create a router for room ${roomId}: ${(error as Error).message}`, { cause: error })
    } finally {
      slot.pending--
    }
    slot.rooms.set(router.id, roomId)
    // NOTE: when the worker dies its routers close before its 'died' event; keep them listed
    // until then so worker-died can name their rooms.
    router.observer.once('close', () => {
      if (!worker.died) slot.rooms.delete(router.id)
    })
    return { router, webRtcServer, workerIndex: slot.index, workerPid: worker.pid, workerDied: () => worker.died }
  }

  /** Close every worker (and so every router, transport and room on them). Idempotent. */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    for (const slot of this.#slots) {
      slot.worker?.close()
      slot.worker = undefined
      slot.webRtcServer = undefined
      slot.rooms.clear()
    }
    this.emit('close')
  }

  async #startSlot(slot: Slot): Promise<void> {
    const worker = await mediasoup.createWorker({
      logLevel: this.#config.logLevel,
      logTags: this.#config.logTags,
      rtcMinPort: rtpRangeStart(this.#config),
      rtcMaxPort: this.#config.rtcMaxPort,
      appData: { index: slot.index },
    })
    if (this.#closed) {
      worker.close()
      return
    }
    let webRtcServer: ms.WebRtcServer
    try {
      const listen = { ip: this.#config.listenIp, announcedIp: this.#config.announcedIp, port: slot.port }
      webRtcServer = await worker.createWebRtcServer({
        listenInfos: [{ protocol: 'udp', ...listen }, ...(this.#config.enableTcp ? [{ protocol: 'tcp' as const, ...listen }] : [])],
      })
    } catch (error) {
      worker.close()
      throw new Error(`WebRtcServer on port ${slot.port}: ${(error as Error).message}`, { cause: error })
    }
    if (this.#closed) {
      worker.close()
      return
    }
    slot.worker = worker
    slot.webRtcServer = webRtcServer
    worker.on('died', (error) => this.#onDied(slot, worker, error))
  }

  #onDied(slot: Slot, worker: ms.Worker, error: Error): void {
    if (this.#closed || slot.worker !== worker) return
    const roomIds = [...slot.rooms.values()]
    slot.rooms.clear()
    slot.worker = undefined
    slot.webRtcServer = undefined
    slot.restarting = this.#restart(slot).finally(() => {
      slot.restarting = undefined
    })
    this.emit('worker-died', { workerIndex: slot.index, pid: worker.pid, error, roomIds })
  }

  async #restart(slot: Slot): Promise<void> {
    for (let attempt = 1; !this.#closed; attempt++) {
      const delay = RESTART_BACKOFF_MS[Math.min(attempt - 1, RESTART_BACKOFF_MS.length - 1)] ?? 0
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay))
      if (this.#closed) return
      try {
        await this.#startSlot(slot)
        if (slot.worker) this.emit('worker-restarted', { workerIndex: slot.index, pid: slot.worker.pid, port: slot.port })
        return
      } catch (error) {
        this.emit('restart-failed', { workerIndex: slot.index, error: error as Error, attempt })
      }
    }
  }

  async #pickSlot(): Promise<Slot> {
    const deadline = Date.now() + WAIT_FOR_WORKER_MS
    for (;;) {
      this.#assertOpen()
      let best: Slot | undefined
      for (const slot of this.#slots) {
        if (!slot.worker) continue
        if (!best || slot.rooms.size + slot.pending < best.rooms.size + best.pending) best = slot
      }
      if (best) return best
      const restarts = this.#slots.map((slot) => slot.restarting).filter((p): p is Promise<void> => p !== undefined)
      const left = deadline - Date.now()
      if (restarts.length === 0 || left <= 0) throw new MediaUnavailableError('no live mediasoup worker')
      let timer: NodeJS.Timeout | undefined
      await Promise.race([...restarts, new Promise((resolve) => (timer = setTimeout(resolve, left)))])
      clearTimeout(timer)
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new InvalidStateError('the worker pool is closed')
  }
}
