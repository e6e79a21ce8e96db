/**
 * Cross-origin endpoints the widget loader calls from a shop page. Only origins on the
 * tenant's allow-list get CORS headers; the rest get a clear 403 (and are recorded).
 */
import { Router } from 'express'
import { z } from 'zod'
import { isAvailable } from '../domain/queue-router.js'
import type { Services } from '../services/services.js'
import { validate } from './validate.js'

const statusParams = z.object({ tenant: z.string().min(1).max(64).regex(/^[a-z0-9-]+$/, 'unknown tenant') })
const statusQuery = z.object({ page: z.string().max(2048).optional() })

export function widgetRoutes(services: Services): Router {
  const router = Router()

  router.get('/:tenant/status', async (req, res) => {
    const { tenant: slug } = validate('tenant', statusParams, req.params)
    const { page } = validate('query', statusQuery, req.query)
    res.vary('Origin')
    // Even a refusal must be readable by the loader, so it can log the reason for the shop's developers.
    res.set('Access-Control-Allow-Origin', req.headers.origin ?? '*')
    const tenant = await services.tenants.admit(slug, req.headers.origin, page ?? req.get('referer') ?? null)
    res.set('Cache-Control', 'no-store')
    res.json({
      tenant: { slug: tenant.slug, name: tenant.name },
      agentsAvailable: services.agents.snapshots(tenant.id).filter(isAvailable).length,
      queueLength: services.queue.queueLength(tenant.id),
    })
  })

  return router
}
