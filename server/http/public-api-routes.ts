/**
 * The public REST API for tenants' systems, under /api/v1, authenticated by an API key
 * (`Authorization: Bearer pk_...`) and scoped to the key's tenant. One table of routes
 * registers the express handlers and produces the OpenAPI document, so the two cannot
 * drift apart. Responses are `{ data }`, errors `{ error: { code, message } }`.
 */
import { Router, type Request, type RequestHandler } from 'express'
import type { z } from 'zod'
import { RateLimitedError, NotFoundError, UnauthorizedError, ValidationError } from '../errors.js'
import type { ApiClient } from '../services/api-keys.js'
import type { Management } from '../services/management.js'
import type { Database } from '../store/database.js'
import { openApiDocument } from './openapi.js'
import { AgentList, AgentOne, ChannelOne, ChannelPage, TranscriptOne, UsageOne, channelsQuery, idParams, usageQuery } from './public-api-schemas.js'
import { validate } from './validate.js'

declare module 'express-serve-static-core' {
  interface Request {
    apiClient?: ApiClient
  }
}

/** One documented route: OpenAPI path syntax (`/channels/{id}`). */
export interface ApiRoute {
  method: 'get' | 'post'
  path: string
  operationId: string
  summary: string
  description: string
  tag: string
  params?: z.ZodObject
  query?: z.ZodObject
  /** JSON request body (POST) */
  body?: z.ZodType
  /** the success status (200 by default) */
  status?: number
  response: z.ZodType
  handler: (req: Request) => Promise<unknown>
}

const MAX_USAGE_DAYS = 366

type AgentRow = { id: string; email: string; displayName: string; role: string; state: string; disabledAt: Date | null; maxChats: number; maxCalls: number }
const agentView = (a: AgentRow) => ({ id: a.id, email: a.email, displayName: a.displayName, role: a.role, state: a.state, disabled: a.disabledAt !== null, maxChats: a.maxChats, maxCalls: a.maxCalls })

