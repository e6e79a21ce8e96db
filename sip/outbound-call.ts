/**
 * A call we place through the trunk (phone callback, fallback to the phone): INVITE with our
 * SDP offer, digest auth handled by sip.js (401/407, qop=auth), a ring timeout that CANCELs,
 * and the final response mapped to an end reason (486 → busy, 487/480/408 → no-answer, ...).
 */
import type { Core, Inviter } from 'sip.js'
import { Call, reasonForStatus, type CallContext } from './call.js'
import type { RemoteRtp } from './rtp-io.js'
import { acceptableAudio } from './sdp.js'

export interface OutboundCallParams {
  from: string
  to: string
  ringTimeoutSec: number
}

/** Early media from a 183 (the network's ringback), when its SDP is usable. */
function earlyMediaOf(message: Core.IncomingResponseMessage): RemoteRtp | undefined {
  const type = (message.getHeader('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
  if (!message.body || type !== 'application/sdp') return undefined
  try {
    const audio = acceptableAudio(message.body)
    const remote: RemoteRtp = { ip: audio.ip, port: audio.port, rtcpPort: audio.rtcpPort, direction: audio.direction }
    if (audio.dtmfPayloadType !== undefined) remote.dtmfPayloadType = audio.dtmfPayloadType
    return remote
  } catch {
    return undefined
  }
}

export class OutboundCall extends Call {
  readonly direction = 'outbound' as const
  readonly from: string
  readonly to: string
  private ringTimer: NodeJS.Timeout | undefined

  constructor(
    private readonly inviter: Inviter,
    params: OutboundCallParams,
    context: CallContext,
  ) {
    super(inviter, inviter.request.callId, context)
    this.from = params.from
    this.to = params.to
    this.ringTimer = setTimeout(() => this.ringTimeout(), params.ringTimeoutSec * 1000)
    this.ringTimer.unref()
  }

  /** Send the INVITE (called once by the trunk after wiring the media handler). */
  start(): void {
    this.inviter
      .invite({
        requestDelegate: {
          onProgress: (response) => {
            const status = response.message.statusCode ?? 0
            if (status > 100) this.setRinging(status, earlyMediaOf(response.message))
          },
          onReject: (response) => this.recordFailure(response.message),
          onRedirect: (response) => {
            // we do not chase redirects to arbitrary places on a trunk
            this.endStatus = response.message.statusCode
            this.endReason ??= 'failed'
          },
        },
      })
      .catch((error: unknown) => {
        this.context.log.warn({ err: error, call: this.id }, 'sip: INVITE could not be sent')
        this.endReason ??= 'failed'
        this.finish('failed')
      })
  }

  private recordFailure(message: Core.IncomingResponseMessage): void {
    const status = message.statusCode ?? 0
    this.endStatus = status
    // sip.js reports its own transaction timeout as a 408 without headers: a dead trunk, not an unanswered phone
    const internal = !message.hasHeader('via')
    this.endReason ??= internal ? 'failed' : reasonForStatus(status)
  }

  private ringTimeout(): void {
    this.ringTimer = undefined
    if (this._state !== 'new' && this._state !== 'ringing') return
    this.endReason ??= 'no-answer'
    void this.settle(this.cancel())
  }

  protected abandon(): Promise<void> {
    this.endReason ??= 'cancelled'
    return this.cancel()
  }

  /** CANCEL (sip.js holds it until a provisional response arrives, RFC 3261 9.1). */
  private cancel(): Promise<void> {
    this.clearRingTimer()
    return this.inviter.cancel().then(
      () => this.whenEnded().then(() => undefined),
      () => undefined,
    )
  }

  protected override onEstablished(): void {
    this.clearRingTimer()
    super.onEstablished()
  }

  protected override finish(fallback?: Parameters<Call['finish']>[0]): void {
    this.clearRingTimer()
    super.finish(fallback)
  }

  private clearRingTimer(): void {
    if (this.ringTimer) clearTimeout(this.ringTimer)
    this.ringTimer = undefined
  }
}
