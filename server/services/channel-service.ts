/**
 * Channels: opened when an agent accepts a request, ended when the agent or the last visitor
 * leaves. Open channels live in memory (rebuilt from the store at boot); every change is a
 * sequenced event in the channel's log.
 */
import type { ChannelEndReason, LeaveReason, ParticipantRole } from '../../web/protocol/channel-event.js'
import type { ChannelKind, ChannelView, LeadingView, ParticipantView } from '../../web/protocol/views.js'
import { endAfterLeave } from '../domain/channel-rules.js'
import { ConflictError, ForbiddenError, InvalidStateError, NotFoundError } from '../errors.js'
import type { Database } from '../store/database.js'
import { newId } from '../store/ids.js'
import type { Logger } from '../log.js'
import type { AgentRuntime, AgentService } from './agent-service.js'
import type { EventLog } from './event-log.js'
import type { Member, Notifier } from './notifier.js'

export interface ParticipantRuntime {
  id: string
  role: ParticipantRole
  agentId: string | null
  visitorId: string | null
  name: string
  joinedAt: Date
  leftAt: Date | null
  ackedSeq: number
  /** a supervisor monitoring: only staff know they are there */
  silent: boolean
  avatarUrl: string | null
}

/** Someone joining an open channel after it opened (a monitoring supervisor, an invited visitor). */
export interface NewParticipant {
  role: ParticipantRole
  agentId: string | null
  visitorId: string | null
  name: string
  silent: boolean
  avatarUrl: string | null
}

/** The tenant's leading rules a channel view carries. */
export type LeadingPolicy = Omit<LeadingView, 'leaderId'> & { defaultLeader: 'agent' | 'visitor' }

const DEFAULT_POLICY: LeadingPolicy = { defaultLeader: 'agent', scrollAndClicks: false, maskedFields: [] }

export interface OpenChannel {
  id: string
  tenantId: string
  requestId: string
  kind: ChannelKind
  queueId: string | null
  question: string
  pageUrl: string | null
  createdAt: Date
  participants: Map<string, ParticipantRuntime>
  /** participant holding the lead baton */
  leaderId: string | null
}

/** What opening a channel needs to know about the accepted request. */
export interface AcceptedRequest {
  id: string
  tenantId: string
  visitorId: string
  visitorName: string | null
  question: string
  pageUrl: string | null
  kind: ChannelKind
  queueId: string | null
}

const ACK_FLUSH_MS = 2_000

export const VISITOR_DEFAULT_NAME = 'Visitor'

export function memberMatches(participant: ParticipantRuntime, member: Member): boolean {
  return member.kind === 'agent' ? participant.agentId === member.agentId : participant.visitorId === member.visitorId
}

export class ChannelService {
  /** called after a channel ended (the queue re-plans, presence forgets it) */
  onEnded: (channel: OpenChannel) => void = () => {}
  /** runs first when a channel ends, while it is still open (its call ends) */
  beforeEnd: (channelId: string) => Promise<void> = async () => {}
  /** the call of an open channel, for its views (set by the call service) */
  callOf: (channelId: string) => ChannelView['call'] = () => null
  /** the tenant's leading rules (set at wiring from the routing directory's settings) */
  policyOf: (tenantId: string) => Promise<LeadingPolicy> = async () => DEFAULT_POLICY
  /** after someone left a channel that goes on (the baton returns to the agent) */
  afterLeft: (channel: OpenChannel, participant: ParticipantRuntime) => Promise<void> = async () => {}

  private readonly open = new Map<string, OpenChannel>()
  private readonly dirtyAcks = new Set<ParticipantRuntime>()
  private readonly ackTimer: ReturnType<typeof setInterval>

  constructor(
    private readonly db: Database,
    private readonly events: EventLog,
    private readonly agents: AgentService,
    private readonly notifier: Notifier,
    private readonly log: Logger,
  ) {
    this.ackTimer = setInterval(() => void this.flushAcks(), ACK_FLUSH_MS)
    this.ackTimer.unref()
  }

