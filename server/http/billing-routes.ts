/**
 * Usage and billing for admins: the price plan, usage of a month, statement previews,
 * issuing a month's statement once it is over, downloads (CSV, HTML), reconciliation and
 * the shopper micro-charges ledger. Plan changes and issued statements are audited.
 */
import { Router, type Request, type Response } from 'express'
import { z } from 'zod'
import { localParts } from '../domain/zoned-time.js'
import type { Database } from '../store/database.js'
import type { Management } from '../services/management.js'
import type { Services } from '../services/services.js'
import type { StatementView } from '../services/billing-service.js'
import { statementCsv, statementHtml } from '../services/statement-export.js'
import { EXPORT_CSP } from '../services/transcript-export.js'
import { requireAgent } from './agent-auth.js'
import { actorOf } from './audit-actor.js'
import { validate } from './validate.js'

const micros = z.int('a whole number of micro-units').min(0).max(2_000_000_000)
const count = z.int('a whole number').min(0).max(100_000_000)
const bps = z.int('basis points, a whole number').min(0, 'at least 0').max(10_000, 'at most 10000 (100 %)')
export const planBody = z.strictObject({
  name: z.string().trim().min(1, 'required').max(60),
  currency: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{3}$/, 'a 3-letter ISO 4217 code like EUR'),
  baseFeeMicros: micros,
  chatMinuteMicros: micros,
  mediaMinuteMicros: micros,
  pstnMinuteMicros: micros,
  hitMicros: micros,
  seatMicros: micros,
  includedChatMinutes: count,
  includedMediaMinutes: count,
  includedPstnMinutes: count,
  includedHits: count,
  includedSeats: count,
  resellerName: z.string().trim().max(100).nullable().transform((v) => v || null),
  resellerShareBps: bps,
  microChargeFeeBps: bps,
})
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month like 2026-11')
const monthQuery = z.object({ month: month.optional() })
const issueBody = z.strictObject({ month })
const idParams = z.object({ id: z.string().min(1).max(64) })

export function billingRoutes(services: Services, management: Management, db: Database): Router {
  const router = Router()
  router.use(requireAgent(services.sessions, ['admin']))
  const { billing, audit } = management

  const monthOf = async (req: Request) => {
    const query = validate('query', monthQuery, req.query)
    if (query.month) return query.month
    const { timezone } = await db.tenant.findUniqueOrThrow({ where: { id: req.agent!.tenantId }, select: { timezone: true } })
    return localParts(Date.now(), timezone).date.slice(0, 7)
  }
  const tenantName = async (tenantId: string) => (await db.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { name: true } })).name
  const download = async (req: Request, res: Response, statement: StatementView, format: string) => {
    const name = await tenantName(req.agent!.tenantId)
    const file = `parley-statement-${statement.month}${statement.id ? '' : '-preview'}`
    if (format === 'csv') {
      res.set('Content-Disposition', `attachment; filename="${file}.csv"`)
      return void res.type('text/csv').send(statementCsv(statement, name))
    }
    res.set('Content-Security-Policy', EXPORT_CSP)
    res.type('text/html').send(statementHtml(statement, name))
  }

  router.get('/plan', async (req, res) => {
    res.json({ plan: await billing.plan(req.agent!.tenantId) })
  })

  router.put('/plan', async (req, res) => {
    const tenantId = req.agent!.tenantId
    const body = validate('price plan', planBody, req.body)
    const before = await billing.plan(tenantId)
    const plan = await billing.savePlan(tenantId, body)
    await audit.record(await actorOf(req, services), { tenantId, action: 'price_plan.update', targetType: 'price_plan', targetId: tenantId, before, after: plan })
    res.json({ plan })
  })

  router.get('/usage', async (req, res) => {
    const tenantId = req.agent!.tenantId
    const m = await monthOf(req)
    const period = await billing.period(tenantId, m)
    const plan = await billing.plan(tenantId)
    res.json({ month: m, periodStart: period.start, periodEnd: period.end, usage: await billing.usage(tenantId, period.start, period.end, plan.currency) })
  })

  router.get('/statements', async (req, res) => {
    res.json({ statements: await billing.statements(req.agent!.tenantId) })
  })

  router.get('/statements/preview', async (req, res) => {
    res.json({ statement: await billing.preview(req.agent!.tenantId, await monthOf(req)) })
  })

  router.post('/statements', async (req, res) => {
    const tenantId = req.agent!.tenantId
    const body = validate('statement', issueBody, req.body)
    const statement = await billing.issue(tenantId, body.month, req.agent!.agentId)
    await audit.record(await actorOf(req, services), { tenantId, action: 'statement.issue', targetType: 'statement', targetId: statement.id, after: { month: statement.month, totalMinor: statement.totalMinor, currency: statement.currency } })
    res.status(201).json({ statement })
  })

  router.get('/statements/:id', async (req, res) => {
    const { id } = validate('statement', idParams, req.params)
    res.json({ statement: await billing.statement(req.agent!.tenantId, id) })
  })

  router.get('/statements/:id/reconcile', async (req, res) => {
    const { id } = validate('statement', idParams, req.params)
    res.json(await billing.reconcile(req.agent!.tenantId, id))
  })

  /** Downloads; the id `preview` with `?month=` gives the preview of that month. */
  for (const format of ['csv', 'html']) {
    router.get(`/statements/:id/statement.${format}`, async (req, res) => {
      const { id } = validate('statement', idParams, req.params)
      const statement = id === 'preview' ? await billing.preview(req.agent!.tenantId, await monthOf(req)) : await billing.statement(req.agent!.tenantId, id)
      await download(req, res, statement, format)
    })
  }

  router.get('/charges', async (req, res) => {
    const tenantId = req.agent!.tenantId
    const period = await billing.period(tenantId, await monthOf(req))
    res.json({ charges: await billing.charges(tenantId, period.start, period.end) })
  })

  return router
}
