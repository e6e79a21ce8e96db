/**
 * The automatic call distributor as pure functions over plain data:
 *
 *   applyEvent(state, event) -> state      what happened (agents, requests, offers)
 *   route(state, now, settings) -> decisions   who gets offered what
 *
 * The live queue service feeds every event through the same reducer and applies the
 * decisions as events too, so a stored event log replays to the very same decisions.
 *
 * Rules: a request is offered to one agent at a time, who must be Ready, connected, free
 * for its channel kind (e.g. 3 chats or 1 call) and qualified for its skill requirement;
 * among qualified agents the best proficiency tier wins, then the longest idle. Offers ring
 * for `ringTimeoutMs`; an unanswered offer passes to the next agent (and may make the agent
 * Not ready). Requirements relax over time (bullseye); priorities age, so nobody starves.
 *
 * Holds: a proactive offer to a shopper reserves one free, qualified agent until it expires
 * (chooseHoldAgent, then a `hold-placed` event), so the shopper who says yes is connected at
 * once. A held agent is offered nothing else; the hold ends when released, when it expires
 * (expiredHolds) or when the agent leaves Ready or disconnects.
 */
import type { AgentState } from '../../web/protocol/views.js'
import { proficiencyFor, type SkillRequirement, type SkillSet } from './skill-requirement.js'

export type ChannelKind = 'chat' | 'call'

export interface RelaxStep {
  /** applies once the request has waited this long */
  afterMs: number
  /** drop the soft (hint) clauses */
  dropSoft?: boolean
  /** lower the minimum proficiency */
  minProficiency?: number
  /** drop the clauses on these keys */
  dropKeys?: string[]
}

export interface RoutingAgent {
  id: string
  state: AgentState
  connected: boolean
  skills: SkillSet
  capacity: Readonly<Record<ChannelKind, number>>
  load: Record<ChannelKind, number>
  /** epoch ms the agent became idle (or finished their last conversation) */
  idleSince: number
  /** the request ringing at this agent, if any */
  offering: string | null
  /** a proactive offer reserves this agent until `expiresAt` (absent: not held) */
  holding?: AgentHold | null
}

/** A reservation of an agent for a proactive offer. */
export interface AgentHold {
  holdId: string
  /** the kind of conversation it is held for (a call needs the whole agent) */
  kind: ChannelKind
  expiresAt: number
}

export interface RoutingRequest {
  id: string
  queueId: string
  kind: ChannelKind
  requirement: SkillRequirement
  relaxSteps: readonly RelaxStep[]
  /** higher goes first; aging lets lower priorities catch up */
  priority: number
  enqueuedAt: number
  offer: { agentId: string; expiresAt: number } | null
  /** agents who let it ring out or declined it, tried again only when nobody else qualifies */
  passedBy: string[]
}

export interface RoutingState {
  agents: Map<string, RoutingAgent>
  requests: Map<string, RoutingRequest>
}

export interface RouterSettings {
  /** one priority level is worth this much waiting */
  agePerPriorityMs: number
  ringTimeoutMs: number
  /** an agent who lets an offer ring out is set Not ready */
  notReadyOnNoAnswer: boolean
}

export const DEFAULT_ROUTER_SETTINGS: RouterSettings = { agePerPriorityMs: 60_000, ringTimeoutMs: 20_000, notReadyOnNoAnswer: true }

