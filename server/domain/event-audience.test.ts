import { describe, expect, it } from 'vitest'
import type { ChannelEvent } from '../../web/protocol/channel-event.js'
import { audienceOf, canSee, redactFor } from './event-audience.js'

const base = { channelId: 'ch', at: '2026-12-01T00:00:00.000Z' }
const whisper: ChannelEvent = { ...base, seq: 4, type: 'whisper.message', author: { role: 'supervisor', participantId: 'su' }, payload: { text: 'offer 10%' } }
const sidebar: ChannelEvent = { ...base, seq: 5, type: 'sidebar.message', author: { role: 'visitor', participantId: 'v1' }, payload: { text: 'psst', toParticipantId: 'ag' } }
const message: ChannelEvent = { ...base, seq: 6, type: 'chat.message', author: { role: 'agent', participantId: 'ag' }, payload: { text: 'hi' } }
const silentJoin: ChannelEvent = { ...base, seq: 7, type: 'participant.joined', author: { role: 'system' }, payload: { participantId: 'su', role: 'supervisor', name: 'Sam', silent: true } }
const barge: ChannelEvent = { ...base, seq: 8, type: 'participant.joined', author: { role: 'system' }, payload: { participantId: 'su', role: 'supervisor', name: 'Sam', barged: true } }

const visitor = { role: 'visitor' as const, participantId: 'v1' }
const otherVisitor = { role: 'visitor' as const, participantId: 'v2' }
const agent = { role: 'agent' as const, participantId: 'ag' }
const supervisor = { role: 'supervisor' as const, participantId: 'su' }

describe('event audience', () => {
  it('keeps whispers and silent joins among staff', () => {
    for (const event of [whisper, silentJoin]) {
      expect(canSee(audienceOf(event), agent)).toBe(true)
      expect(canSee(audienceOf(event), supervisor)).toBe(true)
      expect(canSee(audienceOf(event), visitor)).toBe(false)
    }
  })
  it('gives a sidebar to its two participants only', () => {
    expect(canSee(audienceOf(sidebar), visitor)).toBe(true)
    expect(canSee(audienceOf(sidebar), agent)).toBe(true)
    expect(canSee(audienceOf(sidebar), otherVisitor)).toBe(false)
    expect(canSee(audienceOf(sidebar), supervisor)).toBe(false)
  })
  it('shows messages and a barge to everyone', () => {
    expect(canSee(audienceOf(message), otherVisitor)).toBe(true)
    expect(canSee(audienceOf(barge), visitor)).toBe(true)
  })
  it('replaces what a viewer may not see by a bare stand-in with the same seq', () => {
    expect(redactFor(whisper, visitor)).toEqual({ channelId: 'ch', seq: 4, type: 'hidden' })
    expect(redactFor(whisper, agent)).toBe(whisper)
    expect(JSON.stringify(redactFor(whisper, visitor))).not.toContain('offer')
  })
})
