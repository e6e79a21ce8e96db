/** GET /metrics (Prometheus text format), optionally behind a bearer token, and HTTP request metrics. */
import { timingSafeEqual } from 'node:crypto'
import { Router, type RequestHandler } from 'express'
import type { ParleyMetrics } from '../observability/metrics.js'
import { UnauthorizedError } from '../errors.js'

/** Route groups by path prefix (bounded label values, never raw paths). */
const GROUPS: [RegExp, string][] = [
  [/^\/api\/widget\//, 'widget'],
  [/^\/api\/v1\//, 'public_api'],
  [/^\/api\/auth\//, 'auth'],
  [/^\/api\/admin\//, 'admin'],
  [/^\/api\/archive\//, 'archive'],
  [/^\/api\/reports\//, 'reports'],
  [/^\/api\/billing\//, 'billing'],
  [/^\/(assets|agent|widget\.js)/, 'static'],
  [/^\/(metrics|healthz|readyz)/, 'ops'],
]

export function httpMetrics(metrics: ParleyMetrics): RequestHandler {
  return (req, res, next) => {
    const group = GROUPS.find(([pattern]) => pattern.test(req.path))?.[1] ?? 'other'
    // Server-sent event streams stay open: count them, do not time them.
    const stop = group === 'widget' && req.path.endsWith('/stream') ? null : metrics.httpDuration.startTimer({ group })
    res.on('finish', () => {
      stop?.()
      metrics.httpRequests.inc({ group, method: req.method, status: `${Math.floor(res.statusCode / 100)}xx` })
    })
    next()
  }
}

export function metricsRoutes(metrics: ParleyMetrics, token: string | undefined): Router {
  const router = Router()
  router.get('/metrics', async (req, res) => {
    if (token) {
      const given = Buffer.from(/^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1] ?? '')
      const expected = Buffer.from(token)
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new UnauthorizedError('metrics need "Authorization: Bearer <METRICS_TOKEN>"')
    }
    res.set('Content-Type', metrics.registry.contentType)
    res.send(await metrics.text())
  })
  return router
}