export type RoutingEvent =
  | { type: 'agent-upserted'; at: number; agent: Omit<RoutingAgent, 'offering'> }
  | { type: 'agent-removed'; at: number; agentId: string }
  | { type: 'agent-state'; at: number; agentId: string; state: AgentState }
  | { type: 'agent-connection'; at: number; agentId: string; connected: boolean }
  | { type: 'agent-load'; at: number; agentId: string; kind: ChannelKind; delta: 1 | -1 }
  | { type: 'request-enqueued'; at: number; request: Omit<RoutingRequest, 'offer' | 'passedBy'> }
  | { type: 'request-left'; at: number; requestId: string }
  | { type: 'offer-made'; at: number; requestId: string; agentId: string; expiresAt: number }
  /** `opens`: the conversation it opens counts on the agent at once (no separate agent-load follows) */
  | { type: 'offer-accepted'; at: number; requestId: string; agentId: string; opens?: ChannelKind }
  | { type: 'offer-declined'; at: number; requestId: string; agentId: string }
  | { type: 'offer-expired'; at: number; requestId: string; agentId: string }
  /** time passed (ring timeouts, relaxation): route again */
  | { type: 'tick'; at: number }
  /** the tenant changed its routing settings: they apply from here on */
  | { type: 'settings'; at: number; settings: RouterSettings }
  /** a proactive offer reserves the agent (chosen with chooseHoldAgent) */
  | { type: 'hold-placed'; at: number; holdId: string; agentId: string; kind: ChannelKind; expiresAt: number }
  /** the offer was answered or withdrawn: the agent is free again (or busy with the shopper) */
  | { type: 'hold-released'; at: number; holdId: string; agentId: string }
  | { type: 'hold-expired'; at: number; holdId: string; agentId: string }

export type RoutingDecision =
  | { type: 'offer'; requestId: string; agentId: string; expiresAt: number }
  | { type: 'offer-expired'; requestId: string; agentId: string }

/** A hold ran out (taken before each routing pass, see expiredHolds). */
export interface HoldDecision {
  type: 'hold-expired'
  holdId: string
  agentId: string
}

export function emptyRoutingState(): RoutingState {
  return { agents: new Map(), requests: new Map() }
}

/** Apply one event (mutates and returns the state; callers own their state). */
export function applyEvent(state: RoutingState, event: RoutingEvent, settings: RouterSettings = DEFAULT_ROUTER_SETTINGS): RoutingState {
  switch (event.type) {
    case 'agent-upserted': {
      const previous = state.agents.get(event.agent.id)
      state.agents.set(event.agent.id, { ...event.agent, load: { ...event.agent.load }, offering: previous?.offering ?? null, holding: previous?.holding ?? null })
      break
    }
    case 'tick':
    case 'settings':
      break
    case 'agent-removed':
      clearOfferOf(state, event.agentId)
      state.agents.delete(event.agentId)
      break
    case 'agent-state': {
      const agent = state.agents.get(event.agentId)
      if (!agent) break
      if (agent.state !== 'ready' && event.state === 'ready') agent.idleSince = Math.max(agent.idleSince, event.at)
      agent.state = event.state
      if (event.state !== 'ready') {
        clearOfferOf(state, agent.id)
        agent.holding = null
      }
      break
    }
    case 'agent-connection': {
      const agent = state.agents.get(event.agentId)
      if (!agent) break
      agent.connected = event.connected
      if (!event.connected) {
        clearOfferOf(state, agent.id)
        agent.holding = null
      }
      break
    }
    case 'agent-load': {
      const agent = state.agents.get(event.agentId)
      if (!agent) break
      agent.load[event.kind] = Math.max(0, agent.load[event.kind] + event.delta)
      if (event.delta < 0) agent.idleSince = event.at
      break
    }
    case 'request-enqueued':
      state.requests.set(event.request.id, { ...event.request, offer: null, passedBy: [] })
      break
    case 'request-left': {
      const request = state.requests.get(event.requestId)
      if (request?.offer) {
        const agent = state.agents.get(request.offer.agentId)
        if (agent?.offering === request.id) agent.offering = null
      }
      state.requests.delete(event.requestId)
      break
    }
    case 'offer-made': {
      const request = state.requests.get(event.requestId)
      const agent = state.agents.get(event.agentId)
      if (!request || !agent) break
      request.offer = { agentId: agent.id, expiresAt: event.expiresAt }
      agent.offering = request.id
      break
    }
    case 'offer-accepted': {
      // The agent's load grows here (`opens`), or with the agent-load event of the conversation that opens.
      const agent = state.agents.get(event.agentId)
      if (agent?.offering === event.requestId) agent.offering = null
      if (agent && event.opens) agent.load[event.opens] += 1
      state.requests.delete(event.requestId)
      break
    }
    case 'offer-declined':
    case 'offer-expired': {
      const request = state.requests.get(event.requestId)
      const agent = state.agents.get(event.agentId)
      if (request && request.offer?.agentId === event.agentId) {
        request.offer = null
        if (!request.passedBy.includes(event.agentId)) request.passedBy.push(event.agentId)
      }
      if (agent?.offering === event.requestId) agent.offering = null
      if (agent && event.type === 'offer-expired' && settings.notReadyOnNoAnswer) agent.state = 'not_ready'
      break
    }
    case 'hold-placed': {
      const agent = state.agents.get(event.agentId)
      if (agent) agent.holding = { holdId: event.holdId, kind: event.kind, expiresAt: event.expiresAt }
      break
    }
    case 'hold-released':
    case 'hold-expired': {
      const agent = state.agents.get(event.agentId)
      if (agent?.holding?.holdId === event.holdId) agent.holding = null
      break
    }
  }
  return state
}

