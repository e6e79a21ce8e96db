/**
 * A call a trunk delivers to one of our DIDs. The gate already checked source, DID and SDP;
 * the server's handler decides: ring() (180), answer({ rtp }) (200 with our SDP answer) or
 * reject(status). Unanswered calls get 480 after the trunk's inboundAnswerTimeoutSec.
 */
import type { Invitation } from 'sip.js'
import { Call, type CallContext } from './call.js'
import { InvalidStateError, SipRequestFailedError } from './errors.js'
import { answerSchema, parseInput, rejectStatusSchema, type AnswerInput, type RtpEndpoint } from './schemas.js'

export interface IncomingCallParams {
  /** the DID that was dialled (E.164, as configured) */
  did: string
  /** caller id as the trunk sent it (P-Asserted-Identity, else From); may be anything */
  caller: string
  callerName?: string
}

/** Caller id as E.164, when it is one (with or without the plus). */
export function callerE164(caller: string): string | undefined {
  const digits = caller.replace(/[\s().-]/g, '')
  const candidate = digits.startsWith('+') ? digits : `+${digits}`
  return /^\+[1-9]\d{7,14}$/.test(candidate) ? candidate : undefined
}

export class IncomingCall extends Call {
  readonly direction = 'inbound' as const
  /** caller id as received */
  readonly from: string
  /** the DID */
  readonly to: string
  readonly callerName: string | undefined
  /** the caller id as E.164 when it is one */
  readonly callerE164: string | undefined
  private answering = false

  constructor(
    private readonly invitation: Invitation,
    params: IncomingCallParams,
    context: CallContext,
    /** wires our RTP endpoint into the session's media handler (before accept) */
    private readonly bindRtp: (rtp: RtpEndpoint) => void,
  ) {
    super(invitation, invitation.request.callId, context)
    this.from = params.caller
    this.to = params.did
    this.callerName = params.callerName
    this.callerE164 = callerE164(params.caller)
    invitation.delegate = {
      ...invitation.delegate,
      onCancel: () => {
        this.endReason ??= 'cancelled'
        this.endStatus ??= 487
      },
    }
  }

  /** The dialled DID (alias of `to`). */
  get did(): string {
    return this.to
  }

  /** Send 180 Ringing. */
  async ring(): Promise<void> {
    if (this._state === 'ringing') return
    this.assertOffered('ring')
    await this.invitation.progress({ statusCode: 180 })
    this.setRinging(180)
  }

  /** Answer with our RTP endpoint; resolves once the 200 OK is sent. */
  async answer(input: AnswerInput): Promise<void> {
    const { rtp } = parseInput('answer', answerSchema, input)
    this.assertOffered('answer')
    this.answering = true
    this.bindRtp(rtp)
    try {
      await this.invitation.accept()
    } catch (error) {
      this.endReason ??= 'failed'
      throw error instanceof Error ? error : new SipRequestFailedError('answer', 500)
    }
    if (this._state === 'ended') throw new InvalidStateError('the caller hung up while we answered')
  }

  /** Refuse the call with a final status (default 486 Busy Here). */
  async reject(status?: number): Promise<void> {
    const code = parseInput('reject status', rejectStatusSchema, status)
    this.assertOffered('reject')
    this.endReason ??= 'hangup-local'
    this.endStatus = code
    await this.invitation.reject({ statusCode: code })
  }

  protected async abandon(): Promise<void> {
    if (this.answering) {
      // 200 is on its way: wait for the dialog, then BYE it
      await Promise.race([this.whenEnded(), new Promise((resolve) => setTimeout(resolve, 1000).unref())])
      if (this._state === 'answered') return this.sendBye('hangup-local')
      return
    }
    await this.reject(480).catch(() => undefined)
  }

  protected override finish(): void {
    // unanswered and nobody decided: sip.js's no-answer timer rejected it with 480
    if (this._state !== 'answered' && this.endReason === undefined) {
      this.endReason = 'no-answer'
      this.endStatus ??= 480
    }
    super.finish('failed')
  }

  private assertOffered(what: string): void {
    if (this._state === 'ended') throw new InvalidStateError(`cannot ${what}: the caller hung up (${this.ended?.reason})`)
    if (this._state === 'answered' || this.answering) throw new InvalidStateError(`cannot ${what}: already answered`)
  }
}
