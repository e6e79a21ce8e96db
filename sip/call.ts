/**
 * One phone call through a trunk, as the server sees it: a small state machine over a sip.js
 * Session with typed events and the mid-call controls (hang up, hold, DTMF, blind transfer).
 * OutboundCall and IncomingCall add how a call starts; everything after the answer is here.
 *
 * State only moves forward: new → ringing → answered → ended (ringing and answered may be
 * skipped). `ended` fires exactly once with a closed-union reason.
 */
import { EventEmitter } from 'node:events'
import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import { Grammar, RequestPendingError, SessionState, type Bye, type Info, type Notification, type Referral, type Session } from 'sip.js'
import { InvalidStateError, SipRequestFailedError, SipTimeoutError, SipValidationError } from './errors.js'
import type { PlainRtpSdh, PlainRtpSdhOptions } from './plain-rtp-sdh.js'
import type { RemoteRtp } from './rtp-io.js'
import { answerSchema, dtmfDigitsSchema, parseInput, transferTargetSchema, type AnswerInput } from './schemas.js'
import type { Direction } from './sdp.js'

export type CallDirection = 'outbound' | 'inbound'
export type CallState = 'new' | 'ringing' | 'answered' | 'ended'
export type CallEndReason = 'busy' | 'no-answer' | 'failed' | 'hangup-local' | 'hangup-remote' | 'cancelled' | 'transferred'

export interface CallEnded {
  reason: CallEndReason
  /** the SIP status behind the end, when there was one (486, 487, 503, ...) */
  sipStatus?: number
}

/**
 * What a BYE needs to end a call's dialog from a fresh process, after a crash lost the
 * sip.js session (persist it while the call is up; Trunk.byeDialog sends it).
 */
export interface DialogSnapshot {
  callId: string
  localTag: string
  remoteTag: string
  localUri: string
  remoteUri: string
  remoteTarget: string
  routeSet: string[]
  /** our last CSeq in the dialog */
  cseq: number
}

export interface CallEvents {
  /** outbound: the callee's phone rings (180/183); inbound: we sent 180/183 */
  ringing: [{ sipStatus: number; earlyMedia?: RemoteRtp }]
  /** media can flow: connect the PlainTransport to `remote` */
  answered: [{ remote: RemoteRtp }]
  /** a re-INVITE changed the peer's RTP address or the hold state */
  media: [{ remote: RemoteRtp; localDirection: Direction }]
  /** a digit from the peer */
  dtmf: [{ digit: string; via: 'rfc4733' | 'info' }]
  ended: [CallEnded]
}

/** How long hangup()/close() wait for the peer to confirm before reporting the end anyway. */
export const HANGUP_GRACE_MS = 4000
const TRANSFER_TIMEOUT_MS = 30_000

export interface CallContext {
  trunkId: string
  /** host used to build sip: URIs for E.164 transfer targets */
  trunkHost: string
  log: Logger
}

/** Map a final failure status of an INVITE to an end reason. */
export function reasonForStatus(status: number): CallEndReason {
  if (status === 486 || status === 600 || status === 603) return 'busy'
  if (status === 408 || status === 480 || status === 487) return 'no-answer'
  return 'failed'
}

export abstract class Call extends EventEmitter<CallEvents> {
  /** our id (not the SIP Call-ID) */
  readonly id = randomUUID()
  abstract readonly direction: CallDirection
  /** E.164 of the calling party (inbound: as the trunk says, which may not be E.164) */
  abstract readonly from: string
  /** E.164 of the called party (inbound: the DID) */
  abstract readonly to: string

  protected _state: CallState = 'new'
  protected sdh: PlainRtpSdh | undefined
  /** set by whoever decides how the call ends, before sip.js reports Terminated */
  protected endReason: CallEndReason | undefined
  protected endStatus: number | undefined
  private endedInfo: CallEnded | undefined
  private readonly endedPromise: Promise<CallEnded>
  private resolveEnded!: (ended: CallEnded) => void
  private holding = false

