import { describe, expect, it } from 'vitest'
import type { ChannelEvent } from '../protocol/channel-event.js'
import type { ChannelView } from '../protocol/views.js'
import { callEventText, callPhase, nextCall } from './call-state.js'

let seq = 0
function event<T extends ChannelEvent['type']>(type: T, payload: Extract<ChannelEvent, { type: T }>['payload'], participantId = 'agent-p'): ChannelEvent {
  return { channelId: 'ch1', seq: ++seq, type, at: '2026-11-23T10:00:00.000Z', author: { role: 'agent', participantId, name: 'Anna' }, payload } as ChannelEvent
}

function view(call: ChannelView['call'], self = 'visitor-p'): ChannelView {
  return {
    id: 'ch1',
    status: 'open',
    createdAt: '',
    endedAt: null,
    endReason: null,
    lastSeq: 0,
    question: '',
    pageUrl: null,
    selfParticipantId: self,
    participants: [],
    call,
    leading: { leaderId: null, scrollAndClicks: false, maskedFields: [] },
  }
}

describe('a channel call from its events', () => {
  it('rings, starts and ends', () => {
    let call = nextCall(null, event('call.requested', { callId: 'c1', video: true }))
    expect(call).toMatchObject({ id: 'c1', status: 'ringing', video: true, requestedBy: 'agent-p' })
    expect(callPhase(view(call))).toMatchObject({ kind: 'incoming' })
    expect(callPhase(view(call, 'agent-p'))).toMatchObject({ kind: 'outgoing' })
    call = nextCall(call, event('call.started', { callId: 'c1', video: true }))
    expect(call).toMatchObject({ status: 'active', requestedBy: 'agent-p' })
    expect(callPhase(view(call))).toMatchObject({ kind: 'active' })
    expect(nextCall(call, event('chat.message', { text: 'hi' }))).toBe(call)
    call = nextCall(call, event('call.ended', { callId: 'c1', reason: 'hangup', seconds: 75 }))
    expect(call).toBeNull()
    expect(callPhase(view(call))).toEqual({ kind: 'none' })
  })

  it('ignores the end of another call and forgets a declined one', () => {
    const ringing = nextCall(null, event('call.requested', { callId: 'c2', video: false }))
    expect(nextCall(ringing, event('call.ended', { callId: 'old', reason: 'hangup', seconds: 0 }))).toBe(ringing)
    expect(nextCall(ringing, event('call.declined', { callId: 'c2' }))).toBeNull()
  })

  it('shows no call in an ended channel', () => {
    const call = nextCall(null, event('call.started', { callId: 'c3', video: false }))
    expect(callPhase({ ...view(call), status: 'ended' })).toEqual({ kind: 'none' })
  })

  it('says what happened in the transcript', () => {
    expect(callEventText(event('call.requested', { callId: 'c1', video: true }), 'visitor-p')).toBe('Anna asked for a video call')
    expect(callEventText(event('call.requested', { callId: 'c1', video: false }), 'agent-p')).toBe('You asked for a voice call')
    expect(callEventText(event('call.ended', { callId: 'c1', reason: 'hangup', seconds: 75 }), null)).toBe('Call ended (1:15)')
    expect(callEventText(event('chat.message', { text: 'x' }), null)).toBeNull()
  })
})
