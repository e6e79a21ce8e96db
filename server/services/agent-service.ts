/**
 * Agents at run time: their state (chosen, or set by the system: busy at capacity, timed
 * wrap-up, offline), live sockets, open conversations and skills. Every state change is
 * stored with its time and reason, and fed to the router as an event.
 */
import type { AgentRole, AgentState, AgentView, ChannelKind, ChosenAgentState } from '../../web/protocol/views.js'
import type { RoutingAgent, RoutingEvent } from '../domain/router.js'
import { ConflictError, NotFoundError, ValidationError } from '../errors.js'
import type { Logger } from '../log.js'
import type { Database } from '../store/database.js'
import { newId } from '../store/ids.js'
import type { Notifier } from './notifier.js'
import type { RoutingDirectory } from './routing-directory.js'

export interface AgentRuntime {
  id: string
  tenantId: string
  email: string
  displayName: string
  role: AgentRole
  state: AgentState
  stateReason: string | null
  stateChangedAt: Date
  /** when a timed state ends by itself */
  stateUntil: Date | null
  maxChats: number
  maxCalls: number
  /** picture shown to visitors, if any */
  avatarUrl: string | null
  /** open conversations the agent takes part in, and their kind */
  channels: Map<string, ChannelKind>
  /** live console sockets */
  sockets: number
  /** `key=value` -> proficiency */
  skills: Map<string, number>
  /** epoch ms since the agent is idle (for longest-idle routing) */
  idleSince: number
  wrapUpTimer: ReturnType<typeof setTimeout> | null
}

/** States in which an agent counts against the tenant's seats. */
const SEATED: readonly AgentState[] = ['ready', 'busy', 'wrap_up']

export class AgentService {
  /** router input: called for every change that matters to routing */
  onRoutingEvent: (tenantId: string, event: RoutingEvent) => void = () => {}

  private readonly agents = new Map<string, AgentRuntime>()
  private readonly loading = new Map<string, Promise<AgentRuntime>>()

