import { describe, expect, it } from 'vitest'
import { formatBps, formatMicros, formatMoney, parseMicros, parsePercentBps } from './money.js'

describe('prices typed by an admin', () => {
  it('read exactly into micro-units and back', () => {
    expect(parseMicros('0.012')).toEqual({ ok: true, value: 12_000 })
    expect(parseMicros('49')).toEqual({ ok: true, value: 49_000_000 })
    expect(parseMicros('0,1')).toEqual({ ok: true, value: 100_000 })
    expect(parseMicros('0.0000001').ok).toBe(false)
    expect(parseMicros('-1').ok).toBe(false)
    expect(parseMicros('2000.000001').ok).toBe(false)
    expect(formatMicros(12_000)).toBe('0.012')
    expect(formatMicros(49_000_000)).toBe('49')
  })

  it('read percentages into basis points', () => {
    expect(parsePercentBps('20')).toEqual({ ok: true, value: 2000 })
    expect(parsePercentBps('12.5')).toEqual({ ok: true, value: 1250 })
    expect(parsePercentBps('100.01').ok).toBe(false)
    expect(formatBps(1250)).toBe('12.5')
    expect(formatMoney(6044, 2, 'EUR')).toBe('60.44 EUR')
    expect(formatMoney(7, 2, 'EUR')).toBe('0.07 EUR')
    expect(formatMoney(4500, 0, 'JPY')).toBe('4500 JPY')
  })
})
