import { describe, expect, it } from 'vitest'
import { agentReport, unionLength } from './reports.js'
import { attendance, routingFunnel } from './activity-reports.js'

describe('report arithmetic', () => {
  it('measures the union of overlapping intervals', () => {
    expect(unionLength([[0, 10], [5, 15], [20, 30], [25, 26], [40, 40]])).toBe(25)
    expect(unionLength([])).toBe(0)
  })

  it('counts an agent’s states from the state they were in when the period began', () => {
    const range = { from: 1000, to: 5000, timeZone: 'UTC', now: 10_000 }
    const [figures] = agentReport(['a'], [{ agentId: 'a', state: 'ready', at: 0 }, { agentId: 'a', state: 'break', at: 3000 }], [{ agentId: 'a', channelId: 'c', joinedAt: 1500, leftAt: null }], [], range)
    expect(figures).toMatchObject({ stateSec: { ready: 2, break: 2 }, staffedSec: 2, handlingSec: 3.5, occupancy: 1, handled: 1, avgHandleSec: null })
  })

  it('stops a running period at now', () => {
    const [figures] = agentReport(['a'], [{ agentId: 'a', state: 'ready', at: 0 }], [], [], { from: 0, to: 10_000, timeZone: 'UTC', now: 4000 })
    expect(figures!.stateSec).toEqual({ ready: 4 })
  })

  it('only follows requests that entered the queue in the period through the funnel', () => {
    const funnel = routingFunnel(
      [
        { type: 'offer-made', at: 5, requestId: 'yesterday', agentId: 'a' },
        { type: 'offer-accepted', at: 6, requestId: 'yesterday', agentId: 'a' },
        { type: 'request-enqueued', at: 7, requestId: 'r', agentId: null },
        { type: 'request-left', at: 9, requestId: 'r', agentId: null },
      ],
      { from: 0, to: 100 },
    )
    expect(funnel).toMatchObject({ enqueued: 1, offered: 0, accepted: 0, lostBeforeOffer: 1, offersMade: 1 })
  })

  it('counts the peak of visitors present at once, leaving before joining at the same instant', () => {
    const sessions = attendance(
      [{ id: 'c', createdAt: 0, endedAt: 100_000 }],
      [
        { channelId: 'c', visitorId: 'v1', joinedAt: 0, leftAt: 50_000 },
        { channelId: 'c', visitorId: 'v2', joinedAt: 50_000, leftAt: 100_000 },
        { channelId: 'c', visitorId: 'v3', joinedAt: 60_000, leftAt: null },
      ],
      1_000_000,
    )
    expect(sessions).toEqual([{ channelId: 'c', startedAt: 0, endedAt: 100_000, attendees: 3, peak: 2, avgStaySec: 46.7 }])
  })
})
