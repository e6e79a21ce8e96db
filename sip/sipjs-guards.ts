/**
 * Runtime guards for two sip.js 0.21.2 defects that matter on a server. Installed once per
 * process by the bridge (idempotent); each one is a small wrapper, not a fork.
 *
 * 1. ACK-timeout crash. When an inbound call's 2xx is never ACKed, sip.js calls
 *    `Invitation.onAckTimeout()` from a transaction timer, which BYEs and moves the session to
 *    Terminated. If the session already ended (the caller sent BYE before the late or lost ACK,
 *    seen at ~100 calls/s) that transition throws "Invalid state transition from Terminated to
 *    Terminated" from a timer: an uncaught exception that kills the process.
 * 2. Branch collisions. Client transaction ids are "z9hG4bK" + Math.random() * 1e7: with a
 *    thousand transactions in flight the chance that two share a branch is about 5%, and a
 *    collision mixes up their responses (and our retransmission bookkeeping). We use 64 random
 *    bits instead. CANCEL must keep its INVITE's branch and still does.
 */
import { randomBytes } from 'node:crypto'
import type { Logger } from 'pino'
import { Core, Invitation, SessionState } from 'sip.js'

const INSTALLED = Symbol.for('parley.sipjs-guards')

type Guarded = { [INSTALLED]?: true }
type AckTimeout = (this: Invitation) => void

let log: Pick<Logger, 'warn'> | undefined

/** Install the guards (safe to call many times). `logger` receives what the guards swallow. */
export function installSipjsGuards(logger?: Pick<Logger, 'warn'>): void {
  if (logger) log = logger
  const proto = Invitation.prototype as unknown as { onAckTimeout: AckTimeout } & Guarded
  if (proto[INSTALLED]) return
  proto[INSTALLED] = true

  const onAckTimeout = proto.onAckTimeout
  proto.onAckTimeout = function guardedOnAckTimeout(this: Invitation): void {
    if (this.state === SessionState.Terminated) return
    try {
      onAckTimeout.call(this)
    } catch (error) {
      log?.warn({ err: error, session: this.id }, 'sip: swallowed an error in Invitation.onAckTimeout')
    }
  }

  const transactionClass = Core.ClientTransaction as unknown as { makeId(request: Core.OutgoingRequestMessage): string }
  transactionClass.makeId = function wideBranchId(request: Core.OutgoingRequestMessage): string {
    if (request.method === 'CANCEL') {
      if (!request.branch) throw new Error('Outgoing CANCEL request without a branch.')
      return request.branch
    }
    return `z9hG4bK${randomBytes(8).toString('hex')}`
  }
}

/** True once installSipjsGuards() ran (tests). */
export function sipjsGuardsInstalled(): boolean {
  return (Invitation.prototype as unknown as Guarded)[INSTALLED] === true
}
