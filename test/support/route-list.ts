/**
 * Every HTTP route of the real app, read from express's router stacks (express 5 / router 2:
 * `layer.rawPath`, `layer.route`, nested routers' `handle.stack`), so tests can demand a
 * check for each route and fail when a new one has none.
 */
import path from 'node:path'
import type express from 'express'
import type { Parley } from '../../server/app.js'
import { createHttpApp } from '../../server/http/http-app.js'

export interface RouteEntry {
  method: string
  /** express syntax, e.g. /api/admin/queues/:id */
  path: string
}

interface Layer {
  rawPath?: string | RegExp | (string | RegExp)[]
  route?: { path: string | string[]; methods: Record<string, boolean> }
  handle: { stack?: Layer[] }
}

const join = (base: string, part: string) => (base + (part === '/' ? '' : part)).replace(/\/+/g, '/') || '/'

function walk(stack: Layer[], base: string, out: RouteEntry[]): void {
  for (const layer of stack) {
    const raw = layer.rawPath ?? '/'
    const paths = (Array.isArray(raw) ? raw : [raw]).map((p) => (typeof p === 'string' ? p : `/<regexp ${p.source}>`))
    if (layer.route) {
      const routePaths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path]
      for (const routePath of routePaths) {
        for (const [method, on] of Object.entries(layer.route.methods)) if (on && method !== '_all') out.push({ method: method.toUpperCase(), path: join(base, routePath) })
      }
    } else if (layer.handle.stack) {
      for (const p of paths) walk(layer.handle.stack, join(base, p), out)
    }
  }
}

/** The routes of an express app, deduplicated, sorted. */
export function listRoutes(app: express.Express): RouteEntry[] {
  const out: RouteEntry[] = []
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '', out)
  const seen = new Map(out.map((route) => [`${route.method} ${route.path}`, route]))
  return [...seen.values()].sort((a, b) => (a.path === b.path ? a.method.localeCompare(b.method) : a.path.localeCompare(b.path)))
}

/** The same HTTP app a running Parley serves (built again from its parts, not listening). */
export function appOf(parley: Parley): express.Express {
  return createHttpApp({
    services: parley.services,
    db: parley.db,
    log: parley.log,
    webRoot: path.resolve(import.meta.dirname, '../../dist/web'),
    publicUrl: () => parley.url,
    isOwnOrigin: () => true,
    secureCookies: false,
    onLogout: () => {},
    isReady: () => true,
    management: parley.management,
    offers: parley.offers,
    traffic: parley.protection.traffic,
  })
}

/** A route's path with its parameters filled in (`:tenant` and friends from `values`, else `fallback`). */
export function fillPath(routePath: string, values: Record<string, string>, fallback = 'x_none'): string {
  return routePath.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(values[name] ?? fallback))
}
