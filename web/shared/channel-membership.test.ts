import { describe, expect, it } from 'vitest'
import type { ChannelView } from '../protocol/views.js'
import { nextMembership } from './channel-membership.js'

const view: ChannelView = {
  id: 'ch',
  status: 'open',
  createdAt: '2026-12-01T10:00:00.000Z',
  endedAt: null,
  endReason: null,
  lastSeq: 3,
  question: 'q',
  pageUrl: null,
  selfParticipantId: 'v1',
  participants: [
    { id: 'v1', role: 'visitor', name: 'Visitor', joinedAt: '', leftAt: null, ackedSeq: 0, avatarUrl: null, silent: false },
    { id: 'ag', role: 'agent', name: 'Anna', joinedAt: '', leftAt: null, ackedSeq: 0, avatarUrl: null, silent: false },
  ],
  call: null,
  leading: { leaderId: 'ag', scrollAndClicks: false, maskedFields: [] },
}
const at = '2026-12-01T10:05:00.000Z'
const system = { role: 'system' as const }

describe('channel membership from events', () => {
  it('follows the baton', () => {
    const next = nextMembership(view, { channelId: 'ch', seq: 4, at, type: 'lead.changed', author: system, payload: { leaderId: 'v1', previousLeaderId: 'ag' } })
    expect(next.leading.leaderId).toBe('v1')
    expect(view.leading.leaderId).toBe('ag')
  })
  it('adds joiners, marks leavers and reveals a supervisor who barges in', () => {
    let next = nextMembership(view, { channelId: 'ch', seq: 4, at, type: 'participant.joined', author: system, payload: { participantId: 'su', role: 'supervisor', name: 'Sam', silent: true } })
    expect(next.participants.at(-1)).toMatchObject({ id: 'su', silent: true, joinedAt: at })
    next = nextMembership(next, { channelId: 'ch', seq: 5, at, type: 'participant.joined', author: system, payload: { participantId: 'su', role: 'supervisor', name: 'Sam', barged: true } })
    expect(next.participants.find((p) => p.id === 'su')?.silent).toBe(false)
    next = nextMembership(next, { channelId: 'ch', seq: 6, at, type: 'participant.left', author: system, payload: { participantId: 'v1', role: 'visitor', name: 'Visitor', reason: 'left' } })
    expect(next.participants.find((p) => p.id === 'v1')?.leftAt).toBe(at)
  })
  it('returns the same view for events that change nothing', () => {
    expect(nextMembership(view, { channelId: 'ch', seq: 4, type: 'hidden' })).toBe(view)
    expect(nextMembership(view, { channelId: 'ch', seq: 4, at, type: 'chat.message', author: system, payload: { text: 'x' } })).toBe(view)
  })
})
