/** Named errors carrying their HTTP status and socket error code; one place maps them. */
import type { ErrorBody, ErrorCode } from '../web/protocol/events.js'
import type { z } from 'zod'

export class ParleyError extends Error {
  override name = 'ParleyError'
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    message: string,
    readonly issues?: ErrorBody['issues'],
  ) {
    super(message)
  }

  toBody(): ErrorBody {
    return this.issues ? { code: this.code, message: this.message, issues: this.issues } : { code: this.code, message: this.message }
  }
}

export class ValidationError extends ParleyError {
  override name = 'ValidationError'
  constructor(message: string, issues?: ErrorBody['issues']) {
    super('bad_request', 400, message, issues)
  }

  static fromZod(what: string, error: z.ZodError): ValidationError {
    const issues = error.issues.map((issue) => {
      // an unknown field is reported at its parent; name the field itself
      const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys.join(',')] : issue.path
      return { path: path.join('.') || '(root)', message: issue.message }
    })
    const summary = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')
    return new ValidationError(`invalid ${what}: ${summary}`, issues)
  }
}

export class UnauthorizedError extends ParleyError {
  override name = 'UnauthorizedError'
  constructor(message = 'please log in') {
    super('unauthorized', 401, message)
  }
}

export class ForbiddenError extends ParleyError {
  override name = 'ForbiddenError'
  constructor(message = 'not allowed') {
    super('forbidden', 403, message)
  }
}

export class OriginRefusedError extends ParleyError {
  override name = 'OriginRefusedError'
  constructor(readonly origin: string | null) {
    super('origin_refused', 403, `the origin ${origin ?? '(none)'} is not allowed to embed this Parley widget; add it to the allowed origins in the admin console`)
  }
}

export class NotFoundError extends ParleyError {
  override name = 'NotFoundError'
  constructor(message = 'not found') {
    super('not_found', 404, message)
  }
}

export class ConflictError extends ParleyError {
  override name = 'ConflictError'
  constructor(message: string) {
    super('conflict', 409, message)
  }
}

/** An operation on a resource in the wrong state (closed channel, ended request, ...). */
export class InvalidStateError extends ParleyError {
  override name = 'InvalidStateError'
  constructor(message: string) {
    super('invalid_state', 409, message)
  }
}

export class PayloadTooLargeError extends ParleyError {
  override name = 'PayloadTooLargeError'
  constructor(message = 'payload too large') {
    super('payload_too_large', 413, message)
  }
}

export class RateLimitedError extends ParleyError {
  override name = 'RateLimitedError'
  /** `retryAfterMs`: when the client may try again (HTTP Retry-After, the socket ack's retry hint) */
  constructor(
    message = 'too many requests, slow down',
    readonly retryAfterMs?: number,
  ) {
    super('rate_limited', 429, message)
  }

  override toBody(): ErrorBody {
    return this.retryAfterMs === undefined ? super.toBody() : { ...super.toBody(), retryAfterMs: this.retryAfterMs }
  }
}

/** Anything else becomes an opaque internal error (the cause goes to the log, not the client). */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof ParleyError) return error.toBody()
  return { code: 'internal', message: 'internal error, please retry' }
}

export function statusOf(error: unknown): number {
  return error instanceof ParleyError ? error.status : 500
}
