/**
 * Cross-origin endpoints the widget loader calls from a shop page. Only origins on the
 * tenant's allow-list get data; the rest get a clear 403 (and are recorded).
 *   GET /:tenant/status            topics and presence (no cache: it also checks the origin)
 *   GET /:tenant/presence          presence, cacheable for a few seconds (ETag)
 *   GET /:tenant/presence/stream   presence as server-sent events, one stream per page
 */
import { createHash } from 'node:crypto'
import { Router, type Request, type Response } from 'express'
import { z } from 'zod'
import type { Services } from '../services/services.js'
import { localPresenceFeed, type PresenceFeed } from '../cluster/presence-feed.js'
import type { TenantInfo } from '../services/tenant-directory.js'
import type { BusinessHoursService } from '../services/business-hours-service.js'
import { validate } from './validate.js'

const statusParams = z.object({ tenant: z.string().min(1).max(64).regex(/^[a-z0-9-]+$/, 'unknown tenant') })
const statusQuery = z.object({ page: z.string().max(2048).optional() })

/** Keep-alive comments so proxies do not close an idle stream. */
const HEARTBEAT_MS = 25_000

export function widgetRoutes(services: Services, hours?: BusinessHoursService, feed: PresenceFeed = localPresenceFeed(services.publisher)): Router {
  const router = Router()

  /** The tenant for this request, with CORS for its origin; throws the refusal otherwise. */
  const admit = async (req: Request, res: Response): Promise<TenantInfo> => {
    const { tenant: slug } = validate('tenant', statusParams, req.params)
    const { page } = validate('query', statusQuery, req.query)
    res.vary('Origin')
    // Even a refusal must be readable by the loader, so it can log the reason for the shop's developers.
    res.set('Access-Control-Allow-Origin', req.headers.origin ?? '*')
    return services.tenants.admit(slug, req.headers.origin, page ?? req.get('referer') ?? null)
  }

  router.get('/:tenant/status', async (req, res) => {
    const tenant = await admit(req, res)
    const [presence, routing] = await Promise.all([feed.snapshot(tenant.id), services.routing.get(tenant.id)])
    res.set('Cache-Control', 'no-store')
    res.json({
      tenant: { slug: tenant.slug, name: tenant.name },
      agentsAvailable: presence.agentsAvailable,
      queueLength: presence.queueLength,
      topics: routing.queues.filter((queue) => queue.isPublic).map((queue) => ({ slug: queue.slug, name: queue.name })),
      /** the visitor may start with a voice call (a media server runs) */
      calls: services.media.available,
      /** business hours: open now, or when it opens and what to tell the visitor */
      hours: hours ? await hours.status(tenant.id) : { open: true, nextOpening: null, message: '' },
      presence,
      site: { monitoringNotice: routing.settings.monitoringNotice, avatarRules: routing.settings.avatarRules },
    })
  })

  router.get('/:tenant/presence', async (req, res) => {
    const tenant = await admit(req, res)
    const presence = await feed.snapshot(tenant.id)
    const body = JSON.stringify({ ...presence, updatedAt: undefined })
    const etag = `"${createHash('sha1').update(body).digest('base64url')}"`
    res.set('Cache-Control', 'public, max-age=5')
    res.set('ETag', etag)
    if (req.get('if-none-match') === etag) return void res.status(304).end()
    res.type('json').send(JSON.stringify(presence))
  })

  router.get('/:tenant/presence/stream', async (req, res) => {
    const tenant = await admit(req, res)
    res.set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' })
    res.flushHeaders()
    res.write('retry: 5000\n\n')
    const unsubscribe = feed.subscribe(tenant.id, (view) => res.write(`event: presence\ndata: ${JSON.stringify(view)}\n\n`))
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS)
    heartbeat.unref()
    req.on('close', () => {
      clearInterval(heartbeat)
      unsubscribe()
    })
  })

  return router
}
