/** Holds: a proactive offer reserves one free, qualified agent until it is released or expires. */
import { describe, expect, it } from 'vitest'
import {
  applyEvent,
  chooseHoldAgent,
  decisionEvent,
  emptyRoutingState,
  expiredHolds,
  replay,
  route,
  type RouterSettings,
  type RoutingAgent,
  type RoutingEvent,
  type RoutingRequest,
  type RoutingState,
} from './router.js'
import { parseRequirement } from './skill-requirement.js'

const settings: RouterSettings = { agePerPriorityMs: 60_000, ringTimeoutMs: 20_000, notReadyOnNoAnswer: true }

function agent(id: string, skills: Record<string, number>, overrides: Partial<RoutingAgent> = {}): RoutingAgent {
  return { id, state: 'ready', connected: true, skills: new Map(Object.entries(skills)), capacity: { chat: 3, call: 1 }, load: { chat: 0, call: 0 }, idleSince: 0, offering: null, ...overrides }
}

function request(id: string, requirement: string, overrides: Partial<RoutingRequest> = {}): RoutingRequest {
  return { id, queueId: 'q', kind: 'chat', requirement: parseRequirement(requirement), relaxSteps: [], priority: 0, enqueuedAt: 0, offer: null, passedBy: [], ...overrides }
}

function stateOf(agents: RoutingAgent[], requests: RoutingRequest[] = []): RoutingState {
  return { agents: new Map(agents.map((a) => [a.id, a])), requests: new Map(requests.map((r) => [r.id, r])) }
}

const hold = (holdId: string, agentId: string, expiresAt: number, kind: 'chat' | 'call' = 'call'): RoutingEvent => ({ type: 'hold-placed', at: 0, holdId, agentId, kind, expiresAt })
const bikes = { requirement: parseRequirement('product=bikes'), kinds: ['call', 'chat'] as const }

describe('chooseHoldAgent', () => {
  it('takes the best tier, then the longest idle, among free qualified agents', () => {
    const state = stateOf([
      agent('helmets', { 'product=helmets': 5 }),
      agent('good-recent', { 'product=bikes': 4 }, { idleSince: 900 }),
      agent('good-idle', { 'product=bikes': 4 }, { idleSince: 100 }),
      agent('ok-idlest', { 'product=bikes': 2 }, { idleSince: 0 }),
    ])
    expect(chooseHoldAgent(state, bikes)).toEqual({ agentId: 'good-idle', kind: 'call', tier: 4 })
  })

  it('skips agents who are not Ready, disconnected, ringing or held already', () => {
    const state = stateOf([
      agent('break', { 'product=bikes': 5 }, { state: 'break' }),
      agent('offline', { 'product=bikes': 5 }, { connected: false }),
      agent('ringing', { 'product=bikes': 5 }, { offering: 'r9' }),
      agent('held', { 'product=bikes': 5 }, { holding: { holdId: 'h0', kind: 'call', expiresAt: 99_999 } }),
    ])
    expect(chooseHoldAgent(state, bikes)).toBeNull()
    state.agents.set('free', agent('free', { 'product=bikes': 1 }))
    expect(chooseHoldAgent(state, bikes)?.agentId).toBe('free')
  })

  it('falls back to a chat slot when nobody can take a call', () => {
    const chatting = agent('chatting', { 'product=bikes': 5 }, { load: { chat: 1, call: 0 } })
    expect(chooseHoldAgent(stateOf([chatting]), bikes)).toEqual({ agentId: 'chatting', kind: 'chat', tier: 5 })
    expect(chooseHoldAgent(stateOf([chatting]), { ...bikes, kinds: ['call'] })).toBeNull()
    expect(chooseHoldAgent(stateOf([agent('full', { 'product=bikes': 5 }, { load: { chat: 3, call: 0 } })]), bikes)).toBeNull()
  })
})

