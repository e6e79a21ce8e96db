/** Agent login, logout and "who am I". */
import { Router } from 'express'
import { z } from 'zod'
import { SESSION_COOKIE } from '../auth/session-service.js'
import type { Services } from '../services/services.js'
import { requireAgent, sessionToken } from './agent-auth.js'
import { validate } from './validate.js'

const loginBody = z.strictObject({
  tenant: z.string().trim().min(1, 'tenant is required').max(64),
  email: z.email('must be an email address').max(254),
  password: z.string().min(1, 'password is required').max(1024),
})

export interface AuthRoutesOptions {
  secureCookies: boolean
  /** close the sockets of a session that logged out */
  onLogout: (sessionId: string) => void
}

export function authRoutes(services: Services, options: AuthRoutesOptions): Router {
  const router = Router()
  const cookie = { httpOnly: true, sameSite: 'strict' as const, secure: options.secureCookies, path: '/' }

  router.post('/login', async (req, res) => {
    const body = validate('login', loginBody, req.body)
    const session = await services.sessions.login({ ...body, ip: req.ip ?? req.socket.remoteAddress ?? 'unknown', userAgent: req.get('user-agent') ?? null })
    res.cookie(SESSION_COOKIE, session.token, { ...cookie, expires: session.expiresAt })
    res.json({ agent: await services.agents.peek(session.agentId) })
  })

  router.post('/logout', async (req, res) => {
    const session = await services.sessions.authenticate(sessionToken(req))
    await services.sessions.logout(sessionToken(req))
    if (session) options.onLogout(session.sessionId)
    res.clearCookie(SESSION_COOKIE, cookie)
    res.status(204).end()
  })

  router.get('/me', requireAgent(services.sessions), async (req, res) => {
    res.json({ agent: await services.agents.peek(req.agent!.agentId) })
  })

  return router
}
