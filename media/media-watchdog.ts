/**
 * Failure detection for one room: ICE and DTLS state of every WebRTC transport, and a media
 * timeout for every live producer (its inbound packet count, polled with getStats, has not
 * grown for `mediaTimeoutMs`). Reports once per participant and reason until that
 * participant recovers (ICE connected again, packets flowing again).
 */
import type { MediaFailedEvent, MediaFailureReason, ms } from './types.js'

export interface MediaWatchdogOptions {
  roomId: string
  mediaTimeoutMs: number
  statsIntervalMs: number
  onFailure: (event: MediaFailedEvent) => void
  now?: () => number
}

interface WatchedProducer {
  producer: ms.Producer
  participantId: string
  /** not watched until armed (a phone leg arms on its first packet: a ringing peer sends nothing) */
  armed: boolean
  packets: number
  lastGrowthAt: number
}

export class MediaWatchdog {
  readonly #options: MediaWatchdogOptions
  readonly #now: () => number
  readonly #producers = new Map<string, WatchedProducer>()
  /** participantId → reasons already reported */
  readonly #reported = new Map<string, Set<MediaFailureReason>>()
  readonly #timer: NodeJS.Timeout
  #polling = false
  #closed = false

  constructor(options: MediaWatchdogOptions) {
    this.#options = options
    this.#now = options.now ?? (() => performance.now())
    this.#timer = setInterval(() => void this.#poll(), options.statsIntervalMs)
    this.#timer.unref()
  }

  /** Watch a WebRTC transport's ICE and DTLS states. */
  watchTransport(participantId: string, transport: ms.WebRtcTransport): void {
    const transportId = transport.id
    transport.on('icestatechange', (state) => {
      if (state === 'disconnected' || state === 'closed') this.#fail(participantId, 'ice', { transportId })
      else if (state === 'connected' || state === 'completed') this.#recover(participantId, 'ice')
    })
    transport.on('dtlsstatechange', (state) => {
      if (state === 'failed' || state === 'closed') this.#fail(participantId, 'dtls', { transportId })
    })
  }

  /** Watch a producer's inbound packets; `armed: false` waits for `arm()`. */
  watchProducer(participantId: string, producer: ms.Producer, armed = true): void {
    this.#producers.set(producer.id, { producer, participantId, armed, packets: 0, lastGrowthAt: this.#now() })
    producer.observer.once('close', () => this.#producers.delete(producer.id))
    // A paused producer legitimately sends nothing: restart its clock when it resumes.
    producer.observer.on('resume', () => {
      const watched = this.#producers.get(producer.id)
      if (watched) watched.lastGrowthAt = this.#now()
    })
  }

  /** Start the clock of a producer watched with `armed: false`. */
  arm(producerId: string): void {
    const watched = this.#producers.get(producerId)
    if (watched && !watched.armed) {
      watched.armed = true
      watched.lastGrowthAt = this.#now()
    }
  }

  /** Report a failure that the room detected itself (a dead worker). */
  report(participantId: string, reason: MediaFailureReason): void {
    this.#fail(participantId, reason, {})
  }

  /** Forget a participant (it left). */
  forget(participantId: string): void {
    this.#reported.delete(participantId)
    for (const [id, watched] of this.#producers) if (watched.participantId === participantId) this.#producers.delete(id)
  }

  /** Stop polling. Idempotent. */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    clearInterval(this.#timer)
    this.#producers.clear()
    this.#reported.clear()
  }

  async #poll(): Promise<void> {
    if (this.#polling || this.#closed) return
    this.#polling = true
    try {
      const watched = [...this.#producers.values()].filter((w) => w.armed && !w.producer.closed && !w.producer.paused)
      const counts = await Promise.all(
        watched.map((w) =>
          w.producer.getStats().then(
            (stats) => stats.reduce((sum, s) => sum + (s.type === 'inbound-rtp' ? s.packetCount : 0), 0),
            () => undefined, // closed meanwhile
          ),
        ),
      )
      if (this.#closed) return
      const now = this.#now()
      watched.forEach((w, i) => {
        const packets = counts[i]
        if (packets === undefined || w.producer.closed || w.producer.paused) return
        if (packets > w.packets) {
          w.packets = packets
          w.lastGrowthAt = now
          this.#recover(w.participantId, 'timeout')
        } else if (now - w.lastGrowthAt >= this.#options.mediaTimeoutMs) {
          this.#fail(w.participantId, 'timeout', { producerId: w.producer.id })
        }
      })
    } finally {
      this.#polling = false
    }
  }

  #fail(participantId: string, reason: MediaFailureReason, ids: { transportId?: string; producerId?: string }): void {
    if (this.#closed) return
    const reported = this.#reported.get(participantId) ?? new Set<MediaFailureReason>()
    if (reported.has(reason)) return
    reported.add(reason)
    this.#reported.set(participantId, reported)
    this.#options.onFailure({ roomId: this.#options.roomId, participantId, reason, ...ids })
  }

  #recover(participantId: string, reason: MediaFailureReason): void {
    this.#reported.get(participantId)?.delete(reason)
  }
}
