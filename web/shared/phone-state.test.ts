import { describe, expect, it } from 'vitest'
import type { ChannelEvent } from '../protocol/channel-event.js'
import { livePhoneLeg, phoneEventText, phoneLegOf } from './phone-state.js'

let seq = 0
const event = (type: string, payload: Record<string, unknown>): ChannelEvent =>
  ({ channelId: 'ch_1', seq: ++seq, type, at: `2026-12-01T10:00:0${seq % 10}.000Z`, author: { role: 'system' }, payload }) as unknown as ChannelEvent

describe('phone state from the channel log', () => {
  it('follows a leg from dialing to its end', () => {
    const dialing = event('phone.dialing', { phoneCallId: 'pc_1', callId: 'ca_1', purpose: 'fallback', number: '+49 ••• ••12' })
    const events = [event('chat.message', { text: 'hi' }), dialing, event('phone.ringing', { phoneCallId: 'pc_1' })]
    expect(phoneLegOf(events)).toMatchObject({ id: 'pc_1', callId: 'ca_1', purpose: 'fallback', phase: 'ringing' })
    events.push(event('phone.answered', { phoneCallId: 'pc_1', callId: 'ca_1', purpose: 'fallback', number: '+49 ••• ••12' }), event('phone.held', { phoneCallId: 'pc_1', held: true }))
    expect(livePhoneLeg(events)).toMatchObject({ phase: 'answered', held: true, answeredAt: expect.any(String) })
    events.push(event('phone.ended', { phoneCallId: 'pc_1', reason: 'hangup', seconds: 65 }))
    expect(livePhoneLeg(events)).toBeNull()
    expect(phoneLegOf(events)).toMatchObject({ phase: 'ended', endReason: 'hangup' })
  })

  it('knows an inbound leg from its answer alone, and ignores other legs\' late events', () => {
    const events = [event('phone.answered', { phoneCallId: 'pc_2', callId: 'ca_2', purpose: 'inbound', number: '+15550009999' }), event('phone.ended', { phoneCallId: 'pc_old', reason: 'busy', seconds: 0 })]
    expect(livePhoneLeg(events)).toMatchObject({ id: 'pc_2', purpose: 'inbound', phase: 'answered' })
  })

  it('writes transcript lines for visitors and staff', () => {
    const fallback = event('phone.dialing', { phoneCallId: 'pc_1', callId: 'ca_1', purpose: 'fallback', number: '+4917012345' })
    expect(phoneEventText(fallback, 'visitor')).toBe('Your connection dropped: calling your phone…')
    expect(phoneEventText(fallback, 'staff')).toContain("The visitor's connection dropped")
    expect(phoneEventText(event('phone.ended', { phoneCallId: 'pc_1', reason: 'no_answer', seconds: 0 }), 'staff')).toBe('Phone call ended: nobody answered')
    expect(phoneEventText(event('phone.ended', { phoneCallId: 'pc_1', reason: 'hangup', seconds: 65 }), 'visitor')).toBe('Phone call ended: hung up (1:05)')
    expect(phoneEventText(event('chat.message', { text: 'x' }), 'staff')).toBeNull()
  })
})
