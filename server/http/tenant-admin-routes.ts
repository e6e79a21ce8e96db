/**
 * Tenant administration (admins): tenant settings (name, timezone), the team (accounts and
 * roles), business hours and the audit log. Every change is validated and audited with the
 * values before and after.
 */
import { Router } from 'express'
import { z } from 'zod'
import { readBusinessHours, weekSchema, isOpen, nextOpening } from '../domain/business-hours.js'
import { isValidTimeZone } from '../domain/zoned-time.js'
import type { Database } from '../store/database.js'
import type { Management } from '../services/management.js'
import type { Services } from '../services/services.js'
import { requireAgent } from './agent-auth.js'
import { actorOf } from './audit-actor.js'
import { validate } from './validate.js'

const tenantBody = z.strictObject({
  name: z.string().trim().min(1, 'required').max(100, 'at most 100 characters'),
  timezone: z.string().trim().refine(isValidTimeZone, 'not a known timezone (use an IANA name like Europe/Berlin)'),
})
const role = z.enum(['agent', 'supervisor', 'admin'], 'agent, supervisor or admin')
const memberBody = z.strictObject({
  email: z.email('must be an email address').max(254),
  displayName: z.string().trim().min(1, 'required').max(80, 'at most 80 characters'),
  role,
})
const memberPatch = memberBody.partial().refine((body) => Object.keys(body).length > 0, 'nothing to change')
const hoursBody = z.strictObject({
  week: weekSchema,
  closedDates: z
    .array(z.iso.date('a date like 2026-12-25'))
    .max(366)
    .transform((dates) => [...new Set(dates)].sort()),
  closedMessage: z.string().trim().max(300, 'at most 300 characters').default(''),
})
const auditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.iso.datetime().optional(),
  action: z.string().max(60).optional(),
  targetType: z.string().max(40).optional(),
})

export function tenantAdminRoutes(services: Services, management: Management, db: Database): Router {
  const router = Router()
  router.use(requireAgent(services.sessions, ['admin']))
  const { audit, team } = management

  router.get('/tenant', async (req, res) => {
    const tenant = await db.tenant.findUniqueOrThrow({ where: { id: req.agent!.tenantId } })
    res.json({ tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name, timezone: tenant.timezone, createdAt: tenant.createdAt } })
  })

  router.put('/tenant', async (req, res) => {
    const tenantId = req.agent!.tenantId
    const body = validate('tenant settings', tenantBody, req.body)
    const before = await db.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { name: true, timezone: true } })
    const after = await db.tenant.update({ where: { id: tenantId }, data: body, select: { id: true, slug: true, name: true, timezone: true, createdAt: true } })
    services.tenants.invalidate(after.slug)
    management.hours.invalidate(tenantId)
    await audit.record(await actorOf(req, services), { tenantId, action: 'tenant.update', targetType: 'tenant', targetId: tenantId, before, after: body })
    res.json({ tenant: after })
  })

  router.get('/team', async (req, res) => {
    res.json({ members: await team.list(req.agent!.tenantId) })
  })

  router.post('/team', async (req, res) => {
    const tenantId = req.agent!.tenantId
    const body = validate('team member', memberBody, req.body)
    const { member, password } = await team.create(tenantId, body)
    await audit.record(await actorOf(req, services), { tenantId, action: 'agent.create', targetType: 'agent', targetId: member.id, after: member })
    res.status(201).json({ member, password })
  })

  router.patch('/team/:id', async (req, res) => {
    const tenantId = req.agent!.tenantId
    const body = validate('team member', memberPatch, req.body)
    const { before, after } = await team.update(tenantId, String(req.params.id), body, req.agent!.agentId)
    await audit.record(await actorOf(req, services), { tenantId, action: before.role !== after.role ? 'agent.role_change' : 'agent.update', targetType: 'agent', targetId: after.id, before, after })
    res.json({ member: after })
  })

  for (const [path, disabled] of [['disable', true], ['enable', false]] as const) {
    router.post(`/team/:id/${path}`, async (req, res) => {
      const tenantId = req.agent!.tenantId
      const { before, after } = await team.setDisabled(tenantId, String(req.params.id), disabled, req.agent!.agentId)
      await audit.record(await actorOf(req, services), { tenantId, action: `agent.${path}`, targetType: 'agent', targetId: after.id, before, after })
      res.json({ member: after })
    })
  }

  router.post('/team/:id/reset-password', async (req, res) => {
    const tenantId = req.agent!.tenantId
    const { member, password } = await team.resetPassword(tenantId, String(req.params.id))
    await audit.record(await actorOf(req, services), { tenantId, action: 'agent.reset_password', targetType: 'agent', targetId: member.id, before: { passwordSet: true }, after: { passwordSet: true, sessionsRevoked: true } })
    res.json({ member, password })
  })

  router.get('/business-hours', async (req, res) => {
    const tenantId = req.agent!.tenantId
    const [row, tenant] = await Promise.all([db.businessHours.findUnique({ where: { tenantId } }), db.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { timezone: true } })])
    const rules = readBusinessHours(row?.week ?? '{}', row?.closedDates ?? '[]')
    const now = Date.now()
    res.json({ ...rules, closedMessage: row?.closedMessage ?? '', timezone: tenant.timezone, openNow: isOpen(rules, now, tenant.timezone), nextOpening: nextOpening(rules, now, tenant.timezone)?.toISOString() ?? null })
  })

  router.put('/business-hours', async (req, res) => {
    const tenantId = req.agent!.tenantId
    const body = validate('business hours', hoursBody, req.body)
    const existing = await db.businessHours.findUnique({ where: { tenantId } })
    const before = existing ? { ...readBusinessHours(existing.week, existing.closedDates), closedMessage: existing.closedMessage } : null
    const data = { week: JSON.stringify(body.week), closedDates: JSON.stringify(body.closedDates), closedMessage: body.closedMessage, updatedAt: new Date() }
    await db.businessHours.upsert({ where: { tenantId }, create: { tenantId, ...data }, update: data })
    management.hours.invalidate(tenantId)
    await audit.record(await actorOf(req, services), { tenantId, action: 'business_hours.update', targetType: 'business_hours', targetId: tenantId, before, after: body })
    res.json(body)
  })

  router.get('/audit', async (req, res) => {
    const query = validate('query', auditQuery, req.query)
    const entries = await audit.list(req.agent!.tenantId, { limit: query.limit, before: query.before ? new Date(query.before) : undefined, action: query.action, targetType: query.targetType })
    res.json({ entries, next: entries.length === query.limit ? entries[entries.length - 1]!.at : null })
  })

  return router
}
