/**
 * A sip.js SessionDescriptionHandler for plain RTP: instead of a browser's WebRTC stack it
 * offers/answers PCMU + RFC 4733 telephone-event for an RTP address/port somebody else owns
 * (in the product a mediasoup PlainTransport's, in tests a RtpSocket's).
 *
 * - Offer/answer roles follow sip.js's call order: getDescription() before setDescription()
 *   is an offer of ours; setDescription() first is the peer's offer that the next
 *   getDescription() answers. rollbackDescription() undoes a rejected re-INVITE's offer.
 * - Hold is the `hold` SDH option (sip.js passes it on re-INVITEs, ours and the peer's):
 *   sendonly, or inactive when the peer already holds us (RFC 6337); unhold offers sendrecv.
 * - The peer's RTP address is reported as a 'remote' event and to the RtpIo (and the media
 *   plane should latch to the source address it actually hears, since NATed trunks lie).
 * - DTMF: sendDtmf() sends RFC 4733 events through the RtpIo when the peer negotiated
 *   telephone-event (else it returns false and the caller uses SIP INFO); received events
 *   become 'dtmf' events.
 */
import { EventEmitter } from 'node:events'
import { randomInt } from 'node:crypto'
import type { BodyAndContentType, SessionDescriptionHandler, SessionDescriptionHandlerOptions } from 'sip.js'
import { InvalidStateError } from './errors.js'
import { DtmfReceiver, DtmfSender, type DtmfSendOptions } from './rfc4733.js'
import type { RemoteRtp, RtpIo } from './rtp-io.js'
import { answerDirection, buildAnswer, buildOffer, chooseAudio, holdDirection, parseSdp, type AudioChoice, type Direction, type SessionDescription } from './sdp.js'

export interface PlainRtpSdhConfig {
  /** address announced in c= (the PlainTransport's announced IP) */
  localIp: string
  localPort: number
  /** when not localPort + 1 */
  rtcpPort?: number
  /** packet access for RFC 4733; optional */
  io?: RtpIo
  /** telephone-event payload type we offer (default 101) */
  dtmfPayloadType?: number
}

/** sip.js passes these through `sessionDescriptionHandlerOptions(ReInvite)`. */
export interface PlainRtpSdhOptions extends SessionDescriptionHandlerOptions {
  hold?: boolean
}

export interface PlainRtpSdhEvents {
  /** the peer's RTP address/direction, after every description of theirs we accept */
  remote: [RemoteRtp]
  /** a digit the peer sent as RFC 4733 event */
  dtmf: [string]
}

interface NegotiationState {
  local: Direction
  remote: AudioChoice | undefined
  /** we sent an offer and wait for the answer */
  offerOutstanding: boolean
  /** the peer's offer waiting for our answer */
  pendingOffer: { description: SessionDescription; choice: AudioChoice } | undefined
}

export class PlainRtpSdh extends EventEmitter<PlainRtpSdhEvents> implements SessionDescriptionHandler {
  private readonly sessionId = String(randomInt(1, 2 ** 47))
  private version = 0
  private state: NegotiationState = { local: 'sendrecv', remote: undefined, offerOutstanding: false, pendingOffer: undefined }
  /** state before the last offer (ours or theirs), for rollbackDescription() */
  private saved: NegotiationState | undefined
  private closed = false
  private readonly receiver: DtmfReceiver
  private sender: DtmfSender | undefined
  private unsubscribe: (() => void) | undefined
  private readonly offeredDtmfPt: number

  constructor(private config: PlainRtpSdhConfig) {
    super()
    this.offeredDtmfPt = config.dtmfPayloadType ?? 101
    this.receiver = new DtmfReceiver((digit) => this.emit('dtmf', digit))
    this.wire(config.io)
  }

  private wire(io: RtpIo | undefined): void {
    this.sender = io ? new DtmfSender((packet) => io.send(packet)) : undefined
    this.unsubscribe = io?.subscribe((packet) => this.receiver.push(packet, this.dtmfPayloadTypes()))
  }

  /**
   * Move our side to another RTP endpoint (the media plane behind it was replaced, e.g. its
   * server died); the next offer announces it. The new endpoint learns the peer's address now.
   */
  rebind(config: PlainRtpSdhConfig): void {
    if (this.closed) throw new InvalidStateError('session description handler closed')
    this.unsubscribe?.()
    this.sender?.close()
    this.config = { ...config, dtmfPayloadType: this.offeredDtmfPt }
    this.wire(config.io)
    if (this.state.remote) config.io?.setRemote?.(toRemote(this.state.remote))
  }

