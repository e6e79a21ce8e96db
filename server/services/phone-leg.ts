/**
 * One phone leg of a channel's call at run time: the SIP call through a trunk and the plain
 * RTP leg of the call's media room it is bridged to. The SIP layer announces the media leg's
 * port in its SDP and tells the media leg where the phone's RTP goes (RtpIo.setRemote), the
 * media leg carries RFC 4733 digits we send (RtpIo.send) and reports the phone's own digits.
 * State only moves forward (dialing/queued → ringing → answered → ended); `ended` fires once.
 */
import { EventEmitter } from 'node:events'
import type { MediaRoom, PlainAudioLeg } from '../../media/index.js'
import type { Call, CallEnded, DialogSnapshot, RtpIo } from '../../sip/sip-bridge.js'
import type { PhoneEndReason, PhonePurpose } from '../../web/protocol/phone.js'

export type PhoneLegStatus = 'dialing' | 'queued' | 'ringing' | 'answered' | 'ended'

export interface PhoneLegEvents {
  ringing: []
  /** the media room died with its server: move the leg to the call's next room (PhoneService does) */
  'media-lost': []
  /** outbound: the phone answered; inbound: media is up (the caller hears hold audio until an agent takes it) */
  answered: [DialogSnapshot | undefined]
  /** the hold state or the dialog changed (persist the snapshot again) */
  dialog: [DialogSnapshot | undefined]
  dtmf: [string]
  ended: [{ reason: PhoneEndReason; sipStatus?: number; seconds: number }]
}

export interface PhoneLegInit {
  id: string
  tenantId: string
  trunkId: string
  purpose: PhonePurpose
  number: string
  channelId: string | null
  /** the channel call (and media room) id */
  callId: string
  requestId: string | null
  room: MediaRoom
  media: PlainAudioLeg
}

/** The SIP layer's end reason, in the words of the channel log. */
export function phoneEndReason(ended: CallEnded, local: PhoneEndReason | undefined): PhoneEndReason {
  switch (ended.reason) {
    case 'busy':
      return 'busy'
    case 'no-answer':
      return 'no_answer'
    case 'failed':
      return 'failed'
    case 'hangup-remote':
      return 'hangup'
    case 'transferred':
      return 'transferred'
    case 'hangup-local':
    case 'cancelled':
      // without a reason of ours, the trunk itself hung up (it was restarted or removed)
      return local ?? (ended.reason === 'cancelled' ? 'cancelled' : 'call_ended')
  }
}

export class PhoneLeg extends EventEmitter<PhoneLegEvents> {
  readonly id: string
  readonly tenantId: string
  readonly trunkId: string
  readonly purpose: PhonePurpose
  readonly number: string
  readonly callId: string
  channelId: string | null
  requestId: string | null
  status: PhoneLegStatus
  answeredAt: Date | null = null
  /** when the phone started talking to the agent (inbound: the agent took the caller) */
  connectedAt: Date | null = null
  held = false
  private sip: Call | undefined
  private currentRoom: MediaRoom
  private currentMedia: PlainAudioLeg
  /** the room died with its media server: its successor takes the leg, no hang-up */
  private moving = false
  private hangingUp: Promise<void> | undefined
  private localReason: PhoneEndReason | undefined
  private readonly onDtmf = (event: { legId: string; digit: string }) => {
    if (event.legId === this.id && this.status !== 'ended') this.emit('dtmf', event.digit)
  }

  constructor(init: PhoneLegInit) {
    super()
    this.id = init.id
    this.tenantId = init.tenantId
    this.trunkId = init.trunkId
    this.purpose = init.purpose
    this.number = init.number
    this.channelId = init.channelId
    this.callId = init.callId
    this.requestId = init.requestId
    this.currentRoom = init.room
    this.currentMedia = init.media
    this.status = init.purpose === 'inbound' ? 'queued' : 'dialing'
    this.follow(init.room, init.media)
  }

  get room(): MediaRoom {
    return this.currentRoom
  }

  get media(): PlainAudioLeg {
    return this.currentMedia
  }

  /** Bridge into another room of the same call (its predecessor died with its media server). */
  rebind(room: MediaRoom, media: PlainAudioLeg): void {
    this.currentRoom.off('dtmf', this.onDtmf)
    this.currentRoom = room
    this.currentMedia = media
    this.moving = false
    this.follow(room, media)
  }

