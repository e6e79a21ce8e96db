/**
 * Who is connected. A member without a live socket is not gone at once (pages navigate,
 * networks blink, servers restart): only after a grace period do they leave their channels
 * (and a waiting visitor abandons the queue).
 */
import type { Logger } from '../log.js'
import type { AgentRuntime, AgentService } from './agent-service.js'
import { memberMatches, type ChannelService, type OpenChannel } from './channel-service.js'
import type { Member } from './notifier.js'
import type { QueueService } from './queue-service.js'

interface Presence {
  tenantId: string
  sockets: number
  goneTimer: ReturnType<typeof setTimeout> | null
}

export interface PresenceOptions {
  visitorGoneMs: number
  agentGoneMs: number
}

const keyOf = (member: Member) => (member.kind === 'agent' ? `a:${member.agentId}` : `v:${member.visitorId}`)

export class PresenceService {
  private readonly members = new Map<string, Presence>()
  private closed = false
  /** a member's first socket connected, or their last one went away (before any grace period) */
  onChange: (member: Member, tenantId: string, connected: boolean) => void = () => {}

  constructor(
    private readonly options: PresenceOptions,
    private readonly agents: AgentService,
    private readonly channels: ChannelService,
    private readonly queue: QueueService,
    private readonly log: Logger,
  ) {}

  /** After a restart nobody is connected yet: give everyone in an open channel their grace period. */
  boot(openChannels: OpenChannel[], waitingVisitors: { visitorId: string; tenantId: string }[]): void {
    for (const channel of openChannels) {
      for (const participant of channel.participants.values()) {
        if (participant.leftAt) continue
        if (participant.agentId) this.startGrace({ kind: 'agent', agentId: participant.agentId }, channel.tenantId)
        else if (participant.visitorId) this.startGrace({ kind: 'visitor', visitorId: participant.visitorId }, channel.tenantId)
      }
    }
    for (const { visitorId, tenantId } of waitingVisitors) this.startGrace({ kind: 'visitor', visitorId }, tenantId)
  }

  connected(member: Member, tenantId: string, agent?: AgentRuntime): void {
    const presence = this.presenceOf(member, tenantId)
    presence.sockets++
    if (presence.goneTimer) clearTimeout(presence.goneTimer)
    presence.goneTimer = null
    if (agent) this.agents.socketConnected(agent)
    if (presence.sockets === 1) this.onChange(member, tenantId, true)
  }

  disconnected(member: Member, tenantId: string, agent?: AgentRuntime): void {
    const presence = this.presenceOf(member, tenantId)
    presence.sockets = Math.max(0, presence.sockets - 1)
    if (agent) this.agents.socketDisconnected(agent)
    if (presence.sockets === 0) {
      this.startGrace(member, tenantId)
      this.onChange(member, tenantId, false)
    }
  }

  isConnected(member: Member): boolean {
    return (this.members.get(keyOf(member))?.sockets ?? 0) > 0
  }

  close(): void {
    this.closed = true
    for (const presence of this.members.values()) if (presence.goneTimer) clearTimeout(presence.goneTimer)
  }

  private presenceOf(member: Member, tenantId: string): Presence {
    const key = keyOf(member)
    let presence = this.members.get(key)
    if (!presence) this.members.set(key, (presence = { tenantId, sockets: 0, goneTimer: null }))
    return presence
  }

  private startGrace(member: Member, tenantId: string): void {
    const presence = this.presenceOf(member, tenantId)
    if (presence.goneTimer || presence.sockets > 0) return
    const graceMs = member.kind === 'agent' ? this.options.agentGoneMs : this.options.visitorGoneMs
    presence.goneTimer = setTimeout(() => {
      presence.goneTimer = null
      if (presence.sockets > 0 || this.closed) return
      this.members.delete(keyOf(member))
      this.gone(member, tenantId).catch((error: unknown) => this.log.error({ err: error, member }, 'could not process a departure'))
    }, graceMs)
    presence.goneTimer.unref()
  }

  private async gone(member: Member, tenantId: string): Promise<void> {
    this.log.info({ member }, 'member gone after grace period')
    if (member.kind === 'visitor') await this.queue.abandonAllOf(member.visitorId)
    for (const channel of this.channels.channelsOf(member, tenantId)) {
      for (const participant of channel.participants.values()) {
        if (memberMatches(participant, member) && !participant.leftAt) await this.channels.leave(channel.id, participant.id, 'gone')
      }
    }
    if (member.kind === 'agent') await this.agents.force(member.agentId, 'offline', 'Disconnected')
  }
}
