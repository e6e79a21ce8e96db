/**
 * Agent availability from SIP PUBLISH (PIDF): an agent's desk phone, or a third-party presence
 * source such as a PBX, publishes `sip:<agent>@<tenant>`; the router treats it like the agent
 * changing state in the console (open → Ready, closed → Not ready, or Away / Break by the
 * RPID activity). The agent is the tenant's agent whose e-mail, or e-mail's local part, is
 * the presentity's user part.
 *
 * Who may publish: sources on a trunk's allow-list (the PBX), for that trunk's tenant; anyone
 * else answers the digest challenge with the trunk's presence secret. Everything else: 403.
 */
import type { PresenceAuthDecision, PresenceAuthRequest, PresenceEvent } from '../../sip/sip-bridge.js'
import type { ChosenAgentState } from '../../web/protocol/views.js'
import type { Logger } from '../log.js'
import type { Database } from '../store/database.js'
import type { AgentService } from './agent-service.js'
import type { RunnableTrunk, TrunkDirectory } from './trunk-directory.js'

/** RPID activities (RFC 4480) that mean a break rather than plain "not ready". */
const BREAK_ACTIVITIES = new Set(['meal', 'lunch', 'breakfast', 'dinner', 'vacation', 'holiday', 'sleeping'])
const AWAY_ACTIVITIES = new Set(['away', 'appointment', 'steering', 'travel'])

/** The state a presence change means for an agent. */
export function stateForPresence(event: Pick<PresenceEvent, 'status' | 'activity' | 'cause'>): ChosenAgentState {
  if (event.cause === 'publish' && event.status === 'open') return 'ready'
  if (event.activity && AWAY_ACTIVITIES.has(event.activity)) return 'away'
  if (event.activity && BREAK_ACTIVITIES.has(event.activity)) return 'break'
  return 'not_ready'
}

interface Target {
  tenantId: string
  agentId: string
}

export class PhonePresence {
  /** the agent each authorized presentity stands for */
  private readonly targets = new Map<string, Target>()

  constructor(
    private readonly db: Database,
    private readonly trunks: TrunkDirectory,
    private readonly agents: AgentService,
    private readonly log: Logger,
  ) {}

  async authorize(request: PresenceAuthRequest): Promise<PresenceAuthDecision> {
    const host = /@([^;>]+)/.exec(request.entity)?.[1]?.toLowerCase() ?? ''
    const bySlug = host ? await this.db.tenant.findUnique({ where: { slug: host }, select: { id: true } }) : null
    const running = this.trunks.running()
    const candidates = bySlug ? running.filter((trunk) => trunk.tenantId === bySlug.id) : running
    const trusted = candidates.filter((trunk) => this.trusts(trunk, request.source.host))
    const tenants = new Set((trusted.length > 0 ? trusted : candidates).map((trunk) => trunk.tenantId))
    if (tenants.size !== 1) return { action: 'deny' }
    const [tenantId] = [...tenants] as [string]
    const agentId = await this.agentFor(tenantId, request.user)
    if (!agentId) return { action: 'deny' }
    this.targets.set(request.entity, { tenantId, agentId })
    if (trusted.length > 0) return { action: 'allow' }
    const secret = candidates.find((trunk) => trunk.presenceSecret)?.presenceSecret
    return secret ? { action: 'digest', credentials: { username: request.user, password: secret } } : { action: 'deny' }
  }

  /** A presentity's availability changed: change the agent's state like the console would. */
  async apply(event: PresenceEvent): Promise<void> {
    const target = this.targets.get(event.entity)
    if (!target) return
    const state = stateForPresence(event)
    try {
      const agent = await this.agents.load(target.agentId)
      // a Ready or Busy agent stays as they are on "open"; Busy is the system's, not a choice
      if (state === 'ready' && (agent.state === 'ready' || agent.state === 'busy')) return
      if (state !== 'ready' && agent.state === state) return
      await this.agents.choose(target.agentId, state, null)
      this.log.info({ agentId: target.agentId, state, activity: event.activity, cause: event.cause }, 'agent state from SIP presence')
    } catch (error) {
      this.log.warn({ err: error, agentId: target.agentId }, 'could not apply SIP presence')
    }
  }

  private trusts(trunk: RunnableTrunk, address: string): boolean {
    if (trunk.allowFrom.length > 0) return trunk.allowFrom.includes(address)
    return trunk.config.host === address
  }

  private async agentFor(tenantId: string, user: string): Promise<string | undefined> {
    const name = user.toLowerCase()
    const agents = await this.db.agent.findMany({ where: { tenantId }, select: { id: true, email: true } })
    const exact = agents.find((agent) => agent.email.toLowerCase() === name)
    if (exact) return exact.id
    const byLocalPart = agents.filter((agent) => agent.email.toLowerCase().split('@')[0] === name)
    return byLocalPart.length === 1 ? byLocalPart[0]!.id : undefined
  }
}
