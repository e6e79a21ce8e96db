/** The one place HTTP errors become responses: `{ error: { code, message, issues? } }`. */
import type { ErrorRequestHandler, RequestHandler } from 'express'
import { NotFoundError, ParleyError, PayloadTooLargeError, RateLimitedError, ValidationError, toErrorBody } from '../errors.js'
import type { Logger } from '../log.js'

export function notFound(): RequestHandler {
  return (req, _res, next) => next(new NotFoundError(`no route for ${req.method} ${req.path}`))
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const translated = translate(error)
    if (!(translated instanceof ParleyError)) log.error({ err: error, method: req.method, path: req.path }, 'request failed')
    const status = translated instanceof ParleyError ? translated.status : 500
    if (res.headersSent) return void res.end()
    if (translated instanceof RateLimitedError && translated.retryAfterMs !== undefined) res.set('Retry-After', String(Math.max(1, Math.ceil(translated.retryAfterMs / 1000))))
    res.status(status).json({ error: toErrorBody(translated) })
  }
}

/** body-parser and friends throw errors with a `type`; give them our names. */
function translate(error: unknown): unknown {
  const type = (error as { type?: string } | null)?.type
  if (type === 'entity.too.large') return new PayloadTooLargeError('request body too large')
  // the router cannot decode a path parameter (a malformed %-escape)
  if (error instanceof URIError) return new ValidationError('the address is not valid (malformed %-escape)')
  if (type === 'entity.parse.failed') return new ValidationError('request body is not valid JSON')
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') return new ValidationError('unsupported body encoding')
  return error
}
