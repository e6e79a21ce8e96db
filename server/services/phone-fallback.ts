/**
 * Automatic fallback to the phone: when the visitor's WebRTC media fails (ICE, DTLS, no
 * packets) or their last socket goes away during an active call, wait a short grace period
 * (networks blink, pages reload) and, unless they are back, have the phone service call the
 * number they gave for it, into the same call with the same agent.
 */
import type { MediaFailedEvent } from '../../media/index.js'
import type { Logger } from '../log.js'
import type { Member } from './notifier.js'
import type { PhoneDeps, PhoneService } from './phone-service.js'

interface Pending {
  timer: NodeJS.Timeout
  participantId: string
  cause: 'media' | 'disconnect'
  /** packets the visitor's browser had sent into the call when it failed */
  packetsAtFailure: number
}

/** A visitor whose browser sends more than this during the grace period has recovered. */
const RECOVERED_PACKETS = 20

export class PhoneFallback {
  private readonly pending = new Map<string, Pending>()
  private closed = false

  constructor(
    private readonly phone: Pick<PhoneService, 'callOnFailure' | 'legOfCall'>,
    private readonly deps: PhoneDeps,
    private readonly graceMs: number,
    private readonly log: Logger,
  ) {}

  /** A participant's media failed in some room (a room is a call). */
  mediaFailed(event: MediaFailedEvent): void {
    // a dead media worker is the server's problem: the browsers re-join a new room by themselves
    if (event.reason === 'worker-died') return
    const call = this.deps.calls.liveCalls().find((live) => live.id === event.roomId)
    const participant = call && this.deps.channels.participant(call.channelId, event.participantId)
    if (!call || participant?.role !== 'visitor') return
    void this.schedule(call.channelId, participant.id, 'media')
  }

  /** A member's first socket came, or their last one went. */
  presenceChanged(member: Member, tenantId: string, connected: boolean): void {
    if (member.kind !== 'visitor') return
    for (const channel of this.deps.channels.channelsOf(member, tenantId)) {
      const pending = this.pending.get(channel.id)
      if (connected) {
        if (pending?.cause === 'disconnect') this.cancel(channel.id)
        continue
      }
      const call = this.deps.calls.callOf(channel.id)
      if (call?.status !== 'active' || this.phone.legOfCall(call.id)) continue
      const participant = [...channel.participants.values()].find((p) => p.visitorId === member.visitorId && !p.leftAt)
      if (participant) void this.schedule(channel.id, participant.id, 'disconnect')
    }
  }

  close(): void {
    this.closed = true
    for (const channelId of [...this.pending.keys()]) this.cancel(channelId)
  }

  private async schedule(channelId: string, participantId: string, cause: Pending['cause']): Promise<void> {
    if (this.closed || this.pending.has(channelId)) return
    const call = this.deps.calls.callOf(channelId)
    if (!call || this.phone.legOfCall(call.id)) return
    // the browser was not in the call's media (yet): nothing to fall back from
    const room = await this.deps.media.roomOf(call.id)
    if (!room || room.closed || !room.participantIds().includes(participantId)) return
    if (this.pending.has(channelId)) return
    const entry: Pending = { participantId, cause, packetsAtFailure: await this.packetsFrom(call.id, participantId), timer: setTimeout(() => void this.fire(channelId), this.graceMs) }
    entry.timer.unref()
    this.pending.set(channelId, entry)
    this.log.info({ channelId, cause, graceMs: this.graceMs }, 'visitor call trouble: the phone takes over unless they are back soon')
  }

  private cancel(channelId: string): void {
    const pending = this.pending.get(channelId)
    if (!pending) return
    clearTimeout(pending.timer)
    this.pending.delete(channelId)
  }

  private async fire(channelId: string): Promise<void> {
    const pending = this.pending.get(channelId)
    this.pending.delete(channelId)
    if (!pending || this.closed) return
    const { calls, channels } = this.deps
    const call = calls.callOf(channelId)
    const visitor = channels.participant(channelId, pending.participantId)
    if (!call || !visitor?.visitorId) return
    // the page came back meanwhile (a reload, a network blink)
    if (pending.cause === 'disconnect' && this.deps.presence.isConnected({ kind: 'visitor', visitorId: visitor.visitorId })) return
    if (pending.cause === 'media') {
      // grown since the failure, or (a re-join restarts the counters) flowing again since the re-join
      const now = await this.packetsFrom(call.id, visitor.id)
      if (now > RECOVERED_PACKETS && (now < pending.packetsAtFailure || now > pending.packetsAtFailure + RECOVERED_PACKETS)) return
    }
    try {
      await this.phone.callOnFailure(channelId, visitor, pending.cause)
    } catch (error) {
      this.log.warn({ err: error, channelId }, 'could not call the visitor on the phone')
    }
  }

  /** RTP packets the participant's browser sent into the call so far (0 when it is not in it). */
  private async packetsFrom(callId: string, participantId: string): Promise<number> {
    const stats = await this.deps.media.stats(callId).catch(() => null)
    return stats?.participants.find((p) => p.participantId === participantId)?.in.packets ?? 0
  }
}
