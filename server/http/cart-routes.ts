/**
 * Cross-origin endpoints the widget loader and the offer card call from a shop page, for the
 * tenant's allowed origins only (like the widget's status):
 *   POST /:tenant/cart                 cart events (JS API); answers the visitor token to keep
 *   GET  /:tenant/offers/stream        offers for this shopper as server-sent events
 *   POST /:tenant/offers/:id           the shopper's answer (accept with a mode, or decline)
 * No cookies cross origins: the signed visitor token rides in the body (or the stream's query).
 */
import { Router, type Request } from 'express'
import { z } from 'zod'
import { offerAnswerBody, offerStreamQuery, widgetCartBody } from '../../web/protocol/cart-schemas.js'
import { RateLimitedError, UnauthorizedError } from '../errors.js'
import type { Offers } from '../services/offers.js'
import type { Services } from '../services/services.js'
import type { TenantInfo } from '../services/tenant-directory.js'
import { validate } from './validate.js'

const tenantParams = z.object({ tenant: z.string().min(1).max(64).regex(/^[a-z0-9-]+$/, 'unknown tenant') })
const offerParams = tenantParams.extend({ id: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'unknown offer') })

const HEARTBEAT_MS = 25_000
/** cart reports per shopper and minute (the loader sends a handful; activity at most every 15 s) */
const PER_MINUTE = 60

export function cartRoutes(services: Services, offers: Offers): Router {
  const router = Router()
  const windows = new Map<string, { start: number; count: number }>()

  // Even a refusal or a 400 must be readable by the loader, so it can log the reason for the shop's developers.
  router.use((req, res, next) => {
    res.vary('Origin')
    res.set('Access-Control-Allow-Origin', req.headers.origin ?? '*')
    next()
  })

  /** The tenant for this request; throws the refusal for an origin not on its allow-list. */
  const admit = async (req: Request, page: string | null): Promise<TenantInfo> => {
    const { tenant } = validate('tenant', tenantParams, req.params)
    return services.tenants.admit(tenant, req.headers.origin, page ?? req.get('referer') ?? null)
  }

  /** The visitor a token names (it must be genuine and of this tenant). */
  const visitorOf = (tenant: TenantInfo, token: string | null | undefined): string | null => {
    const claims = offers.tokens.verify(token)
    return claims && claims.tenantId === tenant.id ? claims.visitorId : null
  }

  const limit = (visitorId: string) => {
    const now = Date.now()
    const window = windows.get(visitorId)
    if (!window || now - window.start >= 60_000) {
      if (windows.size > 50_000) windows.clear()
      windows.set(visitorId, { start: now, count: 1 })
    } else if (++window.count > PER_MINUTE) throw new RateLimitedError(`at most ${PER_MINUTE} cart reports a minute`, window.start + 60_000 - now)
  }

  // Preflight: the loader posts JSON across origins (the real request is checked against the allow-list).
  router.options(['/:tenant/cart', '/:tenant/offers/:id'], (_req, res) => {
    res.set({ 'Access-Control-Allow-Methods': 'POST', 'Access-Control-Allow-Headers': 'Content-Type', 'Access-Control-Max-Age': '600' })
    res.status(204).end()
  })

  router.post('/:tenant/cart', async (req, res) => {
    const body = validate('cart events', widgetCartBody, req.body)
    const tenant = await admit(req, body.pageUrl)
    let visitorId = visitorOf(tenant, body.token)
    let token: string | null = null
    let returning: boolean | undefined
    // a known shopper whose cart is in memory costs no database round trip; others are identified (or created)
    if (!visitorId || !offers.carts.live(visitorId)) {
      const identity = await services.visitors.identify(tenant.id, body.token)
      if (identity.id !== visitorId) token = identity.token
      visitorId = identity.id
      returning = identity.returning
    }
    limit(visitorId)
    await offers.carts.apply(tenant.id, { visitorId, returning }, body.events, body.pageUrl)
    res.set('Cache-Control', 'no-store')
    res.json({ visitorId, token })
  })

  router.get('/:tenant/offers/stream', async (req, res) => {
    const query = validate('query', offerStreamQuery, req.query)
    const tenant = await admit(req, query.page ?? null)
    const visitorId = visitorOf(tenant, query.token)
    if (!visitorId) throw new UnauthorizedError('this visitor token is not valid here')
    res.set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' })
    res.flushHeaders()
    res.write('retry: 5000\n\n')
    const unsubscribe = offers.offers.subscribe(tenant.id, visitorId, (event, data) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`))
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS)
    heartbeat.unref()
    req.on('close', () => {
      clearInterval(heartbeat)
      unsubscribe()
    })
  })

  router.post('/:tenant/offers/:id', async (req, res) => {
    const { id } = validate('path', offerParams, req.params)
    const body = validate('answer', offerAnswerBody, req.body)
    const tenant = await admit(req, null)
    const visitorId = visitorOf(tenant, body.token)
    if (!visitorId) throw new UnauthorizedError('this visitor token is not valid here')
    res.set('Cache-Control', 'no-store')
    res.json(await offers.offers.respond(tenant.id, visitorId, id, body))
  })

  return router
}