function clearOfferOf(state: RoutingState, agentId: string): void {
  const agent = state.agents.get(agentId)
  if (!agent?.offering) return
  const request = state.requests.get(agent.offering)
  if (request?.offer?.agentId === agentId) request.offer = null
  agent.offering = null
}

/** Relaxed requirements per request and number of steps applied (they only change at step times). */
const relaxedCache = new WeakMap<object, { due: number; requirement: SkillRequirement }>()

/** The requirement after the relaxation steps due by `waitedMs`. */
export function relaxedRequirement(request: Pick<RoutingRequest, 'requirement' | 'relaxSteps'>, waitedMs: number): SkillRequirement {
  let due = 0
  for (const step of request.relaxSteps) if (step.afterMs <= waitedMs) due++
  if (due === 0) return request.requirement
  const cached = relaxedCache.get(request)
  if (cached?.due === due) return cached.requirement
  const requirement = relax(request, waitedMs)
  relaxedCache.set(request, { due, requirement })
  return requirement
}

function relax(request: Pick<RoutingRequest, 'requirement' | 'relaxSteps'>, waitedMs: number): SkillRequirement {
  let { clauses, minProficiency } = request.requirement
  for (const step of request.relaxSteps) {
    if (step.afterMs > waitedMs) continue
    if (step.dropSoft) clauses = clauses.filter((clause) => !clause.soft)
    if (step.dropKeys) clauses = clauses.filter((clause) => !step.dropKeys!.includes(clause.key))
    if (step.minProficiency !== undefined) minProficiency = Math.min(minProficiency, step.minProficiency)
  }
  return { clauses, minProficiency }
}

