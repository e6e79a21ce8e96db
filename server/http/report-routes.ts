/**
 * Reports for supervisors and admins: `?from=YYYY-MM-DD&to=YYYY-MM-DD` are local days of the
 * tenant's timezone (default: today), at most 92 days. CSV comes from the tables in the browser.
 */
import { Router, type Request } from 'express'
import { z } from 'zod'
import { localParts } from '../domain/zoned-time.js'
import { ValidationError } from '../errors.js'
import type { Database } from '../store/database.js'
import type { Management } from '../services/management.js'
import type { Services } from '../services/services.js'
import { requireAgent } from './agent-auth.js'
import { validate } from './validate.js'

const day = z.iso.date('a date like 2026-11-30')
const periodQuery = z.object({ from: day.optional(), to: day.optional(), sl: z.coerce.number().int().min(1).max(3600).default(20) })
const MAX_DAYS = 92

export function reportRoutes(services: Services, management: Management, db: Database): Router {
  const router = Router()
  router.use(requireAgent(services.sessions, ['supervisor', 'admin']))
  const { reports } = management

  const period = async (req: Request) => {
    const query = validate('query', periodQuery, req.query)
    const tenantId = req.agent!.tenantId
    const { timezone } = await db.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { timezone: true } })
    const today = localParts(Date.now(), timezone).date
    const from = query.from ?? query.to ?? today
    const to = query.to ?? query.from ?? today
    if (to < from) throw new ValidationError('"to" is before "from"', [{ path: 'to', message: 'must not be before from' }])
    if ((Date.parse(to) - Date.parse(from)) / 86_400_000 >= MAX_DAYS) throw new ValidationError(`at most ${MAX_DAYS} days at a time`, [{ path: 'from', message: `at most ${MAX_DAYS} days` }])
    return { tenantId, sl: query.sl, period: await reports.period(tenantId, from, to) }
  }
  const meta = (p: Awaited<ReturnType<typeof period>>['period']) => ({ from: p.fromDate, to: p.toDate, timezone: p.timeZone })

  router.get('/queues', async (req, res) => {
    const { tenantId, sl, period: p } = await period(req)
    res.json({ ...meta(p), ...(await reports.queues(tenantId, p, sl)) })
  })

  router.get('/in-queue', (req, res) => {
    res.json(reports.inQueueNow(req.agent!.tenantId))
  })

  router.get('/agents', async (req, res) => {
    const { tenantId, period: p } = await period(req)
    res.json({ ...meta(p), agents: await reports.agents(tenantId, p) })
  })

  router.get('/funnel', async (req, res) => {
    const { tenantId, period: p } = await period(req)
    res.json({ ...meta(p), ...(await reports.funnel(tenantId, p)) })
  })

  router.get('/attendance', async (req, res) => {
    const { tenantId, period: p } = await period(req)
    res.json({ ...meta(p), sessions: await reports.attendance(tenantId, p) })
  })

  router.get('/calls', async (req, res) => {
    const { tenantId, period: p } = await period(req)
    res.json({ ...meta(p), ...(await reports.calls(tenantId, p)) })
  })

  return router
}
