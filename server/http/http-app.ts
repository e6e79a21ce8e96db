/** The express app: JSON API, widget endpoints, built web assets and health checks. */
import path from 'node:path'
import fs from 'node:fs'
import express from 'express'
import type { Logger } from '../log.js'
import type { Database } from '../store/database.js'
import type { Services } from '../services/services.js'
import { adminRoutes } from './admin-routes.js'
import { requireSameOrigin } from './agent-auth.js'
import { authRoutes } from './auth-routes.js'
import { routingAdminRoutes } from './routing-admin-routes.js'
import { errorHandler, notFound } from './error-handler.js'
import { trunkRoutes } from './trunk-routes.js'
import { widgetRoutes } from './widget-routes.js'

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
}

export function createHttpApp(options: HttpAppOptions): express.Express {
  const { services, log } = options
  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', 'loopback')
  app.use(express.json({ limit: '16kb' }))

  app.get('/healthz', (_req, res) => void res.json({ ok: true }))
  app.get('/readyz', (_req, res) => void res.status(options.isReady() ? 200 : 503).json({ ready: options.isReady() }))

  app.use('/api/widget', widgetRoutes(services))
  app.use('/api/auth', requireSameOrigin(options.isOwnOrigin), authRoutes(services, { secureCookies: options.secureCookies, onLogout: options.onLogout }))
  app.use('/api/admin', requireSameOrigin(options.isOwnOrigin), adminRoutes(services, options.db, options.publicUrl), routingAdminRoutes(services, options.db))
  app.use('/api/admin/trunks', requireSameOrigin(options.isOwnOrigin), trunkRoutes(services, options.db))
  app.use('/api', notFound())

  // The loader URL never changes, so it must revalidate; hashed assets are immutable.
  app.get('/widget.js', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300')
    res.set('Access-Control-Allow-Origin', '*')
    res.sendFile(path.join(options.webRoot, 'widget.js'))
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
