/**
 * Rate limits on the widget's cross-origin HTTP endpoints (/api/widget/...), per client
 * address and per tenant. A refusal is a 429 with Retry-After that the loader can read
 * (CORS headers set here, since the routes that would set them never run).
 */
import type { RequestHandler } from 'express'
import type { TrafficPolicy } from '../services/traffic-policy.js'

export function widgetRateLimit(traffic: TrafficPolicy): RequestHandler {
  return async (req, res, next) => {
    const tenant = /^\/([a-z0-9-]{1,64})(?:\/|$)/.exec(req.path)?.[1] ?? null
    try {
      await traffic.widgetRequest(req.ip ?? req.socket.remoteAddress ?? 'unknown', tenant)
    } catch (error) {
      res.vary('Origin')
      res.set('Access-Control-Allow-Origin', req.headers.origin ?? '*')
      res.set('Access-Control-Expose-Headers', 'Retry-After')
      throw error
    }
    next()
  }
}
