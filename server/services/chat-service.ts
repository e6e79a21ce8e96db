/**
 * Chat in a channel: sequenced, idempotent messages; whispers among staff; private sidebar
 * messages between two participants; live typing previews (text only to agents); receipt
 * acks. Each burst of typing is archived as one `typing.burst` event.
 */
import type { SendResult } from '../../web/protocol/events.js'
import { isStaff } from '../domain/event-audience.js'
import { ForbiddenError, InvalidStateError, ValidationError } from '../errors.js'
import type { Logger } from '../log.js'
import type { EventDraft } from './event-log.js'
import type { ChannelService, OpenChannel, ParticipantRuntime } from './channel-service.js'
import type { EventLog } from './event-log.js'
import type { Member, Notifier } from './notifier.js'

/** A burst ends after this long without a keystroke. */
const BURST_IDLE_MS = 4_000

interface TypingBurst {
  channelId: string
  participant: ParticipantRuntime
  startedAt: Date
  lastAt: Date
  chars: number
  timer: ReturnType<typeof setTimeout>
}

export class ChatService {
  private readonly bursts = new Map<string, TypingBurst>()

  constructor(
    private readonly channels: ChannelService,
    private readonly events: EventLog,
    private readonly notifier: Notifier,
    private readonly log: Logger,
  ) {}

  /** Append a message; `socketId` (the sender's) gets the event in the result, not the fan-out. */
  async send(
    member: Member,
    tenantId: string,
    input: { channelId: string; clientMsgId: string; text: string; whisper?: boolean; to?: string | null },
    socketId?: string,
  ): Promise<SendResult> {
    const { channel, participant } = this.channels.requireOpenMember(input.channelId, member, tenantId)
    const author = { role: participant.role, participantId: participant.id, name: participant.name }
    const base = { channelId: input.channelId, author, clientMsgId: input.clientMsgId }
    let draft: EventDraft
    if (input.whisper) {
      if (!isStaff(participant.role)) throw new ForbiddenError('whispers are for agents and supervisors')
      draft = { ...base, type: 'whisper.message', payload: { text: input.text } }
    } else if (input.to) {
      const to = channel.participants.get(input.to)
      if (!to || to.leftAt) throw new InvalidStateError('that participant is not in this conversation')
      if (to.id === participant.id) throw new ValidationError('a private message needs someone else to go to')
      if (to.silent || participant.silent) throw new ForbiddenError('a monitoring supervisor takes no private messages: whisper instead')
      draft = { ...base, type: 'sidebar.message', payload: { text: input.text, toParticipantId: to.id } }
    } else {
      if (participant.silent) throw new ForbiddenError('you are monitoring: whisper to the agent, or barge in to talk to everyone')
      this.endBurst(participant.id, true)
      draft = { ...base, type: 'chat.message', payload: { text: input.text } }
    }
    const { event, duplicate } = await this.events.append(draft, new Date(), socketId)
    return { seq: event.seq, at: event.at, duplicate, event }
  }

  typing(member: Member, tenantId: string, input: { channelId: string; text: string }, socketId?: string): void {
    const { channel, participant } = this.channels.requireOpenMember(input.channelId, member, tenantId)
    this.notifier.typing({ channelId: channel.id, participantId: participant.id, role: participant.role, name: participant.name, text: input.text }, socketId, participant.silent)
    if (input.text.length === 0) this.endBurst(participant.id, false)
    else this.trackBurst(channel, participant, input.text.length)
  }

  ack(member: Member, tenantId: string, input: { channelId: string; seq: number }): void {
    const { channel, participant } = this.channels.requireOpenMember(input.channelId, member, tenantId)
    this.channels.recordAck(channel, participant, input.seq)
  }

  /** Archive the bursts still open (shutdown). */
  close(): void {
    for (const participantId of [...this.bursts.keys()]) this.endBurst(participantId, false)
  }

  private trackBurst(channel: OpenChannel, participant: ParticipantRuntime, chars: number): void {
    const now = new Date()
    const burst = this.bursts.get(participant.id)
    if (burst) {
      clearTimeout(burst.timer)
      burst.lastAt = now
      burst.chars = chars
      burst.timer = this.idleTimer(participant.id)
      return
    }
    this.bursts.set(participant.id, { channelId: channel.id, participant, startedAt: now, lastAt: now, chars, timer: this.idleTimer(participant.id) })
  }

  private idleTimer(participantId: string): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => this.endBurst(participantId, false), BURST_IDLE_MS)
    timer.unref()
    return timer
  }

  private endBurst(participantId: string, sent: boolean): void {
    const burst = this.bursts.get(participantId)
    if (!burst) return
    clearTimeout(burst.timer)
    this.bursts.delete(participantId)
    if (!this.channels.get(burst.channelId)) return
    this.events
      .append({
        channelId: burst.channelId,
        type: 'typing.burst',
        author: { role: burst.participant.role, participantId, name: burst.participant.name },
        payload: { startedAt: burst.startedAt.toISOString(), endedAt: burst.lastAt.toISOString(), chars: burst.chars, sent },
      })
      .catch((error: unknown) => this.log.warn({ err: error }, 'could not archive a typing burst'))
  }
}
