/**
 * Calls of channels: a participant asks to upgrade the chat to voice or video, another
 * consents, both join the call's media room (one mediasoup router per call), and either
 * hangs up. Every step is a channel event in the ordered log; the Call row is its summary.
 * The media itself (transports, producers, consumers) is signalled by MediaSignaling.
 */
import type { CallView } from '../../web/protocol/views.js'
import type { CallEndReason, ChannelEventAuthor } from '../../web/protocol/channel-event.js'
import { ConflictError, ForbiddenError, InvalidStateError, NotFoundError } from '../errors.js'
import type { Logger } from '../log.js'
import type { Database } from '../store/database.js'
import { newId } from '../store/ids.js'
import type { ChannelService, ParticipantRuntime } from './channel-service.js'
import type { EventLog } from './event-log.js'
import type { Member } from './notifier.js'

export interface LiveCall {
  id: string
  tenantId: string
  channelId: string
  video: boolean
  requestedBy: string
  status: 'ringing' | 'active'
  requestedAt: Date
  startedAt: Date | null
  recording: boolean
}

export class CallService {
  /** the call of each channel that has one (ringing or active) */
  private readonly calls = new Map<string, LiveCall>()
  /** a call became active / ended: the media side creates or closes its room */
  onStarted: (call: LiveCall) => void = () => {}
  onEnded: (call: LiveCall, reason: CallEndReason) => void = () => {}
  /** the id a channel's next call must have, when its media room exists already (phone calls) */
  presetCallId: (channelId: string) => string | undefined = () => undefined

  constructor(
    private readonly db: Database,
    private readonly channels: ChannelService,
    private readonly events: EventLog,
    private readonly available: () => boolean,
    private readonly log: Logger,
  ) {}

  /** After a restart the media of calls in progress is gone: end them, in the log too. */
  async boot(tenantId?: string): Promise<void> {
    const stale = await this.db.call.findMany({ where: { status: { in: ['ringing', 'active'] }, ...(tenantId ? { tenantId } : {}) } })
    for (const row of stale) {
      const endedAt = new Date()
      const seconds = row.startedAt ? Math.round((endedAt.getTime() - row.startedAt.getTime()) / 1000) : 0
      await this.db.call.update({ where: { id: row.id }, data: { status: 'ended', endReason: 'media_failed', endedAt } })
      if (this.channels.isOpen(row.channelId)) {
        await this.events.append({ channelId: row.channelId, type: 'call.ended', author: { role: 'system' }, payload: { callId: row.id, reason: 'media_failed', seconds } }, endedAt)
      }
      this.log.warn({ callId: row.id, channelId: row.channelId }, 'ended a call left over from before a restart')
    }
  }

  callOf(channelId: string): LiveCall | undefined {
    return this.calls.get(channelId)
  }

  liveCalls(): LiveCall[] {
    return [...this.calls.values()]
  }

  view(call: LiveCall): CallView {
    return {
      id: call.id,
      channelId: call.channelId,
      status: call.status,
      video: call.video,
      requestedBy: call.requestedBy,
      requestedAt: call.requestedAt.toISOString(),
      startedAt: call.startedAt?.toISOString() ?? null,
      recording: call.recording,
    }
  }

  viewOf(channelId: string): CallView | null {
    const call = this.calls.get(channelId)
    return call ? this.view(call) : null
  }

  async request(member: Member, tenantId: string, input: { channelId: string; video: boolean }): Promise<CallView> {
    const { channel, participant } = this.channels.requireOpenMember(input.channelId, member, tenantId)
    if (!this.available()) throw new InvalidStateError('calls are not available on this server right now; keep chatting')
    if (participant.role === 'supervisor') throw new ForbiddenError('supervisors cannot start calls')
    if (this.calls.has(channel.id)) throw new ConflictError('this conversation already has a call')
    const call: LiveCall = { id: newId('ca'), tenantId, channelId: channel.id, video: input.video, requestedBy: participant.id, status: 'ringing', requestedAt: new Date(), startedAt: null, recording: false }
    this.calls.set(channel.id, call)
    try {
      await this.db.call.create({ data: { id: call.id, tenantId, channelId: channel.id, video: call.video, requestedBy: participant.id, status: 'ringing', requestedAt: call.requestedAt } })
      await this.events.append({ channelId: channel.id, type: 'call.requested', author: authorOf(participant), payload: { callId: call.id, video: call.video } }, call.requestedAt)
    } catch (error) {
      this.calls.delete(channel.id)
      throw error
    }
    return this.view(call)
  }

