/**
 * The session replay's clock: events placed on a timeline by their server time (long idle
 * gaps optionally shortened, so a 40-minute chat with pauses replays watchably), and a
 * play/pause/seek/speed clock over it. Pure apart from the time source, which tests inject.
 */

export interface Timeline {
  /** offset of each event from the first, in replay ms (same order as the events) */
  offsets: number[]
  durationMs: number
  /** real server time of the first event (epoch ms) */
  startAt: number
  /** real time (epoch ms) of each event */
  times: number[]
}

/** Place events on a timeline; gaps longer than `maxGapMs` are shortened to it. */
export function buildTimeline(events: readonly { at: string }[], maxGapMs = Infinity): Timeline {
  const times = events.map((event) => Date.parse(event.at))
  const offsets: number[] = []
  let offset = 0
  for (let i = 0; i < times.length; i++) {
    if (i > 0) offset += Math.min(Math.max(0, times[i]! - times[i - 1]!), maxGapMs)
    offsets.push(offset)
  }
  return { offsets, durationMs: offset, startAt: times[0] ?? 0, times }
}

/** How many events have happened at replay position `positionMs` (binary search). */
export function eventsAt(timeline: Timeline, positionMs: number): number {
  let lo = 0
  let hi = timeline.offsets.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (timeline.offsets[mid]! <= positionMs) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** The real (server) time at a replay position: the last event's time plus the time since it. */
export function realTimeAt(timeline: Timeline, positionMs: number): number {
  const count = eventsAt(timeline, positionMs)
  if (count === 0) return timeline.startAt
  return timeline.times[count - 1]! + (positionMs - timeline.offsets[count - 1]!)
}

export const SPEEDS = [0.5, 1, 2, 4, 8, 16] as const

/** Play, pause, seek and speed over `durationMs`; stops by itself at the end. */
export class ReplayClock {
  private base = 0
  private startedAt: number | null = null
  private rate = 1

  constructor(
    private durationMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get playing(): boolean {
    return this.startedAt !== null && this.position < this.durationMs
  }

  get speed(): number {
    return this.rate
  }

  get duration(): number {
    return this.durationMs
  }

  /** The replay position in ms, within 0..duration. */
  get position(): number {
    const running = this.startedAt === null ? 0 : (this.now() - this.startedAt) * this.rate
    return Math.min(this.durationMs, Math.max(0, this.base + running))
  }

  play(): void {
    if (this.startedAt !== null) return
    if (this.position >= this.durationMs) this.base = 0 // replay from the start once at the end
    this.startedAt = this.now()
  }

  pause(): void {
    this.base = this.position
    this.startedAt = null
  }

  seek(positionMs: number): void {
    this.base = Math.min(this.durationMs, Math.max(0, positionMs))
    if (this.startedAt !== null) this.startedAt = this.now()
  }

  setSpeed(speed: number): void {
    this.base = this.position
    if (this.startedAt !== null) this.startedAt = this.now()
    this.rate = speed
  }

  /** A new timeline (e.g. idle gaps shortened) keeps the relative position. */
  resize(durationMs: number, positionMs: number): void {
    this.durationMs = durationMs
    this.seek(positionMs)
  }
}
