import { describe, expect, it } from 'vitest'
import { addDays, datesBetween, isValidTimeZone, localParts, zonedTime } from './zoned-time.js'
import { isOpen, nextOpening, readBusinessHours, weekSchema } from './business-hours.js'

describe('zoned time', () => {
  it('finds local midnight and hours, across daylight saving changes', () => {
    expect(zonedTime('2026-11-16', 'Europe/Berlin').toISOString()).toBe('2026-11-15T23:00:00.000Z')
    expect(zonedTime('2026-07-01', 'Europe/Berlin').toISOString()).toBe('2026-06-30T22:00:00.000Z')
    // the day clocks go back (25 hours) and forward (23 hours)
    expect(zonedTime('2026-10-26', 'Europe/Berlin').getTime() - zonedTime('2026-10-25', 'Europe/Berlin').getTime()).toBe(25 * 3600_000)
    expect(zonedTime('2026-03-30', 'Europe/Berlin').getTime() - zonedTime('2026-03-29', 'Europe/Berlin').getTime()).toBe(23 * 3600_000)
    expect(zonedTime('2026-11-16', 'America/New_York', 9, 30).toISOString()).toBe('2026-11-16T14:30:00.000Z')
    expect(localParts(new Date('2026-11-15T23:30:00Z'), 'Europe/Berlin')).toMatchObject({ date: '2026-11-16', hour: 0, minute: 30, weekday: 1 })
    expect(localParts(new Date('2026-11-15T23:30:00Z'), 'UTC')).toMatchObject({ date: '2026-11-15', hour: 23 })
  })

  it('knows timezones and counts days', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true)
    expect(isValidTimeZone('Mars/Olympus')).toBe(false)
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
    expect(datesBetween('2026-02-27', '2026-03-01')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01'])
  })
})

describe('business hours', () => {
  const rules = { week: weekSchema.parse({ mon: [{ from: '09:00', to: '12:00' }, { from: '13:00', to: '17:00' }], tue: [{ from: '09:00', to: '17:00' }] }), closedDates: ['2026-11-17'] }
  const berlin = (iso: string) => Date.parse(`${iso}+01:00`)

  it('is open inside the opening times of the local weekday, except on closed dates', () => {
    expect(isOpen(rules, berlin('2026-11-16T09:00:00'), 'Europe/Berlin')).toBe(true)
    expect(isOpen(rules, berlin('2026-11-16T12:30:00'), 'Europe/Berlin')).toBe(false)
    expect(isOpen(rules, berlin('2026-11-16T17:00:00'), 'Europe/Berlin')).toBe(false)
    expect(isOpen(rules, berlin('2026-11-17T10:00:00'), 'Europe/Berlin')).toBe(false) // closed date
    expect(isOpen(rules, berlin('2026-11-24T10:00:00'), 'Europe/Berlin')).toBe(true)
  })

  it('says when it opens next', () => {
    expect(nextOpening(rules, berlin('2026-11-16T12:30:00'), 'Europe/Berlin')?.toISOString()).toBe('2026-11-16T12:00:00.000Z')
    expect(nextOpening(rules, berlin('2026-11-16T18:00:00'), 'Europe/Berlin')?.toISOString()).toBe('2026-11-23T08:00:00.000Z') // Tuesday is closed
  })

  it('is always open when nothing is configured, and reads broken JSON as nothing', () => {
    const empty = readBusinessHours('not json', '[')
    expect(isOpen(empty, Date.now(), 'UTC')).toBe(true)
    expect(nextOpening(empty, Date.now(), 'UTC')).toBeNull()
  })

  it('refuses overlapping or reversed opening times', () => {
    expect(weekSchema.safeParse({ mon: [{ from: '09:00', to: '12:00' }, { from: '11:00', to: '13:00' }] }).success).toBe(false)
    expect(weekSchema.safeParse({ mon: [{ from: '12:00', to: '09:00' }] }).success).toBe(false)
    expect(weekSchema.safeParse({ mon: [{ from: '00:00', to: '24:00' }] }).success).toBe(true)
  })
})
