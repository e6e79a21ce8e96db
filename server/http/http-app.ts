/** The express app: JSON API, widget endpoints, built web assets and health checks. */
import path from 'node:path'
import fs from 'node:fs'
import express from 'express'
import type { Logger } from '../log.js'
import type { Database } from '../store/database.js'
import type { Services } from '../services/services.js'
import type { PresenceFeed } from '../cluster/presence-feed.js'
import type { TenantDispatch } from '../cluster/tenant-dispatch.js'
import type { Management } from '../services/management.js'
import type { Offers } from '../services/offers.js'
import { archiveRoutes } from './archive-routes.js'
import { auditFallback } from './audit-actor.js'
import { billingRoutes } from './billing-routes.js'
import { cartApiRoutes } from './cart-api-routes.js'
import { cartRoutes } from './cart-routes.js'
import { integrationRoutes } from './integration-routes.js'
import { offerRuleRoutes } from './offer-rule-routes.js'
import { httpMetrics, metricsRoutes } from './metrics-routes.js'
import { publicApiRoutes } from './public-api-routes.js'
import { reportRoutes } from './report-routes.js'
import { tenantAdminRoutes } from './tenant-admin-routes.js'
import { adminRoutes } from './admin-routes.js'
import { requireSameOrigin } from './agent-auth.js'
import { authRoutes } from './auth-routes.js'
import { routingAdminRoutes } from './routing-admin-routes.js'
import { errorHandler, notFound } from './error-handler.js'
import { trunkRoutes } from './trunk-routes.js'
import { widgetRoutes } from './widget-routes.js'
import { widgetRateLimit } from './widget-rate-limit.js'
import type { TrafficPolicy } from '../services/traffic-policy.js'

export interface HttpAppOptions {
  services: Services
  db: Database
  log: Logger
  /** folder with the built web bundles (dist/web) */
  webRoot: string
  publicUrl: () => string
  isOwnOrigin: (origin: string | undefined) => boolean
  secureCookies: boolean
  onLogout: (sessionId: string) => void
  /** readiness: false while booting or draining */
  isReady: () => boolean
  /** archive, reports, billing, audit, API keys, webhooks, metrics */
  management: Management
  /** the website's presence (relayed from each tenant's owner on several nodes) */
  presence?: PresenceFeed
  /** where each tenant's stateful work runs (another node, on several) */
  dispatch?: TenantDispatch
  /** proactive offers (cart events, offer rules, the shopper's answers) */
  offers?: Offers
  /** when set, /metrics needs it as a bearer token */
  metricsToken?: string
  /** public API requests per key and minute */
  apiRatePerMinute?: number
  /** rate limits on the widget endpoints (per address and tenant) */
  traffic?: TrafficPolicy
  /** express's `trust proxy` (TRUST_PROXY): whose X-Forwarded-For names the client */
  trustProxy?: string
}

export function createHttpApp(options: HttpAppOptions): express.Express {
  const { services, log } = options
  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', options.trustProxy ?? 'loopback')
  app.use(httpMetrics(options.management.metrics))
  app.use(express.json({ limit: '16kb' }))

  app.get('/healthz', (_req, res) => void res.json({ ok: true }))
  // Ready: listening, not draining, and the database answers.
  app.get('/readyz', async (_req, res) => {
    let database = false
    try {
      await options.db.$queryRawUnsafe('SELECT 1')
      database = true
    } catch (error) {
      log.warn({ err: error }, 'readiness: the database does not answer')
    }
    const ready = options.isReady() && database
    res.status(ready ? 200 : 503).json({ ready, database })
  })
  app.use(metricsRoutes(options.management.metrics, options.metricsToken))

  if (options.traffic) app.use('/api/widget', widgetRateLimit(options.traffic))
  app.use('/api/widget', widgetRoutes(services, options.management.hours, options.presence))
  if (options.offers) app.use('/api/widget', cartRoutes(services, options.offers))
  app.use('/api/auth', requireSameOrigin(options.isOwnOrigin), authRoutes(services, { secureCookies: options.secureCookies, onLogout: options.onLogout }))
  const { management } = options
  app.use(
    '/api/admin',
    requireSameOrigin(options.isOwnOrigin),
    auditFallback(management.audit, services, log),
    adminRoutes(services, options.db, options.publicUrl, management.audit),
    routingAdminRoutes(services, options.db, management.audit, options.dispatch),
    tenantAdminRoutes(services, management, options.db),
    integrationRoutes(services, management, options.db),
  )
  app.use('/api/archive', requireSameOrigin(options.isOwnOrigin), archiveRoutes(services, management, options.db))
  app.use('/api/reports', requireSameOrigin(options.isOwnOrigin), reportRoutes(services, management, options.db))
  app.use('/api/billing', requireSameOrigin(options.isOwnOrigin), auditFallback(management.audit, services, log), billingRoutes(services, management, options.db))
  if (options.offers) app.use('/api/admin', requireSameOrigin(options.isOwnOrigin), offerRuleRoutes(services, options.offers, management.billing, management.audit))
  app.use('/api/v1', publicApiRoutes(management, options.db, options.publicUrl, options.apiRatePerMinute ?? 600, options.offers ? cartApiRoutes(options.offers) : []))
  app.use('/api/admin/trunks', requireSameOrigin(options.isOwnOrigin), trunkRoutes(services, options.db))
  app.use('/api', notFound())

  // The loader URL never changes, so it must revalidate; hashed assets are immutable.
  app.get('/widget.js', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300')
    res.set('Access-Control-Allow-Origin', '*')
    res.sendFile(path.join(options.webRoot, 'widget.js'), (error) => {
      if (!error || res.headersSent) return
      // a server installed without its web bundles: say so instead of an opaque 500
      log.warn({ err: error }, 'widget.js is missing: run npm run build')
      res.status(503).type('text/plain').set('Cache-Control', 'no-store').send('// Parley: the widget is not built on this server (npm run build)\n')
    })
  })
  app.use(
    '/assets',
    express.static(path.join(options.webRoot, 'assets'), {
      immutable: true,
      maxAge: '365d',
      setHeaders: (res) => res.set('Access-Control-Allow-Origin', '*'),
    }),
  )
  app.use('/avatars', express.static(path.join(options.webRoot, 'avatars'), { maxAge: '1d', setHeaders: (res) => res.set('Cross-Origin-Resource-Policy', 'cross-origin') }))
  app.get('/', (_req, res) => res.redirect('/agent/'))
  app.use('/agent', express.static(path.join(options.webRoot, 'agent'), { maxAge: 0 }))
  if (!fs.existsSync(path.join(options.webRoot, 'widget.js'))) log.warn({ webRoot: options.webRoot }, 'web bundles are missing: run npm run build')

  app.use(notFound())
  app.use(errorHandler(log))
  return app
}