  /**
   * A request that asked for a voice call was accepted: the visitor's click was the ask and
   * the agent's accept the consent, so the call starts at once (logged as both steps).
   */
  async startRequested(channelId: string, askedBy: 'visitor' | 'agent' = 'visitor'): Promise<CallView | null> {
    const participants = this.channels.participantsOf(channelId)
    const visitor = participants.find((p) => p.role === 'visitor' && !p.leftAt)
    const agent = participants.find((p) => p.role === 'agent' && !p.leftAt)
    const tenantId = this.channels.tenantOf(channelId)
    if (!visitor || !agent || !tenantId || this.calls.has(channelId)) return null
    if (!this.available()) {
      this.log.warn({ channelId }, 'a call request was accepted while calls are unavailable: it goes on as a chat')
      return null
    }
    const now = new Date()
    const [asker, answerer] = askedBy === 'agent' ? [agent, visitor] : [visitor, agent]
    const call: LiveCall = { id: this.presetCallId(channelId) ?? newId('ca'), tenantId, channelId, video: false, requestedBy: asker.id, status: 'active', requestedAt: now, startedAt: now, recording: false }
    this.calls.set(channelId, call)
    await this.db.call.create({ data: { id: call.id, tenantId: call.tenantId, channelId, video: false, requestedBy: asker.id, status: 'active', requestedAt: now, startedAt: now } })
    await this.events.append({ channelId, type: 'call.requested', author: authorOf(asker), payload: { callId: call.id, video: false } }, now)
    await this.events.append({ channelId, type: 'call.started', author: authorOf(answerer), payload: { callId: call.id, video: false } }, now)
    this.onStarted(call)
    return this.view(call)
  }

  /** The other side consents (or not). */
  async answer(member: Member, tenantId: string, input: { channelId: string; callId: string; accept: boolean }): Promise<CallView> {
    const { participant } = this.channels.requireOpenMember(input.channelId, member, tenantId)
    const call = this.requireCall(input.channelId, input.callId)
    if (call.status !== 'ringing') throw new InvalidStateError('this call was already answered')
    if (call.requestedBy === participant.id) throw new InvalidStateError('the other side answers your call; you can cancel it')
    if (participant.role === 'supervisor') throw new ForbiddenError('supervisors cannot answer calls')
    if (!input.accept) {
      await this.end(call, 'declined', authorOf(participant))
      return { ...this.view(call), status: 'ended' }
    }
    call.status = 'active'
    call.startedAt = new Date()
    await this.db.call.update({ where: { id: call.id }, data: { status: 'active', startedAt: call.startedAt } })
    await this.events.append({ channelId: call.channelId, type: 'call.started', author: authorOf(participant), payload: { callId: call.id, video: call.video } }, call.startedAt)
    this.onStarted(call)
    return this.view(call)
  }

  /** Hang up an active call, or cancel a ringing one. */
  async hangup(member: Member, tenantId: string, input: { channelId: string; callId: string }): Promise<CallView> {
    const { participant } = this.channels.requireOpenMember(input.channelId, member, tenantId)
    const call = this.requireCall(input.channelId, input.callId)
    const reason: CallEndReason = call.status === 'active' ? 'hangup' : call.requestedBy === participant.id ? 'cancelled' : 'declined'
    await this.end(call, reason, authorOf(participant))
    return { ...this.view(call), status: 'ended' }
  }

  /** The active call of a channel, for its media. */
  requireActive(channelId: string, callId: string): LiveCall {
    const call = this.requireCall(channelId, callId)
    if (call.status !== 'active') throw new InvalidStateError('this call has not been answered yet')
    return call
  }

  /** End a channel's call (the channel ended, or its media could not be recovered). */
  async endFor(channelId: string, reason: CallEndReason): Promise<void> {
    const call = this.calls.get(channelId)
    if (call) await this.end(call, reason, { role: 'system' })
  }

  private requireCall(channelId: string, callId: string): LiveCall {
    const call = this.calls.get(channelId)
    if (!call || call.id !== callId) throw new NotFoundError('no such call in this conversation (it may have ended)')
    return call
  }

  private async end(call: LiveCall, reason: CallEndReason, author: ChannelEventAuthor): Promise<void> {
    if (this.calls.get(call.channelId) !== call) return
    this.calls.delete(call.channelId)
    const endedAt = new Date()
    const seconds = call.startedAt ? Math.round((endedAt.getTime() - call.startedAt.getTime()) / 1000) : 0
    if (call.status === 'active') this.onEnded(call, reason)
    await this.db.call.update({ where: { id: call.id }, data: { status: 'ended', endReason: reason, endedAt } })
    if (!this.channels.isOpen(call.channelId)) return
    // A declined call never started: its one event says so.
    if (reason === 'declined' && call.status === 'ringing') {
      await this.events.append({ channelId: call.channelId, type: 'call.declined', author, payload: { callId: call.id } }, endedAt)
    } else {
      await this.events.append({ channelId: call.channelId, type: 'call.ended', author, payload: { callId: call.id, reason, seconds } }, endedAt)
    }
  }
}

function authorOf(participant: ParticipantRuntime): ChannelEventAuthor {
  return { role: participant.role, participantId: participant.id, name: participant.name }
}
