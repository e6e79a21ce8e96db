/**
 * Chat in a channel: sequenced, idempotent messages; live typing previews (text only to
 * agents); receipt acks. Each burst of typing is archived as one `typing.burst` event.
 */
import type { SendResult } from '../../web/protocol/events.js'
import type { Logger } from '../log.js'
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
  async send(member: Member, tenantId: string, input: { channelId: string; clientMsgId: string; text: string }, socketId?: string): Promise<SendResult> {
    const { participant } = this.channels.requireOpenMember(input.channelId, member, tenantId)
    this.endBurst(participant.id, true)
    const { event, duplicate } = await this.events.append({
      channelId: input.channelId,
      type: 'chat.message',
      author: { role: participant.role, participantId: participant.id, name: participant.name },
      clientMsgId: input.clientMsgId,
      payload: { text: input.text },
    }, new Date(), socketId)
    return { seq: event.seq, at: event.at, duplicate, event }
  }

  typing(member: Member, tenantId: string, input: { channelId: string; text: string }, socketId?: string): void {
    const { channel, participant } = this.channels.requireOpenMember(input.channelId, member, tenantId)
    this.notifier.typing({ channelId: channel.id, participantId: participant.id, role: participant.role, name: participant.name, text: input.text }, socketId)
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
