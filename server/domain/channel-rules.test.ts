import { describe, expect, it } from 'vitest'
import { endAfterLeave, type MemberSnapshot } from './channel-rules.js'

const visitor = (id: string, present = true): MemberSnapshot => ({ id, role: 'visitor', present })
const agent: MemberSnapshot = { id: 'ag', role: 'agent', present: true }

describe('endAfterLeave', () => {
  it('ends the channel when the agent leaves or vanishes', () => {
    expect(endAfterLeave([agent, visitor('v')], agent, 'left')).toBe('agent_left')
    expect(endAfterLeave([agent, visitor('v')], agent, 'gone')).toBe('agent_gone')
  })

  it('ends the channel when the last visitor leaves', () => {
    expect(endAfterLeave([agent, visitor('v')], visitor('v'), 'left')).toBe('visitor_left')
    expect(endAfterLeave([agent, visitor('v')], visitor('v'), 'gone')).toBe('visitor_gone')
  })

  it('goes on while another visitor is present', () => {
    expect(endAfterLeave([agent, visitor('v1'), visitor('v2')], visitor('v1'), 'left')).toBeNull()
    expect(endAfterLeave([agent, visitor('v1'), visitor('v2', false)], visitor('v1'), 'left')).toBe('visitor_left')
  })
})
