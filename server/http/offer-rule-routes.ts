/**
 * Admin API for proactive-offer rules (`/api/admin/offer-rules`, admins of the tenant):
 * list with what the editor needs (queues, whether calls and the phone can be offered, the
 * billing currency), create, replace, delete, and per-rule attribution figures. Every body
 * is validated; every change is audited and applies to the next evaluation.
 */
import { Router, type Request } from 'express'
import { z } from 'zod'
import { offerRuleBody, type OfferRuleDefinition } from '../domain/offer-rules.js'
import { ValidationError } from '../errors.js'
import type { AuditLog } from '../services/audit-log.js'
import type { BillingService } from '../services/billing-service.js'
import type { Offers } from '../services/offers.js'
import type { Services } from '../services/services.js'
import { requireAgent } from './agent-auth.js'
import { actorOf } from './audit-actor.js'
import { validate } from './validate.js'

const idParams = z.object({ id: z.string().min(1).max(64) })
const statsQuery = z.object({ from: z.iso.datetime({ offset: true }).optional(), to: z.iso.datetime({ offset: true }).optional() })
const DAY_MS = 86_400_000

export function offerRuleRoutes(services: Services, offers: Offers, billing: BillingService, audit: AuditLog): Router {
  const router = Router()
  router.use('/offer-rules', requireAgent(services.sessions, ['admin']))

  const record = async (req: Request, action: string, targetId: string, before: unknown, after: unknown) =>
    audit.record(await actorOf(req, services), { tenantId: req.agent!.tenantId, action, targetType: 'offer_rule', targetId, before, after })

  /** The rule's queue must exist (a deleted queue makes the rule offer nothing). */
  const checked = async (tenantId: string, body: unknown): Promise<OfferRuleDefinition> => {
    const rule = validate('offer rule', offerRuleBody, body)
    if (rule.offer.queue) {
      const { queues } = await services.routing.get(tenantId)
      if (!queues.some((queue) => queue.slug === rule.offer.queue)) throw new ValidationError(`there is no queue "${rule.offer.queue}"`, [{ path: 'offer.queue', message: 'unknown queue' }])
    }
    return rule
  }

  router.get('/offer-rules', async (req, res) => {
    const tenantId = req.agent!.tenantId
    const [rules, routing, plan] = await Promise.all([offers.rules.list(tenantId), services.routing.get(tenantId), billing.plan(tenantId)])
    res.json({
      rules,
      queues: routing.queues.map((queue) => ({ slug: queue.slug, name: queue.name, isDefault: queue.isDefault })),
      capabilities: { voice: services.media.available, phone: services.media.available && services.phone.available && services.phone.canBridge(tenantId) },
      currency: plan.currency,
    })
  })

  router.get('/offer-rules/stats', async (req, res) => {
    const query = validate('query', statsQuery, req.query)
    const to = query.to ? new Date(query.to) : new Date()
    const from = query.from ? new Date(query.from) : new Date(to.getTime() - 30 * DAY_MS)
    if (to <= from) throw new ValidationError('"to" is before "from"', [{ path: 'to', message: 'must be after from' }])
    const tenantId = req.agent!.tenantId
    const [rules, totals] = await Promise.all([offers.report.byRule(tenantId, from, to), offers.report.totals(tenantId, from, to)])
    res.json({ from: from.toISOString(), to: to.toISOString(), rules, totals })
  })

  router.post('/offer-rules', async (req, res) => {
    const tenantId = req.agent!.tenantId
    const rule = await offers.rules.create(tenantId, await checked(tenantId, req.body))
    await record(req, 'offer_rule.create', rule.id, null, rule)
    res.status(201).json({ rule })
  })

  router.put('/offer-rules/:id', async (req, res) => {
    const tenantId = req.agent!.tenantId
    const { id } = validate('path', idParams, req.params)
    const { before, after } = await offers.rules.update(tenantId, id, await checked(tenantId, req.body))
    await record(req, 'offer_rule.update', id, before, after)
    res.json({ rule: after })
  })

  router.delete('/offer-rules/:id', async (req, res) => {
    const tenantId = req.agent!.tenantId
    const { id } = validate('path', idParams, req.params)
    const before = await offers.rules.remove(tenantId, id)
    await record(req, 'offer_rule.delete', id, before, null)
    res.status(204).end()
  })

  return router
}