export function publicApiTable(management: Management, db: Database): ApiRoute[] {
  const tenant = (req: Request) => req.apiClient!.tenantId
  return [
    {
      method: 'get',
      path: '/channels',
      operationId: 'listChannels',
      summary: 'List channels',
      description: 'Channels of the tenant, newest first, open and ended, optionally filtered by status, time and text.',
      tag: 'Channels',
      query: channelsQuery,
      response: ChannelPage,
      async handler(req) {
        const q = validate('query', channelsQuery, req.query)
        const page = await management.archive.list(
          { agentId: '', tenantId: tenant(req), role: 'admin' },
          { q: q.q, status: q.status, from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined, limit: q.limit, after: q.after },
        )
        return { data: page.channels, next: page.next }
      },
    },
    {
      method: 'get',
      path: '/channels/{id}',
      operationId: 'getChannel',
      summary: 'Get a channel',
      description: 'One channel: participants, times, queue and counts.',
      tag: 'Channels',
      params: idParams,
      response: ChannelOne,
      async handler(req) {
        const { id } = validate('path', idParams, req.params)
        return { data: await management.archive.summaryForTenant(tenant(req), id) }
      },
    },
    {
      method: 'get',
      path: '/channels/{id}/transcript',
      operationId: 'getTranscript',
      summary: 'Get a transcript',
      description: "A channel with its whole event log in order (messages, joins, calls, browser leading, whispers). Event types may be added; treat unknown ones generically.",
      tag: 'Channels',
      params: idParams,
      response: TranscriptOne,
      async handler(req) {
        const { id } = validate('path', idParams, req.params)
        return { data: await management.archive.transcriptForTenant(tenant(req), id) }
      },
    },
    {
      method: 'get',
      path: '/usage',
      operationId: 'getUsage',
      summary: 'Get metered usage',
      description: 'Chat, media and PSTN seconds and hits of UTC days from..to, per day and in total, summed from the raw usage records statements are rated from.',
      tag: 'Usage',
      query: usageQuery,
      response: UsageOne,
      async handler(req) {
        const q = validate('query', usageQuery, req.query)
        const from = new Date(`${q.from}T00:00:00Z`)
        const to = new Date(Date.parse(`${q.to}T00:00:00Z`) + 86_400_000)
        if (to <= from) throw new ValidationError('"to" is before "from"', [{ path: 'to', message: 'must not be before from' }])
        if ((to.getTime() - from.getTime()) / 86_400_000 > MAX_USAGE_DAYS) throw new ValidationError(`at most ${MAX_USAGE_DAYS} days at a time`)
        const rows = await db.usageRecord.findMany({ where: { tenantId: tenant(req), at: { gte: from, lt: to } }, select: { kind: true, quantity: true, at: true } })
        const ms = { chat: 0, media: 0, pstn: 0 }
        let hits = 0
        const days = new Map<string, { chat: number; media: number; pstn: number; hits: number }>()
        for (const row of rows) {
          const date = row.at.toISOString().slice(0, 10)
          const dayTotals = days.get(date) ?? { chat: 0, media: 0, pstn: 0, hits: 0 }
          const value = Math.round(row.quantity * 1000)
          if (row.kind === 'chat_seconds') (ms.chat += value, (dayTotals.chat += value))
          else if (row.kind === 'media_seconds') (ms.media += value, (dayTotals.media += value))
          else if (row.kind === 'pstn_seconds') (ms.pstn += value, (dayTotals.pstn += value))
          else if (row.kind === 'hits') (hits += Math.round(row.quantity), (dayTotals.hits += Math.round(row.quantity)))
          days.set(date, dayTotals)
        }
        return {
          data: {
            from: from.toISOString(),
            to: to.toISOString(),
            totals: { chatSeconds: ms.chat / 1000, mediaSeconds: ms.media / 1000, pstnSeconds: ms.pstn / 1000, hits },
            days: [...days].sort(([a], [b]) => (a < b ? -1 : 1)).map(([date, d]) => ({ date, chatSeconds: d.chat / 1000, mediaSeconds: d.media / 1000, pstnSeconds: d.pstn / 1000, hits: d.hits })),
          },
        }
      },
    },
    {
      method: 'get',
      path: '/agents',
      operationId: 'listAgents',
      summary: 'List agents',
      description: 'Everyone on the team with their role and current state.',
      tag: 'Agents',
      response: AgentList,
      async handler(req) {
        const rows = await db.agent.findMany({ where: { tenantId: tenant(req) }, orderBy: { displayName: 'asc' } })
        return { data: rows.map(agentView) }
      },
    },
    {
      method: 'get',
      path: '/agents/{id}',
      operationId: 'getAgent',
      summary: 'Get an agent',
      description: 'One team member with their role and current state.',
      tag: 'Agents',
      params: idParams,
      response: AgentOne,
      async handler(req) {
        const { id } = validate('path', idParams, req.params)
        const row = await db.agent.findFirst({ where: { id, tenantId: tenant(req) } })
        if (!row) throw new NotFoundError('no such agent')
        return { data: agentView(row) }
      },
    },
  ]
}

/** `extra`: routes other parts register (the carts endpoint of proactive offers). */
export function publicApiRoutes(management: Management, db: Database, publicUrl: () => string, perMinute: number, extra: readonly ApiRoute[] = []): Router {
  const router = Router()
  const table = [...publicApiTable(management, db), ...extra]
  router.get('/openapi.json', (_req, res) => {
    res.set('Access-Control-Allow-Origin', '*')
    res.json(openApiDocument(table, `${publicUrl()}/api/v1`))
  })

  const windows = new Map<string, { start: number; count: number }>()
  const authenticate: RequestHandler = async (req, res, next) => {
    const header = req.get('authorization') ?? ''
    const client = await management.apiKeys.authenticate(/^Bearer\s+(\S+)$/i.exec(header)?.[1])
    if (!client) throw new UnauthorizedError('send a valid API key as "Authorization: Bearer pk_..." (create one in the admin console)')
    const now = Date.now()
    const window = windows.get(client.keyId)
    if (!window || now - window.start >= 60_000) windows.set(client.keyId, { start: now, count: 1 })
    else if (++window.count > perMinute) {
      // the error handler sets Retry-After from the hint
      throw new RateLimitedError(`at most ${perMinute} requests per minute per key`, window.start + 60_000 - now)
    }
    req.apiClient = client
    res.on('finish', () => management.metrics.apiRequests.inc({ status: `${Math.floor(res.statusCode / 100)}xx` }))
    next()
  }
  router.use(authenticate)
  for (const route of table) {
    router[route.method](route.path.replace(/\{(\w+)\}/g, ':$1'), async (req, res) => {
      res.set('Cache-Control', 'no-store')
      const body = await route.handler(req)
      res.status(route.status ?? 200).json(body)
    })
  }
  return router
}