describe('a held agent', () => {
  it('is offered no request while held, and is offered again once released', () => {
    const state = stateOf([agent('a', { 'product=bikes': 3 })])
    applyEvent(state, hold('h1', 'a', 60_000), settings)
    applyEvent(state, { type: 'request-enqueued', at: 1000, request: { id: 'r1', queueId: 'q', kind: 'chat', requirement: parseRequirement('*'), relaxSteps: [], priority: 0, enqueuedAt: 1000 } }, settings)
    expect(route(state, 1000, settings)).toEqual([])
    expect(chooseHoldAgent(state, bikes)).toBeNull()
    applyEvent(state, { type: 'hold-released', at: 2000, holdId: 'h1', agentId: 'a' }, settings)
    expect(route(state, 2000, settings)).toEqual([{ type: 'offer', requestId: 'r1', agentId: 'a', expiresAt: 22_000 }])
  })

  it('is freed when the hold expires', () => {
    const state = stateOf([agent('a', {}), agent('b', {})])
    applyEvent(state, hold('h1', 'a', 5000), settings)
    applyEvent(state, hold('h2', 'b', 9000), settings)
    expect(expiredHolds(state, 4999)).toEqual([])
    expect(expiredHolds(state, 5000)).toEqual([{ type: 'hold-expired', holdId: 'h1', agentId: 'a' }])
    for (const expired of expiredHolds(state, 5000)) applyEvent(state, decisionEvent(expired, 5000), settings)
    expect(state.agents.get('a')!.holding).toBeNull()
    expect(state.agents.get('b')!.holding?.holdId).toBe('h2')
  })

  it('loses the hold on leaving Ready or disconnecting, keeps it across an upsert', () => {
    const state = stateOf([agent('a', {}), agent('b', {})])
    applyEvent(state, hold('h1', 'a', 60_000), settings)
    applyEvent(state, hold('h2', 'b', 60_000), settings)
    applyEvent(state, { type: 'agent-upserted', at: 1, agent: { id: 'a', state: 'ready', connected: true, skills: new Map(), capacity: { chat: 3, call: 1 }, load: { chat: 0, call: 0 }, idleSince: 0 } }, settings)
    expect(state.agents.get('a')!.holding?.holdId).toBe('h1')
    applyEvent(state, { type: 'agent-state', at: 2, agentId: 'a', state: 'not_ready' }, settings)
    applyEvent(state, { type: 'agent-connection', at: 2, agentId: 'b', connected: false }, settings)
    expect(state.agents.get('a')!.holding).toBeNull()
    expect(state.agents.get('b')!.holding).toBeNull()
  })

  it('ignores the release of a hold it no longer has', () => {
    const state = stateOf([agent('a', {})])
    applyEvent(state, hold('h1', 'a', 60_000), settings)
    applyEvent(state, { type: 'hold-released', at: 1, holdId: 'old', agentId: 'a' }, settings)
    expect(state.agents.get('a')!.holding?.holdId).toBe('h1')
  })
})

describe('replay with holds', () => {
  it('reproduces the live decisions, taking hold expiries itself', () => {
    const events: RoutingEvent[] = []
    const state = emptyRoutingState()
    const log = (event: RoutingEvent) => {
      events.push(event)
      applyEvent(state, event, settings)
      for (const expired of expiredHolds(state, event.at)) {
        const recorded = decisionEvent(expired, event.at)
        events.push(recorded)
        applyEvent(state, recorded, settings)
      }
      for (const decision of route(state, event.at, settings)) {
        const recorded = decisionEvent(decision, event.at)
        events.push(recorded)
        applyEvent(state, recorded, settings)
      }
    }
    for (const id of ['a', 'b']) log({ type: 'agent-upserted', at: 0, agent: { id, state: 'ready', connected: true, skills: new Map(), capacity: { chat: 1, call: 1 }, load: { chat: 0, call: 0 }, idleSince: id === 'a' ? 0 : 1 } })
    log({ type: 'hold-placed', at: 10, holdId: 'h1', agentId: 'a', kind: 'call', expiresAt: 5000 })
    log({ type: 'request-enqueued', at: 20, request: { id: 'r1', queueId: 'q', kind: 'chat', requirement: parseRequirement('*'), relaxSteps: [], priority: 0, enqueuedAt: 20 } })
    log({ type: 'request-enqueued', at: 30, request: { id: 'r2', queueId: 'q', kind: 'chat', requirement: parseRequirement('*'), relaxSteps: [], priority: 0, enqueuedAt: 30 } })
    log({ type: 'tick', at: 6000 })
    const live = events.filter((e) => e.type === 'offer-made').map((e) => (e as { requestId: string; agentId: string }).requestId + '->' + (e as { agentId: string }).agentId)
    // r1 went to b (a was held); r2 waited for the hold to run out
    expect(live).toEqual(['r1->b', 'r2->a'])
    expect(events.some((e) => e.type === 'hold-expired')).toBe(true)
    expect(replay(events, settings).map((d) => `${d.requestId}->${d.agentId}`)).toEqual(live)
  })
})
