import { describe, expect, it } from 'vitest'
import { ReplayClock, buildTimeline, eventsAt, realTimeAt } from './replay-clock.js'
import { replayStateAt, shownPage } from './replay-state.js'
import { describeEvent, type ArchivedEvent } from './event-text.js'

const event = (seq: number, at: string, type: string, payload: unknown, author: ArchivedEvent['author'] = { role: 'system' }): ArchivedEvent => ({ seq, at: `2026-11-30T10:${at}Z`, type, payload, author })
const anna = { role: 'agent', participantId: 'pa_a', name: 'Anna' }
const vera = { role: 'visitor', participantId: 'pa_v', name: 'Vera' }
const log: ArchivedEvent[] = [
  event(1, '00:00', 'channel.opened', { question: 'q', pageUrl: 'https://shop/a' }),
  event(2, '00:00', 'participant.joined', { participantId: 'pa_v', role: 'visitor', name: 'Vera' }),
  event(3, '00:00', 'participant.joined', { participantId: 'pa_a', role: 'agent', name: 'Anna' }),
  event(4, '00:10', 'page.viewed', { url: 'https://shop/a', title: 'A' }, vera),
  event(5, '00:20', 'lead.changed', { leaderId: 'pa_a', previousLeaderId: null }, anna),
  event(6, '00:30', 'lead.navigate', { url: 'https://shop/b', newTab: false, includeLeader: false, source: 'push' }, anna),
  event(7, '05:30', 'lead.highlight', { pageUrl: 'https://shop/b', selector: '#buy', region: null, label: 'Buy here' }, anna),
  event(8, '05:40', 'lead.fill', { pageUrl: 'https://shop/b', selector: '#size', value: 'XL' }, anna),
  event(9, '05:50', 'call.started', { callId: 'ca_1', video: true }, anna),
  event(10, '06:00', 'whisper.message', { text: 'upsell the lock' }, { role: 'supervisor', participantId: 'pa_s', name: 'Sue' }),
  event(11, '06:10', 'cart.updated', { items: 2 }),
  event(12, '06:20', 'call.ended', { callId: 'ca_1', reason: 'hangup', seconds: 30 }),
  event(13, '06:30', 'channel.ended', { reason: 'agent_left' }),
]

describe('replay timeline', () => {
  it('places events by time and can shorten idle gaps', () => {
    const real = buildTimeline(log)
    expect(real.durationMs).toBe(390_000)
    expect(real.offsets.slice(0, 7)).toEqual([0, 0, 0, 10_000, 20_000, 30_000, 330_000])
    const short = buildTimeline(log, 15_000)
    expect(short.offsets[6]).toBe(45_000) // the 5-minute pause became 15 s
    expect(short.durationMs).toBe(105_000)
    expect(eventsAt(short, 0)).toBe(3)
    expect(eventsAt(short, 44_999)).toBe(6)
    expect(eventsAt(short, 45_000)).toBe(7)
    expect(realTimeAt(real, 25_000)).toBe(Date.parse('2026-11-30T10:00:25Z'))
  })

  it('plays, pauses, seeks and changes speed on an injected clock', () => {
    let now = 0
    const clock = new ReplayClock(10_000, () => now)
    clock.play()
    now = 1000
    expect(clock.position).toBe(1000)
    clock.setSpeed(4)
    now = 2000
    expect(clock.position).toBe(5000)
    clock.pause()
    now = 9000
    expect(clock.position).toBe(5000)
    clock.seek(9500)
    clock.play()
    now = 10_000
    expect(clock.position).toBe(10_000) // stopped at the end
    expect(clock.playing).toBe(false)
    clock.pause()
    clock.play() // from the start again
    expect(clock.position).toBe(0)
  })
})

describe('replay state', () => {
  it('follows the leader’s browser: navigation, highlights, fills', () => {
    const at6 = replayStateAt(log, 6)
    expect(at6.leaderId).toBe('pa_a')
    expect(shownPage(at6)).toBe('https://shop/b')
    const at8 = replayStateAt(log, 8)
    expect(at8.highlight).toMatchObject({ selector: '#buy', label: 'Buy here' })
    expect([...at8.fills]).toEqual([['#size', 'XL']])
    expect(replayStateAt(log, 9).call).toMatchObject({ status: 'active', video: true })
    const end = replayStateAt(log, log.length)
    expect(end.call).toMatchObject({ status: 'ended', reason: 'hangup' })
    expect(end.ended).toBe('agent_left')
    expect([...end.participants.values()].every((p) => !p.present)).toBe(true)
    expect(end.messages).toBe(1)
  })

  it('describes every event, unknown types generically', () => {
    const names = new Map([['pa_a', 'Anna']])
    expect(describeEvent(log[4]!, names).text).toBe('Anna now leads the browsing')
    expect(describeEvent(log[5]!).text).toBe('Anna sent the browser to https://shop/b')
    expect(describeEvent(log[6]!).text).toBe('Anna highlighted "Buy here"')
    expect(describeEvent(log[7]!).text).toBe('Anna filled #size with "XL"')
    expect(describeEvent(log[9]!)).toMatchObject({ category: 'whisper', staffOnly: true, body: 'upsell the lock' })
    expect(describeEvent(log[10]!)).toEqual({ category: 'unknown', text: 'cart.updated {"items":2}' })
    expect(describeEvent(event(1, '00:00', 'lead.fill', { selector: '#news', value: true }, anna)).text).toBe('Anna filled #news with checked')
  })
})
