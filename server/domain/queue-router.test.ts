import { describe, expect, it } from 'vitest'
import { diffOffers, planOffers, type AgentSnapshot } from './queue-router.js'

const agent = (id: string, overrides: Partial<AgentSnapshot> = {}): AgentSnapshot => ({
  id,
  state: 'ready',
  connected: true,
  activeChats: 0,
  maxChats: 3,
  ...overrides,
})

describe('planOffers (FIFO ring-all)', () => {
  const requests = [
    { id: 'r3', enqueuedAt: 300 },
    { id: 'r1', enqueuedAt: 100 },
    { id: 'r2', enqueuedAt: 200 },
    { id: 'r0', enqueuedAt: 100 },
  ]

  it('orders requests by enqueue time, then id', () => {
    expect(planOffers({ requests, agents: [] }).order).toEqual(['r0', 'r1', 'r2', 'r3'])
  })

  it('offers each available agent the oldest requests, up to their free slots', () => {
    const plan = planOffers({ requests, agents: [agent('a', { activeChats: 2 }), agent('b'), agent('c', { maxChats: 1 })] })
    expect(Object.fromEntries(plan.offersByAgent)).toEqual({ a: ['r0'], b: ['r0', 'r1', 'r2'], c: ['r0'] })
  })

  it('offers nothing to agents who are not ready, not connected or full', () => {
    const plan = planOffers({
      requests,
      agents: [agent('busy', { activeChats: 3 }), agent('away', { state: 'break' }), agent('gone', { connected: false }), agent('nr', { state: 'not_ready' })],
    })
    expect(plan.offersByAgent.size).toBe(0)
  })

  it('is deterministic for the same input', () => {
    const snapshot = { requests, agents: [agent('a'), agent('b', { activeChats: 1 })] }
    expect(planOffers(snapshot)).toEqual(planOffers(snapshot))
  })
})

describe('diffOffers', () => {
  it('reports new and withdrawn offers per agent', () => {
    const before = new Map([
      ['a', ['r1', 'r2']],
      ['b', ['r1']],
    ])
    const after = new Map([
      ['a', ['r2', 'r3']],
      ['c', ['r2']],
    ])
    expect(diffOffers(before, after)).toEqual([
      { agentId: 'a', offered: ['r3'], withdrawn: ['r1'] },
      { agentId: 'b', offered: [], withdrawn: ['r1'] },
      { agentId: 'c', offered: ['r2'], withdrawn: [] },
    ])
  })
})
