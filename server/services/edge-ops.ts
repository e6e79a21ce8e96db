/**
 * What the edge (socket handlers) asks of a tenant's owner in one go, with plain data in and
 * out so it can run on another node: a socket connected or went away, an agent accepts a
 * request or changes state, a supervisor monitors, a member resumes or leaves a channel.
 * Everything tenant-stateful a socket handler needs but that does not map to a single
 * JSON-safe service method lives here.
 */
import type { AgentSession, CompanionSession, ResumeResult } from '../../web/protocol/events.js'
import { LIMITS } from '../../web/protocol/limits.js'
import type { AgentView, ChannelView, ChosenAgentState, RequestView } from '../../web/protocol/views.js'
import { redactFor } from '../domain/event-audience.js'
import { ForbiddenError, InvalidStateError } from '../errors.js'
import type { Member } from './notifier.js'
import type { NewRequest } from './queue-service.js'
import type { Services } from './services.js'
import type { VisitorIdentity } from './visitor-service.js'

export class EdgeOps {
  constructor(private readonly services: () => Services) {}

  /** A visitor socket connected: their requests and open channels (to join), and presence. */
  async visitorConnected(tenantId: string, visitorId: string): Promise<{ requests: RequestView[]; channels: ChannelView[] }> {
    const s = this.services()
    const member: Member = { kind: 'visitor', visitorId }
    const open = s.channels.channelsOf(member, tenantId)
    s.presence.connected(member, tenantId)
    const channels = await Promise.all(open.map((channel) => s.channels.viewFor(channel.id, member, tenantId)))
    return { requests: s.queue.requestsOf(visitorId, tenantId), channels }
  }

  visitorDisconnected(tenantId: string, visitorId: string): void {
    this.services().presence.disconnected({ kind: 'visitor', visitorId }, tenantId)
  }

  /** An agent's console connected: their session (channels to join, offers ringing) and presence. */
  async agentConnected(tenantId: string, agentId: string): Promise<AgentSession> {
    const s = this.services()
    const agent = await s.agents.load(agentId)
    const member: Member = { kind: 'agent', agentId }
    const open = s.channels.channelsOf(member, tenantId)
    s.presence.connected(member, tenantId, agent)
    const channels = await Promise.all(open.map((channel) => s.channels.viewFor(channel.id, member, tenantId)))
    const { settings } = await s.routing.get(tenantId)
    return { agent: s.agents.view(agent), offers: s.queue.offersFor(agentId, tenantId), channels, stateReasons: settings.stateReasons }
  }

  agentDisconnected(tenantId: string, agentId: string): void {
    const s = this.services()
    s.presence.disconnected({ kind: 'agent', agentId }, tenantId, s.agents.get(agentId))
  }

  /** The visitor asks for help (a call only while a media server runs). */
  async createRequest(visitor: VisitorIdentity, input: NewRequest): Promise<RequestView> {
    const s = this.services()
    if (input.kind === 'call' && !s.media.available) throw new InvalidStateError('calls are not available right now: please start a chat instead')
    return s.queue.create(visitor, input)
  }

  async accept(tenantId: string, agentId: string, requestId: string): Promise<ChannelView> {
    const s = this.services()
    const channel = await s.queue.accept(agentId, tenantId, requestId)
    // The visitor asked for a call: accepting it starts the call at once.
    if (channel.kind === 'call') await s.calls.startRequested(channel.id)
    return s.channels.viewFor(channel.id, { kind: 'agent', agentId }, tenantId)
  }

  async setState(tenantId: string, agentId: string, state: ChosenAgentState, reason: string | null): Promise<AgentView> {
    const s = this.services()
    const agent = await s.agents.load(agentId)
    if (agent.tenantId !== tenantId) throw new ForbiddenError('not your tenant')
    return s.agents.view(await s.agents.choose(agentId, state, reason))
  }

  async monitor(tenantId: string, agentId: string, channelId: string): Promise<ChannelView> {
    const s = this.services()
    return s.monitoring.monitor(await this.staff(tenantId, agentId), channelId)
  }

  async barge(tenantId: string, agentId: string, channelId: string): Promise<ChannelView> {
    const s = this.services()
    return s.monitoring.barge(await this.staff(tenantId, agentId), channelId)
  }

  /** The channel's log after `afterSeq` as this member may see it (the rest as `hidden` stand-ins). */
  async resume(tenantId: string, member: Member, input: { channelId: string; afterSeq: number }): Promise<ResumeResult> {
    const s = this.services()
    const channel = await s.channels.viewFor(input.channelId, member, tenantId)
    const self = channel.participants.find((p) => p.id === channel.selfParticipantId)
    const viewer = { role: self?.role ?? (member.kind === 'agent' ? 'agent' : 'visitor'), participantId: channel.selfParticipantId } as const
    const { events, hasMore } = await s.events.read(input.channelId, input.afterSeq, LIMITS.resumePage)
    return { channel, events: events.map((event) => redactFor(event, viewer)), hasMore }
  }

  async leave(tenantId: string, member: Member, channelId: string): Promise<ChannelView> {
    const s = this.services()
    const { participant } = s.channels.requireOpenMember(channelId, member, tenantId)
    await s.channels.leave(channelId, participant.id, 'left')
    return s.channels.viewFor(channelId, member, tenantId)
  }

  /** Record a call (or stop), when the tenant allows it. */
  async record(tenantId: string, member: Member, input: { channelId: string; callId: string; recording: boolean }) {
    const s = this.services()
    return s.calls.view(await s.media.record(member, tenantId, input))
  }

  /** A co-browsing tab connected: its channel and the agent it acts for. */
  async companionSession(tenantId: string, agentId: string, channelId: string): Promise<CompanionSession> {
    const s = this.services()
    const agent = await s.agents.load(agentId)
    return { channel: await s.channels.viewFor(channelId, { kind: 'agent', agentId }, tenantId), agent: { id: agent.id, displayName: agent.displayName } }
  }

  private async staff(tenantId: string, agentId: string) {
    const agent = await this.services().agents.load(agentId)
    if (agent.tenantId !== tenantId) throw new ForbiddenError('not your tenant')
    return agent
  }
}