/** Waiting order: priority aged by waiting time, then arrival, then id (deterministic). */
export function orderRequests(requests: Iterable<RoutingRequest>, now: number, settings: RouterSettings): RoutingRequest[] {
  const score = (r: RoutingRequest) => r.priority * settings.agePerPriorityMs + (now - r.enqueuedAt)
  return [...requests].sort((a, b) => score(b) - score(a) || a.enqueuedAt - b.enqueuedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}

export function canTake(agent: RoutingAgent, kind: ChannelKind): boolean {
  // "3 chats or 1 call": a call takes the whole agent, chats stack up to the chat capacity.
  if (kind === 'call') return agent.load.call < agent.capacity.call && agent.load.chat === 0
  return agent.load.call === 0 && agent.load.chat < agent.capacity.chat
}

export function isRoutable(agent: RoutingAgent): boolean {
  return agent.connected && agent.state === 'ready' && agent.offering === null && !agent.holding
}

/** What a proactive offer needs from the agent it holds. */
export interface HoldWanted {
  requirement: SkillRequirement
  /** acceptable kinds, best first (a call-capable agent can also chat) */
  kinds: readonly ChannelKind[]
}

/**
 * The agent a proactive offer may hold now: free (as the router sees it: Ready, connected,
 * nothing ringing, not held), qualified and with room for the first kind anyone can take;
 * best tier, then longest idle, as for requests. Null when nobody can serve it right now.
 */
export function chooseHoldAgent(state: RoutingState, wanted: HoldWanted): { agentId: string; kind: ChannelKind; tier: number } | null {
  for (const kind of wanted.kinds) {
    let chosen: { agent: RoutingAgent; tier: number } | null = null
    for (const agent of state.agents.values()) {
      if (!isRoutable(agent) || !canTake(agent, kind)) continue
      const tier = proficiencyFor(agent.skills, wanted.requirement)
      if (tier === null) continue
      const candidate = { agent, tier }
      if (!chosen || better(candidate, chosen)) chosen = candidate
    }
    if (chosen) return { agentId: chosen.agent.id, kind, tier: chosen.tier }
  }
  return null
}

/** Holds that ran out by `now`; the caller applies them (as `hold-expired` events) before routing. */
export function expiredHolds(state: RoutingState, now: number): HoldDecision[] {
  const expired: HoldDecision[] = []
  for (const agent of state.agents.values()) {
    if (agent.holding && agent.holding.expiresAt <= now) expired.push({ type: 'hold-expired', holdId: agent.holding.holdId, agentId: agent.id })
  }
  return expired
}

/** Agents that could take a request right now (for staffing figures), unordered. */
export function qualifiedAgents(agents: Iterable<RoutingAgent>, request: Pick<RoutingRequest, 'requirement' | 'relaxSteps' | 'kind'>, waitedMs: number): RoutingAgent[] {
  const requirement = relaxedRequirement(request, waitedMs)
  return [...agents].filter((agent) => proficiencyFor(agent.skills, requirement) !== null)
}

/** Better candidate first: higher tier, then longer idle, then id. */
function better(a: { agent: RoutingAgent; tier: number }, b: { agent: RoutingAgent; tier: number }): boolean {
  return a.tier !== b.tier ? a.tier > b.tier : a.agent.idleSince !== b.agent.idleSince ? a.agent.idleSince < b.agent.idleSince : a.agent.id < b.agent.id
}

/** Free agents indexed by `key=value` skill, so a request only looks at agents who could match. */
function indexBySkill(agents: readonly RoutingAgent[]): Map<string, RoutingAgent[]> {
  const index = new Map<string, RoutingAgent[]>()
  for (const agent of agents) {
    for (const skill of agent.skills.keys()) {
      let list = index.get(skill)
      if (!list) index.set(skill, (list = []))
      list.push(agent)
    }
  }
  return index
}

/** One routing pass. Does not change `state`: the caller applies the decisions as events. */
export function route(state: RoutingState, now: number, settings: RouterSettings = DEFAULT_ROUTER_SETTINGS): RoutingDecision[] {
  const decisions: RoutingDecision[] = []
  const busy = new Set<string>()
  for (const request of state.requests.values()) {
    if (request.offer && request.offer.expiresAt <= now) {
      decisions.push({ type: 'offer-expired', requestId: request.id, agentId: request.offer.agentId })
      busy.add(request.offer.agentId) // not offered again in this pass
    }
  }
  const expired = new Set(decisions.map((d) => d.requestId))
  // Only agents with a free slot of some kind can take anything: a busy floor costs nothing to scan.
  const free = [...state.agents.values()].filter((agent) => isRoutable(agent) && !busy.has(agent.id) && (canTake(agent, 'chat') || canTake(agent, 'call')))
  if (free.length === 0) return decisions
  const bySkill = indexBySkill(free)
  // Only requests some free agent qualifies for can be served in this pass: find them (cheap
  // with few free agents), then serve them in waiting order, each taking its best agent.
  const servable: { request: RoutingRequest; candidates: { agent: RoutingAgent; tier: number }[]; key: number }[] = []
  for (const request of state.requests.values()) {
    if (request.offer && !expired.has(request.id)) continue
    const requirement = relaxedRequirement(request, now - request.enqueuedAt)
    const first = requirement.clauses[0]
    const pool = !first ? free : first.values.length === 1 ? (bySkill.get(`${first.key}=${first.values[0]}`) ?? []) : first.values.flatMap((value) => bySkill.get(`${first.key}=${value}`) ?? [])
    if (pool.length === 0) continue
    let candidates: { agent: RoutingAgent; tier: number }[] | null = null
    for (const agent of pool) {
      if (!canTake(agent, request.kind)) continue
      const tier = proficiencyFor(agent.skills, requirement)
      if (tier === null) continue
      ;(candidates ??= []).push({ agent, tier })
    }
    if (candidates) servable.push({ request, candidates, key: request.priority * settings.agePerPriorityMs - request.enqueuedAt })
  }
  // Same order as orderRequests (priority aged by waiting), without sorting everyone.
  servable.sort((a, b) => b.key - a.key || a.request.enqueuedAt - b.request.enqueuedAt || (a.request.id < b.request.id ? -1 : a.request.id > b.request.id ? 1 : 0))
  let offered = 0
  for (const { request, candidates } of servable) {
    if (offered >= free.length) break
    let fresh: { agent: RoutingAgent; tier: number } | null = null
    let passed: { agent: RoutingAgent; tier: number } | null = null
    for (const candidate of candidates) {
      if (busy.has(candidate.agent.id)) continue
      if (request.passedBy.includes(candidate.agent.id)) {
        if (!passed || better(candidate, passed)) passed = candidate
      } else if (!fresh || better(candidate, fresh)) fresh = candidate
    }
    const chosen = fresh ?? passed
    if (!chosen) continue
    busy.add(chosen.agent.id)
    offered++
    decisions.push({ type: 'offer', requestId: request.id, agentId: chosen.agent.id, expiresAt: now + settings.ringTimeoutMs })
  }
  return decisions
}

/**
 * Replay an event log, routing after every input event as the live service does; returns
 * the decisions in order. Decision events in the log (offer-made/expired) are skipped: the
 * replay takes its own, which is how a test proves the log reproduces the live decisions.
 */
export function replay(events: readonly RoutingEvent[], initial: RouterSettings = DEFAULT_ROUTER_SETTINGS): RoutingDecision[] {
  const state = emptyRoutingState()
  const all: RoutingDecision[] = []
  let settings = initial
  for (const event of events) {
    if (event.type === 'offer-made' || event.type === 'offer-expired' || event.type === 'hold-expired') continue
    if (event.type === 'settings') settings = event.settings
    applyEvent(state, event, settings)
    for (const hold of expiredHolds(state, event.at)) applyEvent(state, decisionEvent(hold, event.at), settings)
    for (const decision of route(state, event.at, settings)) {
      all.push(decision)
      applyEvent(state, decisionEvent(decision, event.at), settings)
    }
  }
  return all
}

/** The event that records a decision once it is carried out. */
export function decisionEvent(decision: RoutingDecision | HoldDecision, at: number): RoutingEvent {
  if (decision.type === 'hold-expired') return { type: 'hold-expired', at, holdId: decision.holdId, agentId: decision.agentId }
  return decision.type === 'offer'
    ? { type: 'offer-made', at, requestId: decision.requestId, agentId: decision.agentId, expiresAt: decision.expiresAt }
    : { type: 'offer-expired', at, requestId: decision.requestId, agentId: decision.agentId }
}