  /** Rebuild the open channels from the store (after a restart; one tenant's, when this node takes it over). */
  async boot(tenantId?: string): Promise<OpenChannel[]> {
    const rows = await this.db.channel.findMany({ where: { status: 'open', ...(tenantId ? { tenantId } : {}) }, include: { participants: true, request: true } })
    const visitorIds = rows.flatMap((row) => row.participants.map((p) => p.visitorId).filter((id): id is string => id !== null))
    const agentIds = rows.flatMap((row) => row.participants.map((p) => p.agentId).filter((id): id is string => id !== null))
    const names = await this.participantNames(visitorIds, agentIds)
    for (const row of rows) {
      const channel: OpenChannel = {
        id: row.id,
        tenantId: row.tenantId,
        requestId: row.requestId,
        kind: row.request.kind as ChannelKind,
        queueId: row.request.queueId,
        question: row.request.question,
        pageUrl: row.request.pageUrl,
        createdAt: row.createdAt,
        participants: new Map(
          row.participants.map((p) => [
            p.id,
            {
              id: p.id,
              role: p.role as ParticipantRole,
              agentId: p.agentId,
              visitorId: p.visitorId,
              name: names.get(p.agentId ?? p.visitorId ?? '') ?? VISITOR_DEFAULT_NAME,
              joinedAt: p.joinedAt,
              leftAt: p.leftAt,
              ackedSeq: p.ackedSeq,
              silent: p.silent,
              avatarUrl: null,
            },
          ]),
        ),
        leaderId: row.leaderId,
      }
      this.open.set(channel.id, channel)
      for (const participant of channel.participants.values()) {
        if (participant.agentId && !participant.leftAt) participant.avatarUrl = (await this.agents.load(participant.agentId)).avatarUrl
      }
    }
    return [...this.open.values()]
  }

  /**
   * Accept a queued request: atomically move it to accepted and create the channel with the
   * visitor and the agent in it. ConflictError when someone else got there first.
   * `onTaken` tells the router the request is taken with the agent's new load, once it is stored.
   */
  async openForRequest(request: AcceptedRequest, agent: AgentRuntime, onTaken?: () => void): Promise<OpenChannel> {
    const now = new Date()
    const channel: OpenChannel = {
      id: newId('ch'),
      tenantId: request.tenantId,
      requestId: request.id,
      kind: request.kind,
      queueId: request.queueId,
      question: request.question,
      pageUrl: request.pageUrl,
      createdAt: now,
      participants: new Map(),
      leaderId: null,
    }
    const visitor: ParticipantRuntime = { id: newId('pa'), role: 'visitor', agentId: null, visitorId: request.visitorId, name: request.visitorName ?? VISITOR_DEFAULT_NAME, joinedAt: now, leftAt: null, ackedSeq: 0, silent: false, avatarUrl: null }
    const host: ParticipantRuntime = { id: newId('pa'), role: 'agent', agentId: agent.id, visitorId: null, name: agent.displayName, joinedAt: now, leftAt: null, ackedSeq: 0, silent: false, avatarUrl: agent.avatarUrl }
    channel.participants.set(visitor.id, visitor)
    channel.participants.set(host.id, host)
    channel.leaderId = (await this.policyOf(request.tenantId)).defaultLeader === 'visitor' ? visitor.id : host.id

    await this.db.$transaction(async (tx) => {
      const taken = await tx.request.updateMany({
        where: { id: request.id, tenantId: request.tenantId, status: 'queued' },
        data: { status: 'accepted', acceptedAt: now, acceptedById: agent.id },
      })
      if (taken.count === 0) throw new ConflictError('this request was already taken or withdrawn')
      await tx.channel.create({ data: { id: channel.id, tenantId: channel.tenantId, requestId: request.id, createdAt: now, leaderId: channel.leaderId } })
      await tx.participant.createMany({
        data: [visitor, host].map((p) => ({ id: p.id, channelId: channel.id, role: p.role, agentId: p.agentId, visitorId: p.visitorId, joinedAt: now })),
      })
    })
    this.open.set(channel.id, channel)
    // NOTE: the router hears of the acceptance and the agent's new load as one event (onTaken):
    // apart, a busy agent's ringing offer would be passed on, or a full agent offered more.
    onTaken?.()
    await this.agents.trackChannel(agent.id, channel.id, channel.kind, true, onTaken !== undefined)

    const system = { role: 'system' as const }
    for (const member of [{ kind: 'visitor', visitorId: request.visitorId } as const, { kind: 'agent', agentId: agent.id } as const]) {
      this.notifier.joinChannel(channel.id, member)
    }
    // The opening events go out through the log like any other, so they are archived and replayed.
    await this.events.append({ channelId: channel.id, type: 'channel.opened', author: system, payload: { question: request.question, pageUrl: request.pageUrl } }, now)
    for (const p of [visitor, host]) {
      await this.events.append({ channelId: channel.id, type: 'participant.joined', author: system, payload: { participantId: p.id, role: p.role, name: p.name } }, now)
    }
    // a proactive offer has no question: the shopper said yes, and wrote nothing yet
    if (request.question) await this.events.append({ channelId: channel.id, type: 'chat.message', author: { role: 'visitor', participantId: visitor.id, name: visitor.name }, payload: { text: request.question } }, now)
    this.notifier.channelJoined({ kind: 'visitor', visitorId: request.visitorId }, await this.view(channel, visitor.id, 'visitor'))
    this.notifier.channelJoined({ kind: 'agent', agentId: agent.id }, await this.view(channel, host.id, 'agent'))
    return channel
  }

