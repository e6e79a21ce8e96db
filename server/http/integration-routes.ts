/**
 * Admin API for the tenant's integrations: public API keys (shown once, revocable) and
 * webhook endpoints (signing secret shown once, rotatable), their deliveries, test pings
 * and redelivery. Every change is audited; secrets never reach the audit log.
 */
import { randomBytes } from 'node:crypto'
import { Router } from 'express'
import { z } from 'zod'
import { NotFoundError } from '../errors.js'
import type { Database } from '../store/database.js'
import { newId } from '../store/ids.js'
import type { Management } from '../services/management.js'
import type { Services } from '../services/services.js'
import { WEBHOOK_EVENTS } from '../services/webhook-dispatcher.js'
import { requireAgent } from './agent-auth.js'
import { actorOf } from './audit-actor.js'
import { validate } from './validate.js'

const keyBody = z.strictObject({ name: z.string().trim().min(1, 'required').max(80, 'at most 80 characters') })
const webhookUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((value) => {
    try {
      const url = new URL(value)
      return (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password
    } catch {
      return false
    }
  }, 'must be an http(s) URL without credentials, e.g. https://crm.example.com/parley')
const events = z.array(z.enum(WEBHOOK_EVENTS as [string, ...string[]], `one of ${WEBHOOK_EVENTS.join(', ')}`)).min(1, 'pick at least one event').transform((list) => [...new Set(list)])
const webhookBody = z.strictObject({ url: webhookUrl, description: z.string().trim().max(200).default(''), events, enabled: z.boolean().default(true) })
const webhookPatch = z.strictObject({ url: webhookUrl.optional(), description: z.string().trim().max(200).optional(), events: events.optional(), enabled: z.boolean().optional() })
const deliveriesQuery = z.object({
  endpoint: z.string().max(64).optional(),
  status: z.enum(['pending', 'delivered', 'failed']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})

type EndpointRow = { id: string; url: string; description: string; events: string; enabled: boolean; createdAt: Date }
const endpointView = (row: EndpointRow) => ({ id: row.id, url: row.url, description: row.description, events: JSON.parse(row.events) as string[], enabled: row.enabled, createdAt: row.createdAt.toISOString() })
const newSecret = () => `whsec_${randomBytes(24).toString('base64url')}`

export function integrationRoutes(services: Services, management: Management, db: Database): Router {
  const router = Router()
  router.use(requireAgent(services.sessions, ['admin']))
  const { audit, apiKeys, webhooks, box } = management

  router.get('/api-keys', async (req, res) => {
    res.json({ keys: await apiKeys.list(req.agent!.tenantId) })
  })

  router.post('/api-keys', async (req, res) => {
    const tenantId = req.agent!.tenantId
    const { name } = validate('API key', keyBody, req.body)
    const { key, apiKey } = await apiKeys.create(tenantId, name, req.agent!.agentId)
    await audit.record(await actorOf(req, services), { tenantId, action: 'api_key.create', targetType: 'api_key', targetId: apiKey.id, after: apiKey })
    res.status(201).json({ key, apiKey })
  })

  router.delete('/api-keys/:id', async (req, res) => {
    const tenantId = req.agent!.tenantId
    const { before, after } = await apiKeys.revoke(tenantId, String(req.params.id))
    await audit.record(await actorOf(req, services), { tenantId, action: 'api_key.revoke', targetType: 'api_key', targetId: after.id, before, after })
    res.json({ apiKey: after })
  })

  router.get('/webhooks', async (req, res) => {
    const rows = await db.webhookEndpoint.findMany({ where: { tenantId: req.agent!.tenantId }, orderBy: { createdAt: 'asc' } })
    res.json({ endpoints: rows.map(endpointView), events: WEBHOOK_EVENTS })
  })

  router.post('/webhooks', async (req, res) => {
    const tenantId = req.agent!.tenantId
    const body = validate('webhook', webhookBody, req.body)
    const secret = newSecret()
    const row = await db.webhookEndpoint.create({ data: { id: newId('wh'), tenantId, url: body.url, description: body.description, events: JSON.stringify(body.events), enabled: body.enabled, secret: box.seal(secret) } })
    await audit.record(await actorOf(req, services), { tenantId, action: 'webhook.create', targetType: 'webhook', targetId: row.id, after: endpointView(row) })
    res.status(201).json({ endpoint: endpointView(row), secret })
  })

  const endpointOf = async (tenantId: string, id: string) => {
    const row = await db.webhookEndpoint.findFirst({ where: { id, tenantId } })
    if (!row) throw new NotFoundError('no such webhook endpoint')
    return row
  }

  router.patch('/webhooks/:id', async (req, res) => {
    const tenantId = req.agent!.tenantId
    const body = validate('webhook', webhookPatch, req.body)
    const before = await endpointOf(tenantId, String(req.params.id))
    const after = await db.webhookEndpoint.update({
      where: { id: before.id },
      data: { ...(body.url !== undefined ? { url: body.url } : {}), ...(body.description !== undefined ? { description: body.description } : {}), ...(body.events ? { events: JSON.stringify(body.events) } : {}), ...(body.enabled !== undefined ? { enabled: body.enabled } : {}) },
    })
    await audit.record(await actorOf(req, services), { tenantId, action: 'webhook.update', targetType: 'webhook', targetId: after.id, before: endpointView(before), after: endpointView(after) })
    res.json({ endpoint: endpointView(after) })
  })

  router.post('/webhooks/:id/rotate-secret', async (req, res) => {
    const tenantId = req.agent!.tenantId
    const row = await endpointOf(tenantId, String(req.params.id))
    const secret = newSecret()
    await db.webhookEndpoint.update({ where: { id: row.id }, data: { secret: box.seal(secret) } })
    await audit.record(await actorOf(req, services), { tenantId, action: 'webhook.rotate_secret', targetType: 'webhook', targetId: row.id, before: { secret: 'old' }, after: { secret: 'new' } })
    res.json({ endpoint: endpointView(row), secret })
  })

  router.delete('/webhooks/:id', async (req, res) => {
    const tenantId = req.agent!.tenantId
    const row = await endpointOf(tenantId, String(req.params.id))
    await db.webhookEndpoint.delete({ where: { id: row.id } })
    await audit.record(await actorOf(req, services), { tenantId, action: 'webhook.delete', targetType: 'webhook', targetId: row.id, before: endpointView(row) })
    res.status(204).end()
  })

  router.post('/webhooks/:id/test', async (req, res) => {
    const tenantId = req.agent!.tenantId
    const row = await endpointOf(tenantId, String(req.params.id))
    const [deliveryId] = await webhooks.emit(tenantId, 'webhook.test', { message: 'A test from the Parley admin console', endpointId: row.id }, row.id)
    res.status(202).json({ deliveryId: deliveryId ?? null })
  })

  router.get('/webhooks/deliveries', async (req, res) => {
    const query = validate('query', deliveriesQuery, req.query)
    const rows = await db.webhookDelivery.findMany({
      where: { tenantId: req.agent!.tenantId, ...(query.endpoint ? { endpointId: query.endpoint } : {}), ...(query.status ? { status: query.status } : {}) },
      orderBy: { createdAt: 'desc' },
      take: query.limit,
      include: { endpoint: { select: { url: true } } },
    })
    res.json({
      deliveries: rows.map((d) => ({
        id: d.id,
        endpointId: d.endpointId,
        url: d.endpoint.url,
        event: d.event,
        status: d.status,
        attempts: d.attempts,
        lastStatusCode: d.lastStatusCode,
        lastError: d.lastError,
        createdAt: d.createdAt.toISOString(),
        nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt.toISOString() : null,
        deliveredAt: d.deliveredAt?.toISOString() ?? null,
        body: d.body,
      })),
    })
  })

  router.post('/webhooks/deliveries/:id/redeliver', async (req, res) => {
    const tenantId = req.agent!.tenantId
    if (!(await webhooks.redeliver(tenantId, String(req.params.id)))) throw new NotFoundError('no such delivery')
    await audit.record(await actorOf(req, services), { tenantId, action: 'webhook.redeliver', targetType: 'webhook_delivery', targetId: String(req.params.id) })
    res.status(202).json({ ok: true })
  })

  return router
}
