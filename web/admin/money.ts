/**
 * Prices typed by an admin, read exactly: "0.012" (currency units) -> 12000 micro-units,
 * "20" or "12.5" percent -> basis points. No floating point on the way, so the statement
 * rates exactly what the admin typed.
 */
import type { Checked } from './form-checks.js'

const MAX_MICROS = 2_000_000_000

/** "0.012" -> 12000 (up to six decimals, at most 2000 currency units). */
export function parseMicros(text: string): Checked<number> {
  const value = text.trim().replace(',', '.')
  const match = /^(\d{1,4})(?:\.(\d{1,6}))?$/.exec(value)
  if (!match) return { ok: false, error: 'a price like 0.012 (up to 6 decimals)' }
  const micros = Number(match[1]) * 1_000_000 + Number((match[2] ?? '').padEnd(6, '0'))
  if (micros > MAX_MICROS) return { ok: false, error: 'at most 2000 per unit' }
  return { ok: true, value: micros }
}

/** 12000 -> "0.012". */
export function formatMicros(micros: number): string {
  const whole = Math.floor(micros / 1_000_000)
  const frac = String(micros % 1_000_000).padStart(6, '0').replace(/0+$/, '')
  return frac ? `${whole}.${frac}` : String(whole)
}

/** "12.5" percent -> 1250 basis points (0 to 100 %). */
export function parsePercentBps(text: string): Checked<number> {
  const match = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(text.trim().replace(',', '.'))
  if (!match) return { ok: false, error: 'a percentage like 20 or 12.5' }
  const bps = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'))
  if (bps > 10_000) return { ok: false, error: 'at most 100 %' }
  return { ok: true, value: bps }
}

/** 1250 -> "12.5". */
export function formatBps(bps: number): string {
  return formatMicros(bps * 10_000)
}

/** 6044 minor units of EUR -> "60.44 EUR" (the digits of the currency). */
export function formatMoney(amountMinor: number, digits: number, currency: string): string {
  const sign = amountMinor < 0 ? '-' : ''
  const text = String(Math.abs(amountMinor)).padStart(digits + 1, '0')
  return `${sign}${digits > 0 ? `${text.slice(0, -digits)}.${text.slice(-digits)}` : text} ${currency}`
}
