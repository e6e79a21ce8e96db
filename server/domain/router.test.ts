import { describe, expect, it } from 'vitest'
import {
  applyEvent,
  decisionEvent,
  DEFAULT_ROUTER_SETTINGS,
  emptyRoutingState,
  replay,
  route,
  type RouterSettings,
  type RoutingAgent,
  type RoutingEvent,
  type RoutingRequest,
  type RoutingState,
} from './router.js'
import { parseRequirement, withHints } from './skill-requirement.js'

const settings: RouterSettings = { agePerPriorityMs: 60_000, ringTimeoutMs: 20_000, notReadyOnNoAnswer: true }

function agent(id: string, skills: Record<string, number>, overrides: Partial<RoutingAgent> = {}): RoutingAgent {
  return {
    id,
    state: 'ready',
    connected: true,
    skills: new Map(Object.entries(skills)),
    capacity: { chat: 3, call: 1 },
    load: { chat: 0, call: 0 },
    idleSince: 0,
    offering: null,
    ...overrides,
  }
}

function request(id: string, requirement: string, overrides: Partial<RoutingRequest> = {}): RoutingRequest {
  return { id, queueId: 'q', kind: 'chat', requirement: parseRequirement(requirement), relaxSteps: [], priority: 0, enqueuedAt: 0, offer: null, passedBy: [], ...overrides }
}

function stateOf(agents: RoutingAgent[], requests: RoutingRequest[]): RoutingState {
  return { agents: new Map(agents.map((a) => [a.id, a])), requests: new Map(requests.map((r) => [r.id, r])) }
}

const offers = (state: RoutingState, now: number, s = settings) =>
  route(state, now, s)
    .filter((d) => d.type === 'offer')
    .map((d) => `${d.requestId}->${d.agentId}`)

