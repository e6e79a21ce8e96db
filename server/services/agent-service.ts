/**
 * Agents at run time: their chosen state, live sockets and open channels. The chosen state
 * is stored (with a history row per change); connection and load live in memory.
 */
import type { AgentRole, AgentState, AgentView } from '../../web/protocol/views.js'
import type { AgentSnapshot } from '../domain/queue-router.js'
import { NotFoundError } from '../errors.js'
import type { Database } from '../store/database.js'
import { newId } from '../store/ids.js'
import type { Notifier } from './notifier.js'

export interface AgentRuntime {
  id: string
  tenantId: string
  email: string
  displayName: string
  role: AgentRole
  state: AgentState
  stateChangedAt: Date
  maxChats: number
  /** open channels the agent takes part in */
  channels: Set<string>
  /** live console sockets */
  sockets: number
}

export class AgentService {
  /** called when an agent's availability for routing may have changed */
  onAvailabilityChange: (tenantId: string) => void = () => {}

  private readonly agents = new Map<string, AgentRuntime>()
  private readonly loading = new Map<string, Promise<AgentRuntime>>()

  constructor(
    private readonly db: Database,
    private readonly notifier: Notifier,
  ) {}

  /** The agent's runtime, loaded from the store on first use. */
  async load(agentId: string): Promise<AgentRuntime> {
    const known = this.agents.get(agentId)
    if (known) return known
    let pending = this.loading.get(agentId)
    if (!pending) {
      pending = this.fetch(agentId).finally(() => this.loading.delete(agentId))
      this.loading.set(agentId, pending)
    }
    return pending
  }

  get(agentId: string): AgentRuntime | undefined {
    return this.agents.get(agentId)
  }

  async setState(agentId: string, state: AgentState, reason?: string): Promise<AgentRuntime> {
    const agent = await this.load(agentId)
    if (agent.state === state) return agent
    const now = new Date()
    await this.db.$transaction([
      this.db.agent.update({ where: { id: agentId }, data: { state, stateChangedAt: now } }),
      this.db.agentStateChange.create({ data: { id: newId('as'), agentId, state, reason: reason ?? null, createdAt: now } }),
    ])
    agent.state = state
    agent.stateChangedAt = now
    this.notifier.agentUpdated(this.view(agent))
    this.onAvailabilityChange(agent.tenantId)
    return agent
  }

  socketConnected(agent: AgentRuntime): void {
    agent.sockets++
    if (agent.sockets === 1) this.onAvailabilityChange(agent.tenantId)
  }

  socketDisconnected(agent: AgentRuntime): void {
    agent.sockets = Math.max(0, agent.sockets - 1)
    if (agent.sockets === 0) this.onAvailabilityChange(agent.tenantId)
  }

  /** Record that the agent joined or left an open channel (capacity bookkeeping). */
  trackChannel(agentId: string, channelId: string, open: boolean): void {
    const agent = this.agents.get(agentId)
    if (!agent) return
    const changed = open ? !agent.channels.has(channelId) : agent.channels.has(channelId)
    if (open) agent.channels.add(channelId)
    else agent.channels.delete(channelId)
    if (changed) {
      this.notifier.agentUpdated(this.view(agent))
      this.onAvailabilityChange(agent.tenantId)
    }
  }

  snapshots(tenantId: string): AgentSnapshot[] {
    const snapshots: AgentSnapshot[] = []
    for (const agent of this.agents.values()) {
      if (agent.tenantId !== tenantId) continue
      snapshots.push({ id: agent.id, state: agent.state, connected: agent.sockets > 0, activeChats: agent.channels.size, maxChats: agent.maxChats })
    }
    return snapshots
  }

  view(agent: AgentRuntime): AgentView {
    return {
      id: agent.id,
      tenantId: agent.tenantId,
      email: agent.email,
      displayName: agent.displayName,
      role: agent.role,
      state: agent.state,
      stateChangedAt: agent.stateChangedAt.toISOString(),
      maxChats: agent.maxChats,
      activeChats: agent.channels.size,
    }
  }

  private async fetch(agentId: string): Promise<AgentRuntime> {
    const row = await this.db.agent.findUnique({ where: { id: agentId } })
    if (!row) throw new NotFoundError('no such agent')
    const open = await this.db.participant.findMany({
      where: { agentId, leftAt: null, channel: { status: 'open' } },
      select: { channelId: true },
    })
    const agent: AgentRuntime = {
      id: row.id,
      tenantId: row.tenantId,
      email: row.email,
      displayName: row.displayName,
      role: row.role as AgentRole,
      state: row.state as AgentState,
      stateChangedAt: row.stateChangedAt,
      maxChats: row.maxChats,
      channels: new Set(open.map((participant) => participant.channelId)),
      sockets: 0,
    }
    this.agents.set(agentId, this.agents.get(agentId) ?? agent)
    return this.agents.get(agentId)!
  }
}