  /**
   * Add someone to an open channel: stored, announced in the log (a silent participant only to
   * staff) and their sockets put in the channel's room. Someone already present is returned as is.
   */
  async addParticipant(channelId: string, input: NewParticipant): Promise<ParticipantRuntime> {
    const channel = this.open.get(channelId)
    if (!channel) throw new InvalidStateError('this conversation has ended or does not exist')
    const member: Member = input.agentId ? { kind: 'agent', agentId: input.agentId } : { kind: 'visitor', visitorId: input.visitorId! }
    const present = [...channel.participants.values()].find((p) => memberMatches(p, member) && !p.leftAt)
    if (present) return present
    const participant: ParticipantRuntime = { id: newId('pa'), ...input, joinedAt: new Date(), leftAt: null, ackedSeq: 0 }
    await this.db.participant.create({
      data: { id: participant.id, channelId, role: participant.role, agentId: participant.agentId, visitorId: participant.visitorId, joinedAt: participant.joinedAt, silent: participant.silent },
    })
    channel.participants.set(participant.id, participant)
    this.notifier.joinChannel(channelId, member)
    await this.events.append(
      { channelId, type: 'participant.joined', author: { role: 'system' }, payload: { participantId: participant.id, role: participant.role, name: participant.name, ...(participant.silent ? { silent: true } : {}) } },
      participant.joinedAt,
    )
    this.notifier.channelJoined(member, await this.view(channel, participant.id, member.kind))
    return participant
  }

  /** A silent participant (a monitoring supervisor) becomes visible to everyone: they barge in. */
  async reveal(channelId: string, participantId: string): Promise<ParticipantRuntime> {
    const channel = this.open.get(channelId)
    const participant = channel?.participants.get(participantId)
    if (!channel || !participant || participant.leftAt) throw new InvalidStateError('this conversation has ended or does not exist')
    if (!participant.silent) return participant
    await this.db.participant.update({ where: { id: participantId }, data: { silent: false } })
    participant.silent = false
    await this.events.append({ channelId, type: 'participant.joined', author: { role: 'system' }, payload: { participantId, role: participant.role, name: participant.name, barged: true } })
    return participant
  }

  /** Move the lead baton (the caller checked the rules and logs the change). */
  async setLeader(channelId: string, participantId: string): Promise<void> {
    const channel = this.open.get(channelId)
    if (!channel) throw new InvalidStateError('this conversation has ended or does not exist')
    await this.db.channel.update({ where: { id: channelId }, data: { leaderId: participantId } })
    channel.leaderId = participantId
  }

  get(channelId: string): OpenChannel | undefined {
    return this.open.get(channelId)
  }

  /** The member's participant in an open channel; ForbiddenError when they are not in it. */
  requireOpenMember(channelId: string, member: Member, tenantId: string): { channel: OpenChannel; participant: ParticipantRuntime } {
    const channel = this.open.get(channelId)
    if (!channel || channel.tenantId !== tenantId) throw new InvalidStateError('this conversation has ended or does not exist')
    const participant = [...channel.participants.values()].find((p) => memberMatches(p, member) && !p.leftAt)
    if (!participant) throw new ForbiddenError('you are not in this conversation')
    return { channel, participant }
  }

