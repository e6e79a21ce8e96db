/**
 * Rating: a period's metered usage and a price plan -> the lines of a statement. Pure and
 * exact: quantities are integers (milliseconds, hits, seats), prices integer micro-units of
 * the currency per minute/hit/seat, amounts BigInt until each line is rounded (half up) to
 * the currency's minor unit once. The statement's subtotal is the sum of its lines, so it
 * always equals the sum of the rated usage.
 */

/** The plan fields rating needs (the PricePlan row). */
export interface RatingPlan {
  name: string
  currency: string
  baseFeeMicros: number
  chatMinuteMicros: number
  mediaMinuteMicros: number
  pstnMinuteMicros: number
  hitMicros: number
  seatMicros: number
  includedChatMinutes: number
  includedMediaMinutes: number
  includedPstnMinutes: number
  includedHits: number
  includedSeats: number
  resellerName: string | null
  resellerShareBps: number
  microChargeFeeBps: number
}

/** Metered usage of one period in exact units. */
export interface UsageTotals {
  chatMs: number
  mediaMs: number
  pstnMs: number
  hits: number
  seats: number
  /** shopper micro-charges collected in the plan's currency (minor units, refunds subtracted) */
  microChargesMinor: number
}

export type LineKind = 'base_fee' | 'chat_minutes' | 'media_minutes' | 'pstn_minutes' | 'hits' | 'seats' | 'micro_charge_fee'

export type LineUnit = 'period' | 'minute' | 'hit' | 'seat' | 'minor'

/** One rated line. Quantities in the line's unit as exact decimal strings (minutes to 1/60000). */
export interface StatementLine {
  kind: LineKind
  label: string
  unit: LineUnit
  /** what was used, in `unit` ("12.5" minutes) */
  quantity: string
  /** free quantity of the plan, in `unit` */
  included: string
  /** charged quantity, in `unit` */
  billable: string
  /** the raw integer the quantity came from (ms, hits, seats, minor units) */
  rawQuantity: number
  /** price per unit in micro-units ("per mille" of the fee for micro_charge_fee: basis points) */
  unitPriceMicros: number
  amountMinor: number
}

export interface RatedStatement {
  currency: string
  /** decimals of the currency's minor unit (2 for EUR) */
  minorDigits: number
  lines: StatementLine[]
  subtotalMinor: number
  resellerName: string | null
  resellerShareBps: number
  /** the reseller's part of the subtotal */
  resellerShareMinor: number
  /** what the tenant pays (= subtotal) */
  totalMinor: number
  /** what the host keeps after the reseller's share */
  hostNetMinor: number
}

const MS_PER_MINUTE = 60_000n

/** Decimals of a currency's minor unit (EUR 2, JPY 0, KWD 3). */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  } catch {
    return 2
  }
}

/** a / b rounded half up, for non-negative b (half away from zero for negative a). */
export function divRound(a: bigint, b: bigint): bigint {
  if (b <= 0n) throw new RangeError('divisor must be positive')
  const negative = a < 0n
  const abs = negative ? -a : a
  const q = (abs * 2n + b) / (2n * b)
  return negative ? -q : q
}

/** An exact decimal string of n / d with up to `places` decimals (trailing zeros removed). */
export function exactDecimal(n: bigint, d: bigint, places = 6): string {
  const scale = 10n ** BigInt(places)
  const scaled = divRound(n * scale, d)
  const negative = scaled < 0n
  const abs = negative ? -scaled : scaled
  const whole = abs / scale
  const frac = (abs % scale).toString().padStart(places, '0').replace(/0+$/, '')
  return `${negative ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`
}