  protected constructor(
    protected readonly session: Session,
    /** SIP Call-ID (for logs and correlating with the trunk's CDRs) */
    readonly sipCallId: string,
    protected readonly context: CallContext,
  ) {
    super()
    this.endedPromise = new Promise((resolve) => (this.resolveEnded = resolve))
    session.delegate = {
      onBye: (bye) => this.onBye(bye),
      onInfo: (info) => this.onInfo(info),
      onInvite: (_request, _response, statusCode) => this.onReinvite(statusCode),
      onRefer: (referral) => this.onRefer(referral),
    }
    session.stateChange.addListener((state) => {
      if (state === SessionState.Established) this.onEstablished()
      // NOTE: sip.js reports Terminated *before* it calls the request delegate that carries
      // the final response (onReject); finishing a microtask later lets us record its status
      else if (state === SessionState.Terminated) queueMicrotask(() => this.finish())
    })
  }

  get state(): CallState {
    return this._state
  }

  get trunk(): string {
    return this.context.trunkId
  }

  /** The peer's RTP address, once negotiated. */
  get remoteRtp(): RemoteRtp | undefined {
    return this.sdh?.remote
  }

  /** True while we hold the call. */
  get onHold(): boolean {
    return this.holding
  }

  /** The confirmed dialog's identifiers (undefined before the answer and after the end). */
  dialogSnapshot(): DialogSnapshot | undefined {
    // NOTE: typed as core.Session; at run time it is a SessionDialog, which also has these two
    const dialog = this.session.dialog as (Session['dialog'] & { routeSet?: string[]; localSequenceNumber?: number }) | undefined
    if (!dialog || this._state !== 'answered') return undefined
    return {
      callId: dialog.callId,
      localTag: dialog.localTag,
      remoteTag: dialog.remoteTag,
      localUri: dialog.localURI.toString(),
      remoteUri: dialog.remoteURI.toString(),
      remoteTarget: dialog.remoteTarget.toString(),
      routeSet: [...(dialog.routeSet ?? [])],
      cseq: dialog.localSequenceNumber ?? 1,
    }
  }

  /** How the call ended (undefined while it is live). */
  get ended(): CallEnded | undefined {
    return this.endedInfo
  }

  /** Resolves when the call has ended (at once if it has). */
  whenEnded(): Promise<CallEnded> {
    return this.endedPromise
  }

  /** Called by the trunk's SDH factory when sip.js creates this call's media handler. */
  bindSessionDescriptionHandler(sdh: PlainRtpSdh): void {
    this.sdh = sdh
    sdh.on('dtmf', (digit) => this.emit('dtmf', { digit, via: 'rfc4733' }))
    sdh.on('remote', (remote) => {
      if (this._state === 'answered') this.emit('media', { remote, localDirection: sdh.localDirection })
    })
  }

  /** Hang up: BYE when answered, otherwise CANCEL/reject. Idempotent; resolves when the call has ended. */
  async hangup(): Promise<void> {
    if (this._state === 'ended') return
    const confirmed = this._state === 'answered' ? this.sendBye('hangup-local') : this.abandon()
    await this.settle(confirmed)
  }

  /** Lifecycle alias of hangup() (DESIGN: every resource has an idempotent close()). */
  close(): Promise<void> {
    return this.hangup()
  }

  /** Put the peer on hold (re-INVITE with sendonly, or inactive when it holds us). */
  hold(): Promise<void> {
    return this.reinvite(true)
  }

  unhold(): Promise<void> {
    return this.reinvite(false)
  }