  private follow(room: MediaRoom, media: PlainAudioLeg): void {
    room.on('dtmf', this.onDtmf)
    room.once('close', ({ reason }) => {
      if (reason === 'worker-died' && this.status === 'answered' && room === this.currentRoom) {
        this.moving = true
        this.emit('media-lost')
      }
    })
    // the leg closed under us (its call ended): the phone cannot hear anyone. NOTE: the room's
    // close (with its reason) comes after its legs' close, hence the turn's delay
    media.once('close', () =>
      setImmediate(() => {
        if (!this.moving && media === this.currentMedia) void this.hangup('call_ended')
      }),
    )
  }

  /** What the SIP layer needs for this leg's media: the media leg's port pair and packet access. */
  rtpEndpoint(): { localIp: string; localPort: number; rtcpPort: number; io: RtpIo } {
    const media = this.media
    const io: RtpIo = {
      send: (packet) => media.sendToPeer(packet),
      // the media leg reports the phone's RFC 4733 digits itself (room 'dtmf')
      subscribe: () => () => undefined,
      setRemote: (remote) => {
        if (!media.closed) void media.connect(remote.ip, remote.port, remote.rtcpPort).catch(() => undefined)
      },
    }
    return { localIp: media.localIp, localPort: media.localPort, rtcpPort: media.localRtcpPort, io }
  }

  /** Follow the SIP call's life. */
  attach(call: Call): void {
    this.sip = call
    call.on('ringing', () => {
      if (this.status !== 'dialing') return
      this.status = 'ringing'
      this.emit('ringing')
    })
    call.on('answered', () => {
      if (this.status === 'ended') return
      this.answeredAt = new Date()
      if (this.purpose !== 'inbound') {
        this.status = 'answered'
        this.connectedAt = this.answeredAt
      }
      this.emit('answered', call.dialogSnapshot())
    })
    call.on('media', () => this.emit('dialog', call.dialogSnapshot()))
    call.on('dtmf', (event) => {
      // RFC 4733 digits come from the media leg; SIP INFO ones only from here
      if (event.via === 'info' && this.status !== 'ended') this.emit('dtmf', event.digit)
    })
    call.once('ended', (ended) => this.finish(phoneEndReason(ended, this.localReason), ended.sipStatus))
  }

  /** An inbound caller was taken by an agent: from now on they talk. */
  connect(channelId: string): void {
    if (this.status === 'ended') return
    this.channelId = channelId
    this.status = 'answered'
    this.connectedAt = new Date()
  }

  get sipCall(): Call | undefined {
    return this.sip
  }

  /** End the leg (BYE, CANCEL or reject as its state needs); resolves when it has ended. */
  hangup(reason: PhoneEndReason): Promise<void> {
    if (this.status === 'ended') return Promise.resolve()
    this.localReason ??= reason
    if (!this.sip || this.sip.state === 'ended') {
      this.finish(this.localReason)
      return Promise.resolve()
    }
    // the room closing and the call ending both hang up: one BYE
    this.hangingUp ??= this.sip.hangup()
    return this.hangingUp
  }

  async hold(hold: boolean): Promise<void> {
    const call = this.requireAnswered()
    if (hold) await call.hold()
    else await call.unhold()
    this.held = hold
    this.emit('dialog', call.dialogSnapshot())
  }

  sendDtmf(digits: string): Promise<{ via: 'rfc4733' | 'info' }> {
    return this.requireAnswered().sendDtmf(digits)
  }

  async transfer(target: string): Promise<{ sipStatus: number }> {
    const call = this.requireAnswered()
    this.localReason ??= 'transferred'
    try {
      return await call.blindTransfer(target)
    } catch (error) {
      if (this.localReason === 'transferred') this.localReason = undefined
      throw error
    }
  }

  private requireAnswered(): Call {
    if (!this.sip || this.status !== 'answered' || this.sip.state !== 'answered') throw new PhoneLegStateError(this.status)
    return this.sip
  }

  private finish(reason: PhoneEndReason, sipStatus?: number): void {
    if (this.status === 'ended') return
    this.status = 'ended'
    this.currentRoom.off('dtmf', this.onDtmf)
    if (!this.currentMedia.closed) this.currentMedia.close()
    // billable from the SIP answer: an inbound caller's minutes run while they wait on hold too
    const seconds = this.answeredAt ? Math.max(0, (Date.now() - this.answeredAt.getTime()) / 1000) : 0
    this.emit('ended', sipStatus === undefined ? { reason, seconds } : { reason, sipStatus, seconds })
    this.removeAllListeners()
  }
}

/** A control (hold, DTMF, transfer) on a leg that is not talking (yet, or any more). */
export class PhoneLegStateError extends Error {
  override name = 'PhoneLegStateError'
  constructor(readonly status: PhoneLegStatus) {
    super(status === 'ended' ? 'the phone call has ended' : 'the phone has not answered yet')
  }
}
