/**
 * Wall-clock time in a tenant's IANA timezone, without a date library: reports bucket by the
 * tenant's local hour and day, business hours are the tenant's local times.
 */

export interface LocalParts {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  /** 0 = Sunday ... 6 = Saturday */
  weekday: number
  /** "2026-11-30" */
  date: string
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 }
const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', weekday: 'short' })
    formatters.set(timeZone, format)
  }
  return format
}

/** True for a timezone this runtime knows ("Europe/Berlin", "UTC"). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone)
    return true
  } catch {
    return false
  }
}

/** The local date and time of an instant in `timeZone`. */
export function localParts(at: Date | number, timeZone: string): LocalParts {
  const parts: Record<string, string> = {}
  for (const part of formatter(timeZone).formatToParts(typeof at === 'number' ? at : at.getTime())) parts[part.type] = part.value
  const year = Number(parts.year)
  const month = Number(parts.month)
  const day = Number(parts.day)
  return { year, month, day, hour: Number(parts.hour) % 24, minute: Number(parts.minute), weekday: WEEKDAYS[parts.weekday!] ?? 0, date: `${parts.year}-${parts.month}-${parts.day}` }
}

/** Milliseconds the zone's wall clock is ahead of UTC at `at`. */
export function zoneOffsetMs(at: number, timeZone: string): number {
  const parts: Record<string, string> = {}
  for (const part of formatter(timeZone).formatToParts(at)) parts[part.type] = part.value
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour) % 24, Number(parts.minute), Number(parts.second))
  return wall - Math.floor(at / 1000) * 1000
}

/** The instant a local wall-clock time happens in `timeZone` (the earlier one in a DST overlap). */
export function zonedTime(date: string, timeZone: string, hour = 0, minute = 0): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  const wall = Date.UTC(y, m - 1, d, hour, minute)
  // Two rounds settle the offset on either side of a DST change.
  let at = wall - zoneOffsetMs(wall, timeZone)
  at = wall - zoneOffsetMs(at, timeZone)
  return new Date(at)
}

/** "2026-11-30" -> "2026-12-01" (calendar arithmetic, no timezone involved). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10)
}

/** Local dates from `from` to `to` inclusive. */
export function datesBetween(from: string, to: string): string[] {
  const dates: string[] = []
  for (let date = from; date <= to && dates.length < 400; date = addDays(date, 1)) dates.push(date)
  return dates
}
