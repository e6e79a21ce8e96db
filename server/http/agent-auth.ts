/** Cookie authentication and same-origin protection for the console's HTTP routes. */
import type { Request, RequestHandler } from 'express'
import type { AgentRole } from '../../web/protocol/views.js'
import { ForbiddenError, UnauthorizedError } from '../errors.js'
import { SESSION_COOKIE, readCookie, type AuthenticatedAgent, type SessionService } from '../auth/session-service.js'

declare module 'express-serve-static-core' {
  interface Request {
    agent?: AuthenticatedAgent
  }
}

export function sessionToken(req: Request): string | undefined {
  return readCookie(req.headers.cookie, SESSION_COOKIE)
}

/** The logged-in agent, with one of `roles` when given. */
export function requireAgent(sessions: SessionService, roles?: readonly AgentRole[]): RequestHandler {
  return async (req, _res, next) => {
    const agent = await sessions.authenticate(sessionToken(req))
    if (!agent) throw new UnauthorizedError()
    if (roles && !roles.includes(agent.role)) throw new ForbiddenError(`this needs the ${roles.join(' or ')} role`)
    req.agent = agent
    next()
  }
}

/**
 * Cookie-authenticated writes must come from Parley's own pages: a browser always sends
 * Origin on cross-site POST/DELETE, so another site cannot ride the session cookie.
 */
export function requireSameOrigin(isOwnOrigin: (origin: string | undefined) => boolean): RequestHandler {
  return (req, _res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next()
    const origin = req.headers.origin
    if (origin ? isOwnOrigin(origin) : req.headers['sec-fetch-site'] === 'same-origin') return next()
    throw new ForbiddenError('cross-site request refused: send it from the Parley console (Origin header)')
  }
}