/** Rate a period's usage by a plan. Lines with nothing used and no price are left out. */
export function rate(plan: RatingPlan, usage: UsageTotals): RatedStatement {
  const digits = minorDigits(plan.currency)
  // micro-units -> minor units: divide by 10^(6 - digits)
  const microsPerMinor = 10n ** BigInt(6 - digits)
  const lines: StatementLine[] = []

  if (plan.baseFeeMicros > 0) {
    lines.push({ kind: 'base_fee', label: `${plan.name} plan`, unit: 'period', quantity: '1', included: '0', billable: '1', rawQuantity: 1, unitPriceMicros: plan.baseFeeMicros, amountMinor: Number(divRound(BigInt(plan.baseFeeMicros), microsPerMinor)) })
  }

  const minutes = (kind: LineKind, label: string, ms: number, includedMinutes: number, price: number) => {
    if (ms <= 0 && price === 0) return
    const used = BigInt(Math.max(0, Math.round(ms)))
    const included = BigInt(includedMinutes) * MS_PER_MINUTE
    const billable = used > included ? used - included : 0n
    lines.push({
      kind,
      label,
      unit: 'minute',
      quantity: exactDecimal(used, MS_PER_MINUTE),
      included: String(includedMinutes),
      billable: exactDecimal(billable, MS_PER_MINUTE),
      rawQuantity: Number(used),
      unitPriceMicros: price,
      amountMinor: Number(divRound(billable * BigInt(price), MS_PER_MINUTE * microsPerMinor)),
    })
  }
  minutes('chat_minutes', 'Chat minutes', usage.chatMs, plan.includedChatMinutes, plan.chatMinuteMicros)
  minutes('media_minutes', 'Voice/video minutes', usage.mediaMs, plan.includedMediaMinutes, plan.mediaMinuteMicros)
  minutes('pstn_minutes', 'Phone (PSTN) minutes', usage.pstnMs, plan.includedPstnMinutes, plan.pstnMinuteMicros)

  const counted = (kind: LineKind, label: string, unit: LineUnit, used: number, includedCount: number, price: number) => {
    if (used <= 0 && price === 0) return
    const billable = Math.max(0, used - includedCount)
    lines.push({ kind, label, unit, quantity: String(used), included: String(includedCount), billable: String(billable), rawQuantity: used, unitPriceMicros: price, amountMinor: Number(divRound(BigInt(billable) * BigInt(price), microsPerMinor)) })
  }
  counted('hits', 'Hits (visitor requests)', 'hit', usage.hits, plan.includedHits, plan.hitMicros)
  counted('seats', 'Seats used', 'seat', usage.seats, plan.includedSeats, plan.seatMicros)

  if (usage.microChargesMinor !== 0 && plan.microChargeFeeBps > 0) {
    lines.push({
      kind: 'micro_charge_fee',
      label: `Fee on shopper micro-charges (${exactDecimal(BigInt(plan.microChargeFeeBps), 100n, 2)} %)`,
      unit: 'minor',
      quantity: String(usage.microChargesMinor),
      included: '0',
      billable: String(usage.microChargesMinor),
      rawQuantity: usage.microChargesMinor,
      unitPriceMicros: plan.microChargeFeeBps,
      amountMinor: Number(divRound(BigInt(usage.microChargesMinor) * BigInt(plan.microChargeFeeBps), 10_000n)),
    })
  }

  const subtotal = lines.reduce((sum, line) => sum + BigInt(line.amountMinor), 0n)
  const resellerShare = plan.resellerShareBps > 0 ? divRound(subtotal * BigInt(plan.resellerShareBps), 10_000n) : 0n
  return {
    currency: plan.currency,
    minorDigits: digits,
    lines,
    subtotalMinor: Number(subtotal),
    resellerName: plan.resellerName,
    resellerShareBps: plan.resellerShareBps,
    resellerShareMinor: Number(resellerShare),
    totalMinor: Number(subtotal),
    hostNetMinor: Number(subtotal - resellerShare),
  }
}

/** "12.34" for 1234 minor units of a 2-digit currency. */
export function formatMinor(amountMinor: number, digits: number): string {
  const sign = amountMinor < 0 ? '-' : ''
  const text = String(Math.abs(amountMinor))
  if (digits === 0) return sign + text
  const padded = text.padStart(digits + 1, '0')
  return `${sign}${padded.slice(0, -digits)}.${padded.slice(-digits)}`
}

/** "0.012" currency units for a price in micro-units. */
export function formatMicros(micros: number): string {
  return exactDecimal(BigInt(micros), 1_000_000n, 6)
}
