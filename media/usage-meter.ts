/**
 * Media time per participant and source: each producer counts from its creation to its
 * close (pauses included: the participant held the line). Used for usage records.
 */
import type { MediaSource, UsageEntry } from './types.js'

interface Interval {
  participantId: string
  source: MediaSource
  startedAt: number
  endedAt: number | undefined
}

export class UsageMeter {
  readonly #intervals = new Map<string, Interval>()
  readonly #now: () => number

  constructor(now: () => number = () => performance.now()) {
    this.#now = now
  }

  /** A producer started (idempotent per key). */
  start(key: string, participantId: string, source: MediaSource): void {
    if (this.#intervals.has(key)) return
    this.#intervals.set(key, { participantId, source, startedAt: this.#now(), endedAt: undefined })
  }

  /** A producer ended (idempotent). */
  stop(key: string): void {
    const interval = this.#intervals.get(key)
    if (interval && interval.endedAt === undefined) interval.endedAt = this.#now()
  }

  /** Stop every open interval (the room closed). */
  stopAll(): void {
    for (const key of this.#intervals.keys()) this.stop(key)
  }

  /** Seconds per participant and source, summed over their producers (open ones up to now). */
  usage(): UsageEntry[] {
    const now = this.#now()
    const totals = new Map<string, UsageEntry>()
    for (const interval of this.#intervals.values()) {
      const key = `${interval.participantId}\u0000${interval.source}`
      const entry = totals.get(key) ?? { participantId: interval.participantId, source: interval.source, seconds: 0 }
      entry.seconds += ((interval.endedAt ?? now) - interval.startedAt) / 1000
      totals.set(key, entry)
    }
    return [...totals.values()].map((entry) => ({ ...entry, seconds: Math.round(entry.seconds * 1000) / 1000 }))
  }
}