  /** The peer's RTP address, once known. */
  get remote(): RemoteRtp | undefined {
    return this.state.remote ? toRemote(this.state.remote) : undefined
  }

  /** Our current direction (sendonly/inactive while we hold). */
  get localDirection(): Direction {
    return this.state.local
  }

  /** True when digits can go as RFC 4733 events (packet access + negotiated telephone-event). */
  get canSendRfc4733(): boolean {
    return !this.closed && this.sender !== undefined && this.state.remote?.dtmfPayloadType !== undefined
  }

  private dtmfPayloadTypes(): ReadonlySet<number> {
    const types = new Set([this.offeredDtmfPt])
    if (this.state.remote?.dtmfPayloadType !== undefined) types.add(this.state.remote.dtmfPayloadType)
    return types
  }

  async getDescription(options?: PlainRtpSdhOptions): Promise<BodyAndContentType> {
    if (this.closed) throw new InvalidStateError('session description handler closed')
    const hold = options?.hold === true
    const pending = this.state.pendingOffer
    if (pending) {
      const local = answerDirection(pending.choice.direction, hold ? 'sendonly' : 'sendrecv')
      const body = buildAnswer(pending.description, pending.choice, this.localAudio(local, pending.choice.dtmfPayloadType))
      this.state = { ...this.state, local, pendingOffer: undefined }
      this.applyRemote(pending.choice)
      return { body, contentType: 'application/sdp' }
    }
    this.saved = { ...this.state }
    const local = hold ? holdDirection(this.state.local) : 'sendrecv'
    this.state = { ...this.state, local, offerOutstanding: true }
    return { body: buildOffer(this.localAudio(local, this.offeredDtmfPt)), contentType: 'application/sdp' }
  }

  async setDescription(sdp: string): Promise<void> {
    if (this.closed) throw new InvalidStateError('session description handler closed')
    const description = parseSdp(sdp)
    const choice = chooseAudio(description) // SdpError 400/488 when unusable
    if (this.state.offerOutstanding) {
      this.state = { ...this.state, offerOutstanding: false }
      this.applyRemote(choice)
      return
    }
    this.saved = { ...this.state }
    this.state = { ...this.state, pendingOffer: { description, choice } }
  }

  async rollbackDescription(): Promise<void> {
    if (this.saved) this.state = this.saved
    this.saved = undefined
  }

  hasDescription(contentType: string): boolean {
    return contentType.trim().toLowerCase().startsWith('application/sdp')
  }

  /** sip.js's DTMF entry point: true when the digits are on their way as RFC 4733 events. */
  sendDtmf(tones: string, options?: unknown): boolean {
    const sending = this.sendRfc4733(tones, (options ?? {}) as Partial<DtmfSendOptions>)
    if (!sending) return false
    sending.catch(() => undefined)
    return true
  }

  /** Send digits as RFC 4733 events; undefined when that is not possible (use INFO). */
  sendRfc4733(digits: string, options: Partial<DtmfSendOptions> = {}): Promise<void> | undefined {
    const payloadType = this.state.remote?.dtmfPayloadType
    if (!this.canSendRfc4733 || payloadType === undefined || !this.sender) return undefined
    return this.sender.send(digits, { ...options, payloadType })
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.unsubscribe?.()
    this.receiver.close()
    this.sender?.close()
    this.removeAllListeners()
  }

  private localAudio(direction: Direction, dtmfPayloadType: number | undefined) {
    return {
      ip: this.config.localIp,
      port: this.config.localPort,
      rtcpPort: this.config.rtcpPort,
      direction,
      dtmfPayloadType,
      sessionId: this.sessionId,
      version: ++this.version,
    }
  }

  private applyRemote(choice: AudioChoice): void {
    this.state = { ...this.state, remote: choice }
    const remote = toRemote(choice)
    this.config.io?.setRemote?.(remote)
    this.emit('remote', remote)
  }
}

function toRemote(choice: AudioChoice): RemoteRtp {
  const remote: RemoteRtp = { ip: choice.ip, port: choice.port, rtcpPort: choice.rtcpPort, direction: choice.direction }
  if (choice.dtmfPayloadType !== undefined) remote.dtmfPayloadType = choice.dtmfPayloadType
  return remote
}
