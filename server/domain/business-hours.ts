/**
 * Business hours: opening intervals per weekday in the tenant's timezone, plus closed dates.
 * Pure: `isOpen` answers for an instant, `nextOpening` says when the widget may promise.
 */
import { z } from 'zod'
import { addDays, localParts, zonedTime } from './zoned-time.js'

export const WEEKDAY_KEYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const
export type WeekdayKey = (typeof WEEKDAY_KEYS)[number]

const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/
const clock = z.string().regex(CLOCK, 'a time like 09:00 (24 h)')
const minutes = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5))

export const openingSchema = z
  .strictObject({ from: clock, to: clock })
  .refine((o) => !CLOCK.test(o.from) || !CLOCK.test(o.to) || minutes(o.to) > minutes(o.from), { message: 'must end after it starts', path: ['to'] })

const day = z
  .array(openingSchema)
  .max(6)
  .refine((list) => [...list].sort((a, b) => minutes(a.from) - minutes(b.from)).every((o, i, all) => i === 0 || minutes(o.from) >= minutes(all[i - 1]!.to)), 'opening times of a day overlap')

export const weekSchema = z.strictObject(Object.fromEntries(WEEKDAY_KEYS.map((key) => [key, day.default([])])) as Record<WeekdayKey, z.ZodDefault<typeof day>>)

export type Opening = z.infer<typeof openingSchema>
export type Week = Record<WeekdayKey, Opening[]>

export interface BusinessHoursRules {
  week: Week
  closedDates: string[]
}

/** No week configured at all means "always open" (the default for a new tenant). */
export function alwaysOpen(rules: BusinessHoursRules): boolean {
  return WEEKDAY_KEYS.every((key) => rules.week[key].length === 0) && rules.closedDates.length === 0
}

/** Is the contact center open at `at`? */
export function isOpen(rules: BusinessHoursRules, at: number, timeZone: string): boolean {
  if (alwaysOpen(rules)) return true
  const local = localParts(at, timeZone)
  if (rules.closedDates.includes(local.date)) return false
  const now = local.hour * 60 + local.minute
  return rules.week[WEEKDAY_KEYS[local.weekday]!].some((o) => now >= minutes(o.from) && now < minutes(o.to))
}

/** The next instant it opens after `at` (within two weeks), or null. */
export function nextOpening(rules: BusinessHoursRules, at: number, timeZone: string): Date | null {
  if (alwaysOpen(rules)) return null
  const today = localParts(at, timeZone).date
  for (let offset = 0; offset < 15; offset++) {
    const date = addDays(today, offset)
    if (rules.closedDates.includes(date)) continue
    const weekday = new Date(`${date}T12:00:00Z`).getUTCDay()
    for (const opening of [...rules.week[WEEKDAY_KEYS[weekday]!]].sort((a, b) => minutes(a.from) - minutes(b.from))) {
      const start = zonedTime(date, timeZone, Number(opening.from.slice(0, 2)), Number(opening.from.slice(3, 5)))
      if (start.getTime() > at) return start
    }
  }
  return null
}

/** Stored JSON -> rules; unreadable parts count as empty. */
export function readBusinessHours(weekJson: string, closedJson: string): BusinessHoursRules {
  let week: Week = weekSchema.parse({})
  let closedDates: string[] = []
  try {
    week = weekSchema.parse(JSON.parse(weekJson))
  } catch {
    // keep the empty week
  }
  try {
    closedDates = z.array(z.string()).parse(JSON.parse(closedJson))
  } catch {
    // keep no closed dates
  }
  return { week, closedDates }
}
