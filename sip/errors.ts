/**
 * Named errors of the SIP layer. Two families:
 * - errors thrown to the server through the SipBridge API (`SipError` subclasses), each with a
 *   stable `code` and the HTTP status the server's central error handler should use;
 * - `SipRejection`: an inbound message we refuse, carrying the SIP status to answer with
 *   (400, 415, 488, ...). Thrown by parsers (SDP, PIDF) and turned into a SIP response at the edge.
 * sip/ does not import server/errors.ts on purpose: the server maps these codes itself.
 */
import type { z } from 'zod'

export type SipErrorCode = 'bad_request' | 'invalid_state' | 'not_found' | 'sip_rejected' | 'timeout' | 'transport'

export class SipError extends Error {
  override name = 'SipError'
  constructor(
    readonly code: SipErrorCode,
    /** HTTP status the server should answer with when this surfaces in an API call */
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

/** Bad input to the bridge API (zod issues listed, offending field named). */
export class SipValidationError extends SipError {
  override name = 'SipValidationError'
  constructor(
    message: string,
    readonly issues: readonly { path: string; message: string }[] = [],
  ) {
    super('bad_request', 400, message)
  }

  static fromZod(what: string, error: z.ZodError): SipValidationError {
    const issues = error.issues.map((issue) => {
      const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys.join(',')] : issue.path
      return { path: path.map(String).join('.') || '(root)', message: issue.message }
    })
    return new SipValidationError(`invalid ${what}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues)
  }
}

/** A method called on a closed bridge/trunk/call, or in a state where it makes no sense (hold before answer). */
export class InvalidStateError extends SipError {
  override name = 'InvalidStateError'
  constructor(message: string) {
    super('invalid_state', 409, message)
  }
}

export class UnknownTrunkError extends SipError {
  override name = 'UnknownTrunkError'
  constructor(readonly trunk: string) {
    super('not_found', 404, `unknown SIP trunk "${trunk}"`)
  }
}

/** The peer answered a request of ours with a failure (REFER rejected, OPTIONS 503, ...). */
export class SipRequestFailedError extends SipError {
  override name = 'SipRequestFailedError'
  constructor(
    readonly method: string,
    readonly sipStatus: number,
    reason = '',
  ) {
    super('sip_rejected', 502, `${method} failed: ${sipStatus}${reason ? ` ${reason}` : ''}`)
  }
}

export class SipTimeoutError extends SipError {
  override name = 'SipTimeoutError'
  constructor(what: string) {
    super('timeout', 504, `${what} timed out`)
  }
}

export class SipTransportError extends SipError {
  override name = 'SipTransportError'
  constructor(message: string, options?: { cause?: unknown }) {
    super('transport', 503, message)
    if (options?.cause !== undefined) this.cause = options.cause
  }
}

/** An inbound message we refuse; `sipStatus` is what the peer gets back. */
export class SipRejection extends Error {
  override name = 'SipRejection'
  constructor(
    readonly sipStatus: number,
    /** short reason phrase for the status line (no CR/LF) */
    readonly reasonPhrase: string,
    /** extra response headers, e.g. `Accept: application/sdp` for a 415 */
    readonly extraHeaders: readonly string[] = [],
  ) {
    super(`${sipStatus} ${reasonPhrase}`)
  }
}

/** SDP we cannot use: 400 when it does not parse, 488 when it parses but offers nothing we speak. */
export class SdpError extends SipRejection {
  override name = 'SdpError'
}

/** A PIDF document that is not well-formed or not PIDF (always answered 400). */
export class PidfError extends SipRejection {
  override name = 'PidfError'
  constructor(detail: string) {
    super(400, `Bad PIDF: ${detail}`.replace(/[\r\n]/g, ' ').slice(0, 120))
  }
}