describe('route', () => {
  it('offers only to agents whose skills match', () => {
    const state = stateOf([agent('fr', { 'language=fr': 5 }), agent('de', { 'language=de': 3 })], [request('r1', 'language=de')])
    expect(offers(state, 1000)).toEqual(['r1->de'])
  })

  it('prefers the best proficiency tier, then the longest idle', () => {
    const state = stateOf(
      [
        agent('good-recent', { 'product=bikes': 4 }, { idleSince: 900 }),
        agent('good-idle', { 'product=bikes': 4 }, { idleSince: 100 }),
        agent('ok-idlest', { 'product=bikes': 2 }, { idleSince: 0 }),
        agent('best-busy-ish', { 'product=bikes': 5 }, { idleSince: 950, load: { chat: 2, call: 0 } }),
      ],
      [request('r1', 'product=bikes')],
    )
    expect(offers(state, 1000)).toEqual(['r1->best-busy-ish'])
    state.agents.delete('best-busy-ish')
    expect(offers(state, 1000)).toEqual(['r1->good-idle'])
  })

  it('respects per-kind capacity: 3 chats or 1 call', () => {
    const full = agent('full', {}, { load: { chat: 3, call: 0 } })
    const onCall = agent('on-call', {}, { load: { chat: 0, call: 1 } })
    const chatting = agent('chatting', {}, { load: { chat: 1, call: 0 } })
    expect(offers(stateOf([full, onCall, chatting], [request('chat', '*')]), 1)).toEqual(['chat->chatting'])
    expect(offers(stateOf([full, onCall, chatting], [request('call', '*', { kind: 'call' })]), 1)).toEqual([])
    expect(offers(stateOf([agent('idle', {})], [request('call', '*', { kind: 'call' })]), 1)).toEqual(['call->idle'])
  })

  it('never offers to agents who are not Ready, not connected or already ringing', () => {
    const agents = [agent('nr', {}, { state: 'not_ready' }), agent('brk', {}, { state: 'break' }), agent('off', {}, { connected: false }), agent('ringing', {}, { offering: 'other' })]
    expect(offers(stateOf(agents, [request('r1', '*')]), 1)).toEqual([])
  })

  it('gives each agent one offer at a time, in priority order', () => {
    const state = stateOf([agent('a', {}, { idleSince: 1 }), agent('b', {}, { idleSince: 2 })], [request('low', '*', { enqueuedAt: 0 }), request('high', '*', { enqueuedAt: 500, priority: 1 }), request('third', '*', { enqueuedAt: 10 })])
    expect(offers(state, 1000)).toEqual(['high->a', 'low->b'])
  })

  it('ages priorities so a long-waiting low-priority request is not starved', () => {
    const old = request('old-low', '*', { enqueuedAt: 0, priority: 0 })
    const fresh = request('new-high', '*', { enqueuedAt: 170_000, priority: 2 })
    // after 3 minutes the low request has aged past two priority levels (2 x 60 s) plus the newcomer's wait
    expect(offers(stateOf([agent('a', {})], [old, fresh]), 180_000)).toEqual(['old-low->a'])
    expect(offers(stateOf([agent('a', {})], [request('old-low', '*', { enqueuedAt: 100_000 }), fresh]), 180_000)).toEqual(['new-high->a'])
  })

  it('relaxes the requirement over time (bullseye)', () => {
    const r = request('r1', 'language=de AND product=bikes, proficiency>=4', {
      enqueuedAt: 0,
      requirement: withHints(parseRequirement('language=de AND product=bikes, proficiency>=4'), [{ key: 'cart', value: 'ebike' }]),
      relaxSteps: [
        { afterMs: 30_000, dropSoft: true },
        { afterMs: 60_000, minProficiency: 2 },
        { afterMs: 90_000, dropKeys: ['product'] },
      ],
    })
    const agents = [agent('de-bikes-4', { 'language=de': 4, 'product=bikes': 4 }), agent('de-bikes-2', { 'language=de': 5, 'product=bikes': 2 }), agent('de-only', { 'language=de': 5 })]
    const at = (now: number, names: string[]) => offers(stateOf(agents.filter((a) => names.includes(a.id)), [{ ...r, offer: null }]), now)
    expect(at(10_000, ['de-bikes-4'])).toEqual([]) // the cart hint is still required
    expect(at(31_000, ['de-bikes-4'])).toEqual(['r1->de-bikes-4'])
    expect(at(31_000, ['de-bikes-2'])).toEqual([])
    expect(at(61_000, ['de-bikes-2'])).toEqual(['r1->de-bikes-2'])
    expect(at(61_000, ['de-only'])).toEqual([])
    expect(at(91_000, ['de-only'])).toEqual(['r1->de-only'])
  })

  it('re-offers to the next agent when an offer rings out, and sets the first Not ready', () => {
    const state = stateOf([agent('a', {}, { idleSince: 0 }), agent('b', {}, { idleSince: 10 })], [request('r1', '*')])
    const [first] = route(state, 1000, settings)
    expect(first).toMatchObject({ type: 'offer', agentId: 'a' })
    applyEvent(state, decisionEvent(first!, 1000), settings)
    expect(route(state, 5000, settings)).toEqual([]) // still ringing
    const later = route(state, 21_000, settings)
    expect(later).toEqual([
      { type: 'offer-expired', requestId: 'r1', agentId: 'a' },
      { type: 'offer', requestId: 'r1', agentId: 'b', expiresAt: 41_000 },
    ])
    for (const decision of later) applyEvent(state, decisionEvent(decision, 21_000), settings)
    expect(state.agents.get('a')!.state).toBe('not_ready')
  })

  it('tries an agent who passed again only when nobody else qualifies', () => {
    const r = request('r1', '*', { passedBy: ['a'] })
    expect(offers(stateOf([agent('a', {}), agent('b', {}, { idleSince: 5 })], [r]), 1)).toEqual(['r1->b'])
    expect(offers(stateOf([agent('a', {})], [{ ...r }]), 1)).toEqual(['r1->a'])
  })

  it('is deterministic and replays from its event log', () => {
    const events: RoutingEvent[] = []
    const state = emptyRoutingState()
    const log = (event: RoutingEvent) => {
      events.push(event)
      applyEvent(state, event, settings)
      for (const decision of route(state, event.at, settings)) {
        const recorded = decisionEvent(decision, event.at)
        events.push(recorded)
        applyEvent(state, recorded, settings)
      }
    }
    const skills = [{ 'language=de': 5 }, { 'language=de': 3, 'product=bikes': 4 }, { 'product=bikes': 5 }]
    skills.forEach((s, i) => log({ type: 'agent-upserted', at: i, agent: { id: `ag${i}`, state: 'ready', connected: true, skills: new Map(Object.entries(s)), capacity: { chat: 2, call: 1 }, load: { chat: 0, call: 0 }, idleSince: 0 } }))
    let seed = 7
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    for (let i = 0; i < 40; i++) {
      const at = 1000 + i * 7000
      const requirement = ['language=de', 'product=bikes', '*'][Math.floor(rand() * 3)]!
      log({ type: 'request-enqueued', at, request: { id: `r${i}`, queueId: 'q', kind: 'chat', requirement: parseRequirement(requirement), relaxSteps: [], priority: Math.floor(rand() * 2), enqueuedAt: at } })
      for (const [requestId, r] of state.requests) {
        if (r.offer && rand() < 0.5) {
          const agentId = r.offer.agentId
          log({ type: 'offer-accepted', at: at + 1, requestId, agentId })
          log({ type: 'agent-load', at: at + 1, agentId, kind: 'chat', delta: 1 })
        }
      }
      for (const a of state.agents.values()) {
        if (a.load.chat > 0 && rand() < 0.3) log({ type: 'agent-load', at: at + 2, agentId: a.id, kind: 'chat', delta: -1 })
        if (a.state === 'not_ready') log({ type: 'agent-state', at: at + 3, agentId: a.id, state: 'ready' })
      }
      log({ type: 'tick', at: at + 25_000 })
    }
    const live = events.filter((e) => e.type === 'offer-made' || e.type === 'offer-expired').map((e) => JSON.stringify(e))
    expect(live.length).toBeGreaterThan(20)
    const replayed = replay(events, settings).map((d, i) => JSON.stringify({ ...decisionEvent(d, 0), at: JSON.parse(live[i]!).at }))
    expect(replayed).toEqual(live)
  })

  it('handles 1,000 agents and 10,000 requests in one pass', () => {
    const agents = Array.from({ length: 1000 }, (_, i) => agent(`a${i}`, { [`language=${['de', 'fr', 'en'][i % 3]}`]: 1 + (i % 5) }, { idleSince: i }))
    const requests = Array.from({ length: 10_000 }, (_, i) => request(`r${i}`, `language=${['de', 'fr', 'en', 'it'][i % 4]}`, { enqueuedAt: i }))
    const decisions = route(stateOf(agents, requests), 20_000, DEFAULT_ROUTER_SETTINGS)
    expect(decisions.filter((d) => d.type === 'offer')).toHaveLength(1000)
    expect(new Set(decisions.map((d) => (d.type === 'offer' ? d.agentId : ''))).size).toBe(1000)
  })
})
