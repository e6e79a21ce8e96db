/** Media time per participant and source, with a hand-driven clock. */
import { describe, expect, it } from 'vitest'
import { UsageMeter } from './usage-meter.js'

describe('UsageMeter', () => {
  it('sums producer lifetimes per participant and source, open ones up to now', () => {
    let now = 0
    const meter = new UsageMeter(() => now)
    meter.start('p1', 'alice', 'audio')
    meter.start('p2', 'alice', 'video')
    now = 10_000
    meter.stop('p2')
    meter.stop('p2') // idempotent
    meter.start('p3', 'alice', 'video') // camera restarted
    meter.start('p1', 'alice', 'audio') // idempotent
    now = 15_000
    expect(meter.usage()).toEqual([
      { participantId: 'alice', source: 'audio', seconds: 15 },
      { participantId: 'alice', source: 'video', seconds: 15 },
    ])
    meter.stopAll()
    now = 99_000
    expect(meter.usage().map((u) => u.seconds)).toEqual([15, 15])
  })
})