  /**
   * Send digits: RFC 4733 events when the peer negotiated telephone-event and we have packet
   * access, else one SIP INFO (application/dtmf-relay) per digit.
   */
  async sendDtmf(digits: string): Promise<{ via: 'rfc4733' | 'info' }> {
    const valid = parseInput('DTMF digits', dtmfDigitsSchema, digits)
    this.assertAnswered('send DTMF')
    const rtp = this.sdh?.sendRfc4733(valid)
    if (rtp) {
      await rtp
      return { via: 'rfc4733' }
    }
    for (const digit of valid.toUpperCase()) {
      this.assertAnswered('send DTMF')
      await new Promise<void>((resolve, reject) => {
        this.session
          .info({
            requestDelegate: {
              onAccept: () => resolve(),
              onReject: (response) => reject(new SipRequestFailedError('INFO', response.message.statusCode ?? 0, response.message.reasonPhrase)),
            },
            requestOptions: { body: { contentDisposition: 'render', contentType: 'application/dtmf-relay', content: `Signal=${digit}\r\nDuration=160\r\n` } },
          })
          .catch(reject)
      })
    }
    return { via: 'info' }
  }

  /**
   * Blind transfer (REFER, RFC 3515): the peer calls `target` and our leg ends with reason
   * 'transferred' once it reports success (NOTIFY sipfrag 2xx). Rejects when the peer refuses
   * the REFER or reports a failed transfer; the call then stays up.
   */
  async blindTransfer(target: string): Promise<{ sipStatus: number }> {
    const valid = parseInput('transfer target', transferTargetSchema, target)
    this.assertAnswered('transfer')
    const uri = Grammar.URIParse(valid.startsWith('+') ? `sip:${valid}@${this.context.trunkHost};user=phone` : valid)
    if (!uri) throw new SipValidationError(`invalid transfer target: ${valid}`, [{ path: '(root)', message: 'not a valid SIP URI' }])
    return new Promise((resolve, reject) => {
      let settled = false
      const done = (outcome: { ok: { sipStatus: number } } | { error: Error }): void => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        if ('ok' in outcome) resolve(outcome.ok)
        else reject(outcome.error)
      }
      const timer = setTimeout(() => done({ error: new SipTimeoutError('transfer (no final NOTIFY)') }), TRANSFER_TIMEOUT_MS)
      timer.unref()
      this.session
        .refer(uri, {
          requestDelegate: {
            onReject: (response) => done({ error: new SipRequestFailedError('REFER', response.message.statusCode ?? 0, response.message.reasonPhrase) }),
          },
          onNotify: (notification: Notification) => {
            void notification.accept()
            const status = Number(/^SIP\/2\.0 (\d{3})/.exec(notification.request.body.trim())?.[1] ?? 0)
            const terminated = /^terminated/i.test(notification.request.getHeader('subscription-state') ?? '')
            if (status >= 200 && status < 300) {
              done({ ok: { sipStatus: status } })
              if (this._state === 'answered') void this.sendBye('transferred')
            } else if (status >= 300) {
              done({ error: new SipRequestFailedError('transfer', status) })
            } else if (terminated) {
              done({ error: new SipRequestFailedError('transfer', status || 500, 'subscription ended without a final status') })
            }
          },
        })
        .catch((error: unknown) => done({ error: error instanceof Error ? error : new Error(String(error)) }))
    })
  }

  /** Not answered yet: CANCEL (outbound) or reject (inbound). Resolves when the peer confirmed. */
  protected abstract abandon(): Promise<void>

  protected onEstablished(): void {
    if (this._state === 'ended') return
    this._state = 'answered'
    const remote = this.sdh?.remote
    if (!remote) {
      // cannot happen with an SDP answer; be safe rather than emit a bogus address
      this.context.log.error({ call: this.id }, 'sip: call established without remote media')
      void this.sendBye('failed')
      return
    }
    this.emit('answered', { remote })
  }

  protected setRinging(sipStatus: number, earlyMedia?: RemoteRtp): void {
    if (this._state !== 'new' && this._state !== 'ringing') return
    const first = this._state === 'new'
    this._state = 'ringing'
    if (first || earlyMedia) this.emit('ringing', earlyMedia ? { sipStatus, earlyMedia } : { sipStatus })
  }

  /** The session is over: report it once. */
  protected finish(fallback: CallEndReason = 'failed'): void {
    if (this._state === 'ended') return
    this._state = 'ended'
    this.sdh?.close()
    const ended: CallEnded = { reason: this.endReason ?? fallback }
    if (this.endStatus !== undefined) ended.sipStatus = this.endStatus
    this.endedInfo = ended
    this.context.log.debug({ call: this.id, ...ended }, 'sip: call ended')
    this.emit('ended', ended)
    this.resolveEnded(ended)
  }

  protected assertAnswered(what: string): void {
    if (this._state !== 'answered') throw new InvalidStateError(`cannot ${what}: call is ${this._state}`)
  }

  /** BYE; resolves when the peer answered it (or could not be reached). */
  protected sendBye(reason: CallEndReason): Promise<void> {
    this.endReason ??= reason
    return new Promise<void>((resolve) => {
      this.session
        .bye({ requestDelegate: { onAccept: () => resolve(), onReject: () => resolve() } })
        .catch(() => resolve())
    })
  }

  /** Wait for the peer's confirmation and the end, bounded; then report the end regardless. */
  protected async settle(confirmed: Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, HANGUP_GRACE_MS)
      timer.unref()
    })
    await Promise.race([Promise.all([confirmed, this.endedPromise]), grace])
    clearTimeout(timer)
    this.finish(this.endReason ?? 'hangup-local')
  }

  /**
   * Move our RTP to another endpoint (its media plane was replaced) and tell the peer with a
   * re-INVITE; the call is not on hold afterwards.
   */
  async moveMedia(input: AnswerInput): Promise<void> {
    const { rtp } = parseInput('media', answerSchema, input)
    this.assertAnswered('move the media')
    if (!this.sdh) throw new InvalidStateError('cannot move the media: none was negotiated')
    this.sdh.rebind({ localIp: rtp.localIp, localPort: rtp.localPort, rtcpPort: rtp.rtcpPort, io: rtp.io })
    await this.reinvite(false, true)
  }

  private async reinvite(hold: boolean, force = false): Promise<void> {
    this.assertAnswered(hold ? 'hold' : 'unhold')
    if (this.holding === hold && !force) return
    const options: PlainRtpSdhOptions = { hold }
    await new Promise<void>((resolve, reject) => {
      this.session
        .invite({
          sessionDescriptionHandlerOptions: options,
          requestDelegate: {
            onAccept: () => resolve(),
            onReject: (response) => reject(new SipRequestFailedError('re-INVITE', response.message.statusCode ?? 0, response.message.reasonPhrase)),
          },
        })
        .catch((error: unknown) => {
          if (error instanceof RequestPendingError) reject(new InvalidStateError('another re-INVITE is in progress'))
          else reject(error instanceof Error ? error : new Error(String(error)))
        })
    })
    this.holding = hold
  }

  private onBye(bye: Bye): void {
    this.endReason ??= 'hangup-remote'
    void bye.accept()
  }

  private onInfo(info: Info): void {
    const type = (info.request.getHeader('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
    const body = info.request.body ?? ''
    let digit: string | undefined
    if (type === 'application/dtmf-relay') digit = /(?:^|\n)\s*Signal\s*=\s*([0-9*#A-Da-d])/.exec(body)?.[1]
    else if (type === 'application/dtmf') digit = /^\s*([0-9*#A-Da-d])\s*$/.exec(body)?.[1]
    void info.accept()
    if (digit) this.emit('dtmf', { digit: digit.toUpperCase(), via: 'info' })
  }

  private onReinvite(statusCode: number): void {
    this.context.log.debug({ call: this.id, statusCode }, 'sip: answered a re-INVITE')
  }

  private onRefer(referral: Referral): void {
    // A trunk asking *us* to place a call elsewhere is not something we act on.
    void referral.reject({ statusCode: 603 })
  }
}
