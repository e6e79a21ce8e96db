/** Times and waits in the visitor's words and locale, for the panel's views. */
import type { WaitEstimateView } from '../protocol/views.js'
import { minutes } from './presence-summary.js'

const DAY_MS = 24 * 3600_000

const clock = (date: Date) => date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })

/** Local midnight of the day of `date`, as epoch milliseconds. */
const dayOf = (date: Date) => new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime()

/** "15:30" today, "tomorrow at 09:00", "Tue 3 Dec at 09:00" later. */
export function formatWhen(at: Date | string, now: Date = new Date()): string {
  const date = typeof at === 'string' ? new Date(at) : at
  const day = dayLabel(date, now)
  return day ? `${day === 'Tomorrow' ? 'tomorrow' : day} at ${clock(date)}` : clock(date)
}

/** A slot button's day label: "", "Tomorrow" or "Tue 3 Dec". */
export function dayLabel(date: Date, now: Date = new Date()): string {
  const days = Math.round((dayOf(date) - dayOf(now)) / DAY_MS)
  if (days === 0) return ''
  if (days === 1) return 'Tomorrow'
  return date.toLocaleDateString([], { weekday: 'short', day: 'numeric', month: 'short' })
}

/** The clock time alone, e.g. "15:30". */
export const formatClock = clock

/** A waiting visitor's estimate: "an agent will be with you in a moment", "about 3–6 min". */
export function formatWait(estimate: WaitEstimateView): string {
  if (estimate.seconds <= 0) return 'An agent will be with you in a moment.'
  if (estimate.highSeconds < 60) return 'Estimated wait: less than a minute.'
  const low = minutes(estimate.lowSeconds)
  const high = Math.max(low, minutes(estimate.highSeconds))
  return low === high ? `Estimated wait: about ${low} min.` : `Estimated wait: about ${low}–${high} min.`
}

/** A Date as a `datetime-local` input value ("2026-11-24T15:30", local time). */
export function localInputValue(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`
}
