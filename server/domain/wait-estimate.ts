/**
 * Wait estimates from live service rates and staffing, with an uncertainty band.
 *
 * - For a visitor already waiting at position k: the servers ("slots": staffed agents x
 *   concurrent chats) that are busy each finish at rate 1/AHT; the wait is the time until
 *   k - freeSlots of them finish: a Gamma(k - free, busy/AHT) variable (exponential service).
 * - For a new arrival (the button's "about N min"): Erlang C over the same slots, with the
 *   arrival rate measured live.
 * Pure functions over numbers; the services feed them measured rates.
 */

export interface WaitEstimate {
  /** expected wait */
  seconds: number
  /** 80% band */
  lowSeconds: number
  highSeconds: number
}

export interface Staffing {
  /** concurrent conversations the qualified, staffed agents can hold in all */
  slots: number
  /** slots in use right now */
  busySlots: number
  /** mean handle time of one conversation, seconds */
  handleTimeSec: number
  /**
   * mean time left of a conversation already under way: (1 + CV^2) / 2 x handle time; equal
   * to the handle time for exponential lengths, shorter when lengths vary less
   */
  residualSec?: number
  /** mean time an agent takes to answer an offer, seconds */
  answerSec?: number
  /**
   * set when nobody qualified is staffed but some are only briefly away (Not ready, Break,
   * Away): the slots above are theirs, and this is the expected time until the first is back
   */
  returnSec?: number
}

const Z80 = 1.2816 // the 10% / 90% quantiles of a standard normal

/** Quantile of Gamma(shape, rate) by the Wilson-Hilferty approximation (good from shape ~1). */
function gammaQuantile(shape: number, rate: number, z: number): number {
  const c = 1 / (9 * shape)
  const q = shape * Math.pow(1 - c + z * Math.sqrt(c), 3)
  return Math.max(0, q / rate)
}

/** Expected wait of the request at 1-based `position` among those waiting. */
export function positionWait(position: number, staffing: Staffing): WaitEstimate | null {
  if (staffing.slots <= 0 || staffing.handleTimeSec <= 0) return null // nobody to serve: no honest estimate
  if (staffing.returnSec !== undefined) {
    // Absences are long-tailed: the band runs from a quick return to twice the expected one.
    const served = positionWait(position, { ...staffing, returnSec: undefined })!
    const back = staffing.returnSec
    return { seconds: served.seconds + back, lowSeconds: served.lowSeconds + back / 4, highSeconds: served.highSeconds + back * 2 }
  }
  const answer = staffing.answerSec ?? 0
  const free = Math.max(0, staffing.slots - staffing.busySlots)
  const needed = position - free
  if (needed <= 0) return { seconds: answer, lowSeconds: answer / 2, highSeconds: answer * 2 }
  // The first departure of each busy slot comes after its residual time, later ones after full conversations.
  const busy = Math.max(1, staffing.busySlots)
  const residual = staffing.residualSec ?? staffing.handleTimeSec
  const mean = (Math.min(needed, busy) * residual + Math.max(0, needed - busy) * staffing.handleTimeSec) / busy
  const rate = needed / mean // Gamma(needed, rate) with that mean
  return { seconds: mean + answer, lowSeconds: gammaQuantile(needed, rate, -Z80) + answer / 2, highSeconds: gammaQuantile(needed, rate, Z80) + answer * 2 }
}

/** Mean residual life of conversations from the mean and mean square of their lengths. */
export function residualLife(meanSec: number, meanSquareSec: number): number {
  if (meanSec <= 0) return 0
  return meanSquareSec / (2 * meanSec)
}

/** Erlang C: probability an arrival has to wait, with `servers` and offered load `traffic` (Erlangs). */
export function erlangC(servers: number, traffic: number): number {
  if (servers <= 0) return 1
  if (traffic <= 0) return 0
  if (traffic >= servers) return 1
  // Erlang B by its stable recursion, then C from B.
  let b = 1
  for (let k = 1; k <= servers; k++) b = (traffic * b) / (k + traffic * b)
  const rho = traffic / servers
  return b / (1 - rho + rho * b)
}

/** Expected wait of a new arrival given the arrival rate (per second) and the staffing. */
export function arrivalWait(arrivalsPerSec: number, staffing: Staffing, waiting: number): WaitEstimate | null {
  const servers = Math.floor(staffing.slots)
  if (servers <= 0) return null
  if (staffing.returnSec !== undefined) return positionWait(waiting + 1, staffing)
  const traffic = arrivalsPerSec * staffing.handleTimeSec
  if (traffic >= servers) {
    // Overloaded: Erlang C has no steady state; the queue ahead decides.
    return positionWait(waiting + 1, staffing)
  }
  const pWait = erlangC(servers, traffic)
  const meanIfWaiting = staffing.handleTimeSec / (servers - traffic)
  const mean = pWait * meanIfWaiting
  // Waits are 0 with probability 1 - pWait, else exponential(mean meanIfWaiting): quantiles of that mixture.
  const quantile = (p: number) => (p <= 1 - pWait ? 0 : -meanIfWaiting * Math.log((1 - p) / pWait))
  const fromQueue = waiting > 0 ? positionWait(waiting + 1, staffing) : null
  const estimate = { seconds: mean, lowSeconds: quantile(0.1), highSeconds: quantile(0.9) }
  // Visitors already waiting push the newcomer back: never promise less than the line ahead needs.
  return fromQueue && fromQueue.seconds > estimate.seconds ? fromQueue : estimate
}

/** The naive baseline the bench compares against: ((position - 1) / agents + 1) * AHT. */
export function baselineWait(position: number, agents: number, handleTimeSec: number): number {
  return agents > 0 ? ((position - 1) / agents + 1) * handleTimeSec : Infinity
}

/** Exponentially weighted mean, for live rates (handle time, arrivals). */
export class MovingMean {
  private value: number | null = null
  constructor(
    private readonly weight: number,
    private readonly fallback: number,
  ) {}
  add(sample: number): void {
    this.value = this.value === null ? sample : this.value + this.weight * (sample - this.value)
  }
  get mean(): number {
    return this.value ?? this.fallback
  }
}
