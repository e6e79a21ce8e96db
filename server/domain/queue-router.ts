/**
 * The router as a pure function over plain data: which queued requests are offered to which
 * agents. For now FIFO ring-all: every Ready agent with free capacity is offered the oldest
 * requests, as many as their free slots. Deterministic, so it can be replayed and simulated.
 */
import type { AgentState } from '../../web/protocol/views.js'

export interface QueuedRequest {
  id: string
  /** enqueue time in epoch ms */
  enqueuedAt: number
}

export interface AgentSnapshot {
  id: string
  state: AgentState
  /** has at least one live console socket */
  connected: boolean
  activeChats: number
  maxChats: number
}

export interface QueueSnapshot {
  requests: readonly QueuedRequest[]
  agents: readonly AgentSnapshot[]
}

export interface OfferPlan {
  /** request ids in queue order */
  order: string[]
  /** agent id -> request ids offered to that agent, oldest first */
  offersByAgent: Map<string, string[]>
}

export function isAvailable(agent: AgentSnapshot): boolean {
  return agent.connected && agent.state === 'ready' && agent.activeChats < agent.maxChats
}

export function queueOrder(requests: readonly QueuedRequest[]): string[] {
  return [...requests].sort((a, b) => a.enqueuedAt - b.enqueuedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((request) => request.id)
}

export function planOffers(snapshot: QueueSnapshot): OfferPlan {
  const order = queueOrder(snapshot.requests)
  const offersByAgent = new Map<string, string[]>()
  for (const agent of snapshot.agents) {
    if (!isAvailable(agent)) continue
    offersByAgent.set(agent.id, order.slice(0, agent.maxChats - agent.activeChats))
  }
  return { order, offersByAgent }
}

export interface OfferChange {
  agentId: string
  offered: string[]
  withdrawn: string[]
}

/** What each agent must be told to move from one plan to the next. */
export function diffOffers(previous: OfferPlan['offersByAgent'], next: OfferPlan['offersByAgent']): OfferChange[] {
  const changes: OfferChange[] = []
  for (const agentId of new Set([...previous.keys(), ...next.keys()])) {
    const before = new Set(previous.get(agentId) ?? [])
    const after = next.get(agentId) ?? []
    const offered = after.filter((id) => !before.has(id))
    const withdrawn = [...before].filter((id) => !after.includes(id))
    if (offered.length > 0 || withdrawn.length > 0) changes.push({ agentId, offered, withdrawn })
  }
  return changes
}