  /** The channel as `member` sees it, open or ended; only for those who took part. */
  async viewFor(channelId: string, member: Member, tenantId: string): Promise<ChannelView> {
    const channel = this.open.get(channelId)
    if (channel && channel.tenantId === tenantId) {
      const participant = [...channel.participants.values()].find((p) => memberMatches(p, member))
      if (participant) return this.view(channel, participant.id, member.kind)
      throw new ForbiddenError('you are not in this conversation')
    }
    const row = await this.db.channel.findFirst({ where: { id: channelId, tenantId }, include: { participants: true, request: true } })
    if (!row) throw new NotFoundError('no such conversation')
    const self = row.participants.find((p) => (member.kind === 'agent' ? p.agentId === member.agentId : p.visitorId === member.visitorId))
    if (!self) throw new ForbiddenError('you are not in this conversation')
    const names = await this.participantNames(
      row.participants.map((p) => p.visitorId).filter((id): id is string => id !== null),
      row.participants.map((p) => p.agentId).filter((id): id is string => id !== null),
    )
    return {
      id: row.id,
      status: row.status === 'open' ? 'open' : 'ended',
      createdAt: row.createdAt.toISOString(),
      endedAt: row.endedAt?.toISOString() ?? null,
      endReason: (row.endReason as ChannelEndReason | null) ?? null,
      lastSeq: await this.events.committedSeq(row.id),
      question: row.request.question,
      pageUrl: row.request.pageUrl,
      selfParticipantId: self.id,
      participants: row.participants
        .filter((p) => member.kind === 'agent' || !p.silent)
        .map((p) => ({
          id: p.id,
          role: p.role as ParticipantRole,
          name: names.get(p.agentId ?? p.visitorId ?? '') ?? VISITOR_DEFAULT_NAME,
          joinedAt: p.joinedAt.toISOString(),
          leftAt: p.leftAt?.toISOString() ?? null,
          ackedSeq: p.ackedSeq,
          avatarUrl: null,
          silent: p.silent,
        })),
      call: null,
      leading: { ...(await this.leadingOf(row.tenantId)), leaderId: row.leaderId },
    }
  }

  /** The open channel as a participant sees it; visitors are not shown monitoring supervisors. */
  async view(channel: OpenChannel, selfParticipantId: string | null, viewer: Member['kind'] = 'agent'): Promise<ChannelView> {
    return {
      id: channel.id,
      status: 'open',
      createdAt: channel.createdAt.toISOString(),
      endedAt: null,
      endReason: null,
      lastSeq: await this.events.committedSeq(channel.id),
      question: channel.question,
      pageUrl: channel.pageUrl,
      selfParticipantId,
      participants: [...channel.participants.values()].filter((p) => viewer === 'agent' || !p.silent).map(participantView),
      call: this.callOf(channel.id),
      leading: { ...(await this.leadingOf(channel.tenantId)), leaderId: channel.leaderId },
    }
  }

  private async leadingOf(tenantId: string): Promise<Omit<LeadingView, 'leaderId'>> {
    const { scrollAndClicks, maskedFields } = await this.policyOf(tenantId)
    return { scrollAndClicks, maskedFields }
  }

  participantsOf(channelId: string): ParticipantRuntime[] {
    return [...(this.open.get(channelId)?.participants.values() ?? [])]
  }

  tenantOf(channelId: string): string | undefined {
    return this.open.get(channelId)?.tenantId
  }

  isOpen(channelId: string): boolean {
    return this.open.has(channelId)
  }

  /** An open channel's participant by id. */
  participant(channelId: string, participantId: string): ParticipantRuntime | undefined {
    return this.open.get(channelId)?.participants.get(participantId)
  }

  /** Open channels the member is still present in. */
  channelsOf(member: Member, tenantId: string): OpenChannel[] {
    return [...this.open.values()].filter((channel) => channel.tenantId === tenantId && [...channel.participants.values()].some((p) => memberMatches(p, member) && !p.leftAt))
  }

  allOpen(): OpenChannel[] {
    return [...this.open.values()]
  }

  /** A participant leaves (or vanished); ends the channel when the rules say so. */
  async leave(channelId: string, participantId: string, reason: LeaveReason): Promise<void> {
    const channel = this.open.get(channelId)
    const participant = channel?.participants.get(participantId)
    if (!channel || !participant || participant.leftAt) return
    const members = [...channel.participants.values()].map((p) => ({ id: p.id, role: p.role, present: !p.leftAt }))
    const endReason = endAfterLeave(members, { id: participant.id, role: participant.role, present: true }, reason)
    await this.markLeft(channel, participant, reason)
    if (endReason) await this.end(channelId, endReason)
    else await this.afterLeft(channel, participant)
  }

