/**
 * Supervision of live channels: a supervisor (or admin) monitors a channel silently — they
 * read everything, visitors are not told — whispers to the agent (whisper messages go through
 * the chat service), and barges in, after which everyone sees them and they chat normally.
 */
import type { ChannelView } from '../../web/protocol/views.js'
import { ForbiddenError, InvalidStateError } from '../errors.js'
import type { AgentRuntime } from './agent-service.js'
import type { ChannelService } from './channel-service.js'
import type { SupervisorView } from './supervisor-view.js'

export class MonitoringService {
  constructor(
    private readonly channels: ChannelService,
    private readonly liveView: SupervisorView,
  ) {}

  async monitor(supervisor: AgentRuntime, channelId: string): Promise<ChannelView> {
    if (supervisor.role === 'agent') throw new ForbiddenError('monitoring is for supervisors and admins')
    const channel = this.channels.get(channelId)
    if (!channel || channel.tenantId !== supervisor.tenantId) throw new InvalidStateError('this conversation has ended or does not exist')
    const mine = [...channel.participants.values()].find((p) => p.agentId === supervisor.id && !p.leftAt)
    if (mine && mine.role !== 'supervisor') throw new InvalidStateError('you are already in this conversation')
    await this.channels.addParticipant(channelId, { role: 'supervisor', agentId: supervisor.id, visitorId: null, name: supervisor.displayName, silent: true, avatarUrl: supervisor.avatarUrl })
    this.liveView.refresh(supervisor.tenantId)
    return this.channels.viewFor(channelId, { kind: 'agent', agentId: supervisor.id }, supervisor.tenantId)
  }

  async barge(supervisor: AgentRuntime, channelId: string): Promise<ChannelView> {
    const member = { kind: 'agent', agentId: supervisor.id } as const
    const { participant } = this.channels.requireOpenMember(channelId, member, supervisor.tenantId)
    if (participant.role !== 'supervisor') throw new InvalidStateError('only a monitoring supervisor can barge in')
    await this.channels.reveal(channelId, participant.id)
    this.liveView.refresh(supervisor.tenantId)
    return this.channels.viewFor(channelId, member, supervisor.tenantId)
  }
}
