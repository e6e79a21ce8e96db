/**
 * Routing decision latency: how long one routing pass takes after an event, with 1,000
 * agents (mostly busy) and 10,000 waiting requests, measured on the real router code.
 */
import { applyEvent, decisionEvent, DEFAULT_ROUTER_SETTINGS, emptyRoutingState, route, type RoutingEvent } from '../server/domain/router.js'
import { parseRequirement } from '../server/domain/skill-requirement.js'

export interface RoutingLatency {
  agents: number
  waiting: number
  passes: number
  p50Ms: number
  p99Ms: number
  maxMs: number
}

const LANGUAGES = ['en', 'de', 'fr', 'it']
const PRODUCTS = ['bikes', 'ebikes', 'accessories', 'repairs']

export function measureRoutingLatency(agentCount = 1000, waitingCount = 10_000, passes = 2000): RoutingLatency {
  let seed = 42
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!
  const settings = DEFAULT_ROUTER_SETTINGS
  const state = emptyRoutingState()
  const submit = (event: RoutingEvent) => applyEvent(state, event, settings)
  let now = 1_000_000
  for (let i = 0; i < agentCount; i++) {
    const skills = new Map<string, number>([
      [`language=${pick(LANGUAGES)}`, 1 + Math.floor(rand() * 5)],
      [`product=${pick(PRODUCTS)}`, 1 + Math.floor(rand() * 5)],
      [`product=${pick(PRODUCTS)}`, 1 + Math.floor(rand() * 5)],
    ])
    // every agent starts full: 3 of 3 chats
    submit({ type: 'agent-upserted', at: now, agent: { id: `ag${i}`, state: 'ready', connected: true, skills, capacity: { chat: 3, call: 1 }, load: { chat: 3, call: 0 }, idleSince: now - Math.floor(rand() * 600_000) } })
  }
  for (let i = 0; i < waitingCount; i++) {
    const requirement = parseRequirement(`language=${pick(LANGUAGES)} AND product=${pick(PRODUCTS)}`)
    submit({ type: 'request-enqueued', at: now, request: { id: `rq${i}`, queueId: 'q', kind: 'chat', requirement, relaxSteps: [{ afterMs: 60_000, dropKeys: ['product'] }], priority: Math.floor(rand() * 3), enqueuedAt: now - Math.floor(rand() * 1_800_000) } })
  }
  const samples: number[] = []
  for (let pass = 0; pass < passes; pass++) {
    now += 1000
    // an agent finishes a chat (a slot frees up), or a new request arrives: then one pass
    const event: RoutingEvent =
      pass % 2 === 0
        ? { type: 'agent-load', at: now, agentId: `ag${Math.floor(rand() * agentCount)}`, kind: 'chat', delta: -1 }
        : { type: 'request-enqueued', at: now, request: { id: `new${pass}`, queueId: 'q', kind: 'chat', requirement: parseRequirement(`language=${pick(LANGUAGES)}`), relaxSteps: [], priority: 0, enqueuedAt: now } }
    submit(event)
    const started = performance.now()
    const decisions = route(state, now, settings)
    samples.push(performance.now() - started)
    for (const decision of decisions) {
      submit(decisionEvent(decision, now))
      // agents accept at once: keeps the waiting line and the load steady
      if (decision.type === 'offer') {
        submit({ type: 'offer-accepted', at: now, requestId: decision.requestId, agentId: decision.agentId })
        submit({ type: 'agent-load', at: now, agentId: decision.agentId, kind: 'chat', delta: 1 })
      }
    }
  }
  samples.sort((a, b) => a - b)
  const at = (p: number) => Math.round(samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))]! * 1000) / 1000
  return { agents: agentCount, waiting: state.requests.size, passes, p50Ms: at(50), p99Ms: at(99), maxMs: at(100) }
}
