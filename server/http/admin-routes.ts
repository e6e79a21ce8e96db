/** Tenant administration reachable so far: the embed snippet and the origin allow-list. */
import { Router } from 'express'
import { z } from 'zod'
import { ConflictError, NotFoundError } from '../errors.js'
import type { Database } from '../store/database.js'
import { newId } from '../store/ids.js'
import type { Services } from '../services/services.js'
import { normalizeOrigin } from '../services/tenant-directory.js'
import { requireAgent } from './agent-auth.js'
import type { AuditLog } from '../services/audit-log.js'
import { actorOf } from './audit-actor.js'
import { validate } from './validate.js'

const originBody = z.strictObject({
  origin: z
    .string()
    .trim()
    .max(200)
    .refine((value) => {
      const origin = normalizeOrigin(value)
      return origin !== null && origin === value.toLowerCase().replace(/\/$/, '')
    }, 'must be an origin like https://shop.example.com (scheme, host and optional port, no path)'),
})

export function adminRoutes(services: Services, db: Database, publicUrl: () => string, audit: AuditLog): Router {
  const router = Router()
  router.use(requireAgent(services.sessions, ['admin']))

  router.get('/embed', async (req, res) => {
    const tenantId = req.agent!.tenantId
    const [tenant, origins, refused] = await Promise.all([
      db.tenant.findUniqueOrThrow({ where: { id: tenantId } }),
      db.embedOrigin.findMany({ where: { tenantId }, orderBy: { createdAt: 'asc' } }),
      db.refusedOrigin.findMany({ where: { tenantId }, orderBy: { lastSeenAt: 'desc' }, take: 100 }),
    ])
    res.json({
      snippet: `<script src="${publicUrl()}/widget.js" data-tenant="${tenant.slug}" async></script>`,
      origins: origins.map(({ id, origin, createdAt }) => ({ id, origin, createdAt })),
      refused: refused.map(({ origin, count, lastPageUrl, firstSeenAt, lastSeenAt }) => ({ origin, count, lastPageUrl, firstSeenAt, lastSeenAt })),
    })
  })

  router.post('/origins', async (req, res) => {
    const tenantId = req.agent!.tenantId
    const origin = normalizeOrigin(validate('origin', originBody, req.body).origin)!
    const exists = await db.embedOrigin.findUnique({ where: { tenantId_origin: { tenantId, origin } } })
    if (exists) throw new ConflictError(`${origin} is already allowed`)
    const created = await db.embedOrigin.create({ data: { id: newId('eo'), tenantId, origin } })
    services.tenants.invalidate()
    await audit.record(await actorOf(req, services), { tenantId, action: 'origin.add', targetType: 'embed_origin', targetId: created.id, after: { origin } })
    res.status(201).json({ origin: { id: created.id, origin: created.origin, createdAt: created.createdAt } })
  })

  router.delete('/origins/:id', async (req, res) => {
    const tenantId = req.agent!.tenantId
    const existing = await db.embedOrigin.findFirst({ where: { id: String(req.params.id), tenantId } })
    const { count } = await db.embedOrigin.deleteMany({ where: { id: String(req.params.id), tenantId } })
    if (count === 0) throw new NotFoundError('no such allowed origin')
    services.tenants.invalidate()
    await audit.record(await actorOf(req, services), { tenantId, action: 'origin.remove', targetType: 'embed_origin', targetId: String(req.params.id), before: existing ? { origin: existing.origin } : null })
    res.status(204).end()
  })

  return router
}
