import { describe, expect, it } from 'vitest'
import { atCapacityFor, formatCountdown, formatElapsed, formatEstimate, formatLoad, formatSeconds } from './format.js'

describe('console wording', () => {
  it('formats elapsed and remaining time', () => {
    expect(formatSeconds(7)).toBe('0:07')
    expect(formatSeconds(3723)).toBe('1:02:03')
    expect(formatSeconds(-4)).toBe('0:00')
    expect(formatElapsed(1_000, 8_500)).toBe('0:07')
    // a countdown rounds up: 0:00 only once the time is over
    expect(formatCountdown(10_000, 9_100)).toBe('0:01')
    expect(formatCountdown(10_000, 10_000)).toBe('0:00')
    expect(formatCountdown(10_000, 12_000)).toBe('0:00')
    expect(formatCountdown('not a date', 0)).toBe('0:00')
  })

  it('tells load against capacity, chats and calls', () => {
    const agent = { activeChats: 2, maxChats: 3, activeCalls: 0, maxCalls: 1 }
    expect(formatLoad(agent)).toBe('2/3 chats · 0/1 call')
    expect(atCapacityFor(agent, 'chat')).toBe(false)
    expect(atCapacityFor({ ...agent, activeChats: 3 }, 'chat')).toBe(true)
    expect(atCapacityFor({ ...agent, activeCalls: 1 }, 'call')).toBe(true)
  })

  it('gives wait estimates as a range', () => {
    expect(formatEstimate(null)).toBe('nobody staffed')
    expect(formatEstimate({ seconds: 20, lowSeconds: 5, highSeconds: 40 })).toBe('under a minute')
    expect(formatEstimate({ seconds: 90, lowSeconds: 10, highSeconds: 150 })).toBe('under 3 min')
    expect(formatEstimate({ seconds: 120, lowSeconds: 60, highSeconds: 180 })).toBe('1–3 min')
    expect(formatEstimate({ seconds: 300, lowSeconds: 290, highSeconds: 310 })).toBe('about 5 min')
  })
})
