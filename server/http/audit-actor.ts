/**
 * Audit helpers for HTTP routes: the logged-in agent as an audit actor, and a fallback that
 * records any successful admin write no route recorded itself (new admin routes are audited
 * from their first day, with the request body as "after"; routes that know the values
 * before and after record their own entry and the fallback stays quiet).
 */
import type { Request, RequestHandler } from 'express'
import type { AuditActor, AuditLog } from '../services/audit-log.js'
import type { Services } from '../services/services.js'

export async function actorOf(req: Request, services: Services): Promise<AuditActor> {
  // NOTE: asking for the actor means the route records its own audit entry
  if (req.res) req.res.locals.audited = true
  const agentId = req.agent!.agentId
  const agent = await services.agents.peek(agentId)
  return { kind: 'agent', id: agentId, name: `${agent.displayName} <${agent.email}>`, ip: req.ip ?? null }
}

/** Record successful POST/PUT/PATCH/DELETE requests that no route audited. */
export function auditFallback(audit: AuditLog, services: Services, log: { error(obj: object, msg: string): void }): RequestHandler {
  return (req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next()
    res.on('finish', () => {
      if (res.statusCode >= 400 || res.locals.audited || !req.agent) return
      const route = req.originalUrl.split('?')[0]!
      const targetId = typeof req.params?.id === 'string' ? req.params.id : null
      void actorOf(req, services)
        .then((actor) => audit.record(actor, { tenantId: req.agent!.tenantId, action: `${req.method.toLowerCase()} ${route}`, targetType: 'admin_api', targetId, after: req.body && Object.keys(req.body).length > 0 ? req.body : null }))
        .catch((error: unknown) => log.error({ err: error }, 'could not audit an admin change'))
    })
    next()
  }
}