  /** End a channel: everyone still present leaves, the log gets its last event. */
  async end(channelId: string, reason: ChannelEndReason): Promise<void> {
    if (!this.open.has(channelId)) return
    await this.beforeEnd(channelId).catch((error: unknown) => this.log.error({ err: error, channelId }, 'could not end the call of an ending channel'))
    const channel = this.open.get(channelId)
    if (!channel) return
    this.open.delete(channelId)
    for (const participant of channel.participants.values()) {
      if (!participant.leftAt) await this.markLeft(channel, participant, 'channel_ended')
    }
    const endedAt = new Date()
    await this.events.append({ channelId, type: 'channel.ended', author: { role: 'system' }, payload: { reason } }, endedAt)
    await this.db.$transaction([
      this.db.channel.update({ where: { id: channelId }, data: { status: 'ended', endReason: reason, endedAt } }),
      this.db.request.update({ where: { id: channel.requestId }, data: { endedAt, endReason: reason } }),
    ])
    await this.flushAcks()
    this.events.forget(channelId)
    for (const participant of channel.participants.values()) {
      const member = participant.agentId ? ({ kind: 'agent', agentId: participant.agentId } as const) : participant.visitorId ? ({ kind: 'visitor', visitorId: participant.visitorId } as const) : null
      if (member) this.notifier.leaveChannel(channelId, member)
    }
    this.onEnded(channel)
  }

  /** Remember the highest seq a participant received; written to the store in batches. */
  recordAck(channel: OpenChannel, participant: ParticipantRuntime, seq: number): void {
    if (seq <= participant.ackedSeq) return
    participant.ackedSeq = seq
    this.dirtyAcks.add(participant)
    this.notifier.acked({ channelId: channel.id, participantId: participant.id, seq }, participant.silent)
  }

  async close(): Promise<void> {
    clearInterval(this.ackTimer)
    await this.flushAcks()
  }

  private async markLeft(channel: OpenChannel, participant: ParticipantRuntime, reason: LeaveReason): Promise<void> {
    const leftAt = new Date()
    participant.leftAt = leftAt
    await this.db.participant.update({ where: { id: participant.id }, data: { leftAt } })
    await this.events.append(
      {
        channelId: channel.id,
        type: 'participant.left',
        author: { role: 'system' },
        payload: { participantId: participant.id, role: participant.role, name: participant.name, reason, ...(participant.silent ? { silent: true } : {}) },
      },
      leftAt,
    )
    if (participant.agentId && participant.role === 'agent') await this.agents.trackChannel(participant.agentId, channel.id, channel.kind, false)
  }

  private async flushAcks(): Promise<void> {
    const dirty = [...this.dirtyAcks]
    this.dirtyAcks.clear()
    if (dirty.length === 0) return
    try {
      await this.db.$transaction(dirty.map((p) => this.db.participant.update({ where: { id: p.id }, data: { ackedSeq: p.ackedSeq } })))
    } catch (error) {
      this.log.warn({ err: error }, 'could not store receipt acks; will retry')
      for (const p of dirty) this.dirtyAcks.add(p)
    }
  }

  private async participantNames(visitorIds: string[], agentIds: string[]): Promise<Map<string, string>> {
    const [visitors, agents] = await Promise.all([
      visitorIds.length ? this.db.visitor.findMany({ where: { id: { in: visitorIds } }, select: { id: true, displayName: true } }) : [],
      agentIds.length ? this.db.agent.findMany({ where: { id: { in: agentIds } }, select: { id: true, displayName: true } }) : [],
    ])
    const names = new Map<string, string>()
    for (const v of visitors) names.set(v.id, v.displayName ?? VISITOR_DEFAULT_NAME)
    for (const a of agents) names.set(a.id, a.displayName)
    return names
  }
}

function participantView(p: ParticipantRuntime): ParticipantView {
  return { id: p.id, role: p.role, name: p.name, joinedAt: p.joinedAt.toISOString(), leftAt: p.leftAt?.toISOString() ?? null, ackedSeq: p.ackedSeq, avatarUrl: p.avatarUrl, silent: p.silent }
}
