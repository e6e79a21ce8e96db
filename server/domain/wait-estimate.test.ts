import { describe, expect, it } from 'vitest'
import { arrivalWait, baselineWait, erlangC, MovingMean, positionWait } from './wait-estimate.js'

describe('erlangC', () => {
  it('matches known values', () => {
    // 10 servers, 8 Erlangs: P(wait) ~ 0.409 (standard tables)
    expect(erlangC(10, 8)).toBeCloseTo(0.409, 2)
    expect(erlangC(1, 0.5)).toBeCloseTo(0.5, 5)
    expect(erlangC(5, 0)).toBe(0)
    expect(erlangC(5, 5)).toBe(1)
  })
})

describe('positionWait', () => {
  const staffing = { slots: 6, busySlots: 6, handleTimeSec: 300 }

  it('is zero while a slot is free for the position', () => {
    expect(positionWait(2, { ...staffing, busySlots: 4 })).toEqual({ seconds: 0, lowSeconds: 0, highSeconds: 0 })
  })

  it('grows with the position and brackets the mean', () => {
    const first = positionWait(1, staffing)!
    const fifth = positionWait(5, staffing)!
    expect(first.seconds).toBeCloseTo(50, 5) // one of 6 busy slots finishing: 300/6
    expect(fifth.seconds).toBeCloseTo(250, 5)
    expect(fifth.lowSeconds).toBeLessThan(fifth.seconds)
    expect(fifth.highSeconds).toBeGreaterThan(fifth.seconds)
  })

  it('refuses to guess with nobody staffed', () => {
    expect(positionWait(1, { slots: 0, busySlots: 0, handleTimeSec: 300 })).toBeNull()
  })

  it('adds the expected return of agents who are only briefly away, with a wide band', () => {
    const away = { slots: 3, busySlots: 0, handleTimeSec: 300, returnSec: 240 }
    expect(positionWait(1, away)).toEqual({ seconds: 240, lowSeconds: 60, highSeconds: 480 })
    const third = positionWait(4, away)!
    const served = positionWait(4, { ...away, returnSec: undefined })!
    expect(third.seconds).toBeCloseTo(served.seconds + 240, 5)
    expect(third.highSeconds).toBeGreaterThan(served.highSeconds + 240)
    // the button's estimate for a newcomer takes the same path
    expect(arrivalWait(1 / 600, away, 0)).toEqual(positionWait(1, away))
  })
})

describe('arrivalWait', () => {
  it('is small when lightly loaded and never below the line already waiting', () => {
    const light = arrivalWait(1 / 600, { slots: 6, busySlots: 1, handleTimeSec: 300 }, 0)!
    expect(light.seconds).toBeLessThan(1)
    const queued = arrivalWait(1 / 600, { slots: 6, busySlots: 6, handleTimeSec: 300 }, 4)!
    expect(queued.seconds).toBeCloseTo(250, 0)
  })
})

describe('baselineWait and MovingMean', () => {
  it('computes the naive formula and a moving mean with a fallback', () => {
    expect(baselineWait(3, 2, 100)).toBe(200)
    const mean = new MovingMean(0.5, 240)
    expect(mean.mean).toBe(240)
    mean.add(100)
    mean.add(200)
    expect(mean.mean).toBe(150)
  })
})
