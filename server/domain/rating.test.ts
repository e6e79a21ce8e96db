import { describe, expect, it } from 'vitest'
import { divRound, exactDecimal, formatMinor, minorDigits, rate, type RatingPlan } from './rating.js'

const plan = (over: Partial<RatingPlan> = {}): RatingPlan => ({
  name: 'Test',
  currency: 'EUR',
  baseFeeMicros: 0,
  chatMinuteMicros: 0,
  mediaMinuteMicros: 0,
  pstnMinuteMicros: 0,
  hitMicros: 0,
  seatMicros: 0,
  includedChatMinutes: 0,
  includedMediaMinutes: 0,
  includedPstnMinutes: 0,
  includedHits: 0,
  includedSeats: 0,
  resellerName: null,
  resellerShareBps: 0,
  microChargeFeeBps: 0,
  ...over,
})
const none = { chatMs: 0, mediaMs: 0, pstnMs: 0, hits: 0, seats: 0, microChargesMinor: 0 }

describe('rating', () => {
  it('rounds half up once per line and sums the lines exactly', () => {
    // 1 minute at 0.005: half a cent -> 1 cent; 1.5 minutes at 0.01: 1.5 cents -> 2 cents
    const rated = rate(plan({ chatMinuteMicros: 5_000, mediaMinuteMicros: 10_000 }), { ...none, chatMs: 60_000, mediaMs: 90_000 })
    expect(rated.lines.map((l) => [l.kind, l.amountMinor])).toEqual([
      ['chat_minutes', 1],
      ['media_minutes', 2],
    ])
    expect(rated.totalMinor).toBe(3)
  })

  it('charges nothing for what the plan includes', () => {
    const rated = rate(plan({ chatMinuteMicros: 10_000, includedChatMinutes: 100, hitMicros: 1_000, includedHits: 5 }), { ...none, chatMs: 59 * 60_000, hits: 7 })
    expect(rated.lines.find((l) => l.kind === 'chat_minutes')).toMatchObject({ quantity: '59', billable: '0', amountMinor: 0 })
    expect(rated.lines.find((l) => l.kind === 'hits')).toMatchObject({ billable: '2', amountMinor: 0 }) // 0.002 -> 0 cents
  })

  it('uses the minor unit of the currency', () => {
    expect(minorDigits('EUR')).toBe(2)
    expect(minorDigits('JPY')).toBe(0)
    expect(minorDigits('KWD')).toBe(3)
    const yen = rate(plan({ currency: 'JPY', seatMicros: 1_500_000_000 }), { ...none, seats: 3 })
    expect(yen.totalMinor).toBe(4500)
    expect(formatMinor(4500, 0)).toBe('4500')
    expect(formatMinor(6044, 2)).toBe('60.44')
    expect(formatMinor(5, 2)).toBe('0.05')
    expect(formatMinor(-1250, 2)).toBe('-12.50')
  })

  it('splits the reseller share off the total and charges a fee on micro-charges', () => {
    const rated = rate(plan({ baseFeeMicros: 10_010_000, resellerShareBps: 2500, resellerName: 'R', microChargeFeeBps: 1000 }), { ...none, microChargesMinor: 995 })
    expect(rated.lines.map((l) => l.amountMinor)).toEqual([1001, 100]) // 10% of 9.95 = 0.995 -> 1.00
    expect(rated).toMatchObject({ subtotalMinor: 1101, resellerShareMinor: 275, hostNetMinor: 826, totalMinor: 1101 }) // 275.25 -> 275
  })

  it('leaves out lines with neither use nor price', () => {
    expect(rate(plan(), none).lines).toEqual([])
  })

  it('does exact decimal arithmetic', () => {
    expect(divRound(5n, 2n)).toBe(3n)
    expect(divRound(-5n, 2n)).toBe(-3n)
    expect(divRound(4n, 3n)).toBe(1n)
    expect(exactDecimal(2_199_000n, 60_000n)).toBe('36.65')
    expect(exactDecimal(1n, 3n)).toBe('0.333333')
    expect(exactDecimal(120_000n, 60_000n)).toBe('2')
  })
})