  constructor(
    private readonly db: Database,
    private readonly directory: RoutingDirectory,
    private readonly notifier: Notifier,
    private readonly log: Logger,
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

  inTenant(tenantId: string): AgentRuntime[] {
    return [...this.agents.values()].filter((agent) => agent.tenantId === tenantId)
  }

  /** Reload skills and capacity after an admin changed them. */
  async refresh(agentId: string): Promise<void> {
    const agent = this.agents.get(agentId)
    if (!agent) return
    const row = await this.db.agent.findUnique({ where: { id: agentId }, include: { skills: { include: { skill: true } } } })
    if (!row) return
    agent.displayName = row.displayName
    agent.role = row.role as AgentRole
    agent.maxChats = row.maxChats
    agent.maxCalls = row.maxCalls
    agent.skills = new Map(row.skills.map((s) => [`${s.skill.key}=${s.skill.value}`, s.proficiency]))
    this.emitUpsert(agent)
    // A new capacity may make the agent busy, or free again.
    if (agent.state === 'ready' && this.atCapacity(agent)) await this.transition(agent, 'busy', null, null)
    else if (agent.state === 'busy' && !this.atCapacity(agent)) await this.transition(agent, 'ready', null, null)
    else this.notifier.agentUpdated(this.view(agent))
  }

  /** The agent picks a state (with an optional reason from the tenant's list). */
  async choose(agentId: string, state: ChosenAgentState, reason: string | null): Promise<AgentRuntime> {
    const agent = await this.load(agentId)
    const routing = await this.directory.get(agent.tenantId)
    if (reason !== null && state !== 'ready') {
      const allowed = routing.settings.stateReasons[state]
      if (allowed.length > 0 && !allowed.includes(reason)) throw new ValidationError(`"${reason}" is not a reason for ${state.replace('_', ' ')}; pick one of: ${allowed.join(', ')}`)
    }
    if (state === 'ready') {
      const seatCap = routing.settings.seatCap
      if (seatCap > 0 && !SEATED.includes(agent.state)) {
        const seated = this.inTenant(agent.tenantId).filter((other) => other.id !== agent.id && other.sockets > 0 && SEATED.includes(other.state)).length
        if (seated >= seatCap) throw new ConflictError(`all ${seatCap} seats of this contact center are in use; try again when someone steps out`)
      }
      this.clearWrapUp(agent)
      return this.transition(agent, this.atCapacity(agent) ? 'busy' : 'ready', null, null)
    }
    this.clearWrapUp(agent)
    return this.transition(agent, state, reason ?? null, null)
  }

  /** The system sets a state (offline on logout or disappearance, not ready after a missed offer). */
  async force(agentId: string, state: 'offline' | 'not_ready', reason: string): Promise<AgentRuntime> {
    const agent = await this.load(agentId)
    this.clearWrapUp(agent)
    return this.transition(agent, state, reason, null)
  }

  socketConnected(agent: AgentRuntime): void {
    agent.sockets++
    if (agent.sockets === 1) this.onRoutingEvent(agent.tenantId, { type: 'agent-connection', at: Date.now(), agentId: agent.id, connected: true })
  }

  socketDisconnected(agent: AgentRuntime): void {
    agent.sockets = Math.max(0, agent.sockets - 1)
    if (agent.sockets === 0) this.onRoutingEvent(agent.tenantId, { type: 'agent-connection', at: Date.now(), agentId: agent.id, connected: false })
  }

  /** The agent joined or left an open conversation: capacity, busy and wrap-up follow. */
  /** `counted`: the router already counted the conversation (with the offer's acceptance). */
  async trackChannel(agentId: string, channelId: string, kind: ChannelKind, open: boolean, counted = false): Promise<void> {
    const agent = this.agents.get(agentId)
    if (!agent) return
    if (open === agent.channels.has(channelId)) return
    const now = Date.now()
    if (open) agent.channels.set(channelId, kind)
    else agent.channels.delete(channelId)
    if (!counted) this.onRoutingEvent(agent.tenantId, { type: 'agent-load', at: now, agentId, kind, delta: open ? 1 : -1 })
    if (open) {
      if (agent.state === 'ready' && this.atCapacity(agent)) await this.transition(agent, 'busy', null, null)
      else this.notifier.agentUpdated(this.view(agent))
      return
    }
    agent.idleSince = now
    const { wrapUpSec } = (await this.directory.get(agent.tenantId)).settings
    if (wrapUpSec > 0 && (agent.state === 'ready' || agent.state === 'busy' || agent.state === 'wrap_up')) {
      this.clearWrapUp(agent)
      const until = new Date(now + wrapUpSec * 1000)
      agent.wrapUpTimer = setTimeout(() => void this.endWrapUp(agent), wrapUpSec * 1000)
      agent.wrapUpTimer.unref()
      await this.transition(agent, 'wrap_up', null, until)
    } else if (agent.state === 'busy' && !this.atCapacity(agent)) {
      await this.transition(agent, 'ready', null, null)
    } else {
      this.notifier.agentUpdated(this.view(agent))
    }
  }

  /** The agent as the router sees it. */
  routingAgent(agent: AgentRuntime): Omit<RoutingAgent, 'offering'> {
    return {
      id: agent.id,
      state: agent.state,
      connected: agent.sockets > 0,
      skills: agent.skills,
      capacity: { chat: agent.maxChats, call: agent.maxCalls },
      load: this.loadOf(agent),
      idleSince: agent.idleSince,
    }
  }

  view(agent: AgentRuntime): AgentView {
    const load = this.loadOf(agent)
    return {
      id: agent.id,
      tenantId: agent.tenantId,
      email: agent.email,
      displayName: agent.displayName,
      role: agent.role,
      state: agent.state,
      stateReason: agent.stateReason,
      stateChangedAt: agent.stateChangedAt.toISOString(),
      stateUntil: agent.stateUntil?.toISOString() ?? null,
      maxChats: agent.maxChats,
      maxCalls: agent.maxCalls,
      activeChats: load.chat,
      activeCalls: load.call,
    }
  }

  close(): void {
    for (const agent of this.agents.values()) this.clearWrapUp(agent)
  }

  private loadOf(agent: AgentRuntime): Record<ChannelKind, number> {
    const load = { chat: 0, call: 0 }
    for (const kind of agent.channels.values()) load[kind]++
    return load
  }

  private atCapacity(agent: AgentRuntime): boolean {
    const load = this.loadOf(agent)
    return load.call >= agent.maxCalls || load.chat >= agent.maxChats
  }

  private async endWrapUp(agent: AgentRuntime): Promise<void> {
    agent.wrapUpTimer = null
    if (agent.state !== 'wrap_up') return
    try {
      await this.transition(agent, this.atCapacity(agent) ? 'busy' : 'ready', null, null)
    } catch (error) {
      this.log.error({ err: error, agentId: agent.id }, 'could not end wrap-up')
    }
  }

  private clearWrapUp(agent: AgentRuntime): void {
    if (agent.wrapUpTimer) clearTimeout(agent.wrapUpTimer)
    agent.wrapUpTimer = null
  }

  private async transition(agent: AgentRuntime, state: AgentState, reason: string | null, until: Date | null): Promise<AgentRuntime> {
    if (agent.state === state && agent.stateReason === reason && agent.stateUntil?.getTime() === until?.getTime()) return agent
    const now = new Date()
    await this.db.$transaction([
      this.db.agent.update({ where: { id: agent.id }, data: { state, stateReason: reason, stateChangedAt: now } }),
      this.db.agentStateChange.create({ data: { id: newId('as'), agentId: agent.id, state, reason, createdAt: now } }),
    ])
    if (state === 'ready' && agent.state !== 'ready' && agent.state !== 'busy' && agent.state !== 'wrap_up') agent.idleSince = now.getTime()
    agent.state = state
    agent.stateReason = reason
    agent.stateChangedAt = now
    agent.stateUntil = until
    this.onRoutingEvent(agent.tenantId, { type: 'agent-state', at: now.getTime(), agentId: agent.id, state })
    this.notifier.agentUpdated(this.view(agent))
    return agent
  }

  private emitUpsert(agent: AgentRuntime): void {
    this.onRoutingEvent(agent.tenantId, { type: 'agent-upserted', at: Date.now(), agent: this.routingAgent(agent) })
  }

  /**
   * The agent as they are now, without taking them on here: the live runtime when this node
   * has it, else read from the store (so an HTTP edge on any node can show an agent without
   * creating a second runtime of a tenant another node owns).
   */
  async peek(agentId: string): Promise<AgentView> {
    return this.view(this.agents.get(agentId) ?? (await this.read(agentId)))
  }

  private async fetch(agentId: string): Promise<AgentRuntime> {
    const agent = await this.read(agentId)
    const known = this.agents.get(agentId)
    if (known) return known
    this.agents.set(agentId, agent)
    this.emitUpsert(agent)
    return agent
  }

  /** A runtime built from the store (not kept). */
  private async read(agentId: string): Promise<AgentRuntime> {
    const row = await this.db.agent.findUnique({ where: { id: agentId }, include: { skills: { include: { skill: true } } } })
    if (!row) throw new NotFoundError('no such agent')
    const open = await this.db.participant.findMany({
      // conversations the agent handles (monitoring them as a supervisor takes no capacity)
      where: { agentId, role: 'agent', leftAt: null, channel: { status: 'open' } },
      select: { channelId: true, channel: { select: { request: { select: { kind: true } } } } },
    })
    return {
      id: row.id,
      tenantId: row.tenantId,
      email: row.email,
      displayName: row.displayName,
      role: row.role as AgentRole,
      // A restart loses timed states: a wrap-up in progress ends here.
      state: row.state === 'wrap_up' ? 'ready' : (row.state as AgentState),
      stateReason: row.stateReason,
      stateChangedAt: row.stateChangedAt,
      stateUntil: null,
      maxChats: row.maxChats,
      maxCalls: row.maxCalls,
      avatarUrl: row.avatarUrl,
      channels: new Map(open.map((p) => [p.channelId, p.channel.request.kind as ChannelKind])),
      sockets: 0,
      skills: new Map(row.skills.map((s) => [`${s.skill.key}=${s.skill.value}`, s.proficiency])),
      idleSince: row.stateChangedAt.getTime(),
      wrapUpTimer: null,
    }
  }
}
