/**
 * Admin API for routing: tenant routing settings, skills, agents' proficiencies and
 * capacities, queues and the rules that turn pages and carts into skill hints.
 * Every body is validated; a change takes effect for new requests at once.
 */
import { Router, type Request } from 'express'
import { z } from 'zod'
import { parseRequirement, RequirementSyntaxError } from '../domain/skill-requirement.js'
import { readTenantSettings, tenantSettingsSchema } from '../domain/tenant-settings.js'
import { ConflictError, NotFoundError, ValidationError } from '../errors.js'
import type { Database } from '../store/database.js'
import { newId } from '../store/ids.js'
import type { Services } from '../services/services.js'
import { LocalDispatch, type TenantDispatch } from '../cluster/tenant-dispatch.js'
import { requireAgent } from './agent-auth.js'
import type { AuditLog } from '../services/audit-log.js'
import { actorOf } from './audit-actor.js'
import { validate } from './validate.js'

const token = z.string().trim().toLowerCase().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'lowercase letters, digits, "-" or "_" (up to 40)')
const skillBody = z.strictObject({ key: token, value: token, label: z.string().trim().min(1).max(80) })
const agentBody = z.strictObject({
  maxChats: z.int().min(0).max(20).optional(),
  maxCalls: z.int().min(0).max(5).optional(),
  skills: z.array(z.strictObject({ skillId: z.string().min(1).max(64), proficiency: z.int().min(1).max(5) })).max(100).optional(),
})
const relaxStep = z.strictObject({
  afterSec: z.int().min(1).max(86_400),
  dropSoft: z.boolean().optional(),
  minProficiency: z.int().min(1).max(5).optional(),
  dropKeys: z.array(token).max(20).optional(),
})
const queueBody = z.strictObject({
  slug: token,
  name: z.string().trim().min(1).max(80),
  requirement: z.string().trim().max(500).default('*'),
  priority: z.int().min(-10).max(10).default(0),
  maxWaitSec: z.int().min(10).max(86_400).default(300),
  relaxSteps: z.array(relaxStep).max(10).default([]),
  isPublic: z.boolean().default(true),
  isDefault: z.boolean().default(false),
  sortOrder: z.int().min(0).max(1000).default(0),
})
const ruleBody = z.strictObject({
  kind: z.enum(['page', 'cart_category']),
  pattern: z.string().trim().min(1).max(500),
  skillKey: token,
  skillValue: token,
})

export function routingAdminRoutes(services: Services, db: Database, audit: AuditLog, dispatch: TenantDispatch = new LocalDispatch(services)): Router {
  const router = Router()
  router.use(requireAgent(services.sessions, ['admin']))

  /** Who did what, with the values before and after. */
  const record = async (req: Request, action: string, targetType: string, targetId: string | null, before: unknown, after: unknown) =>
    audit.record(await actorOf(req, services), { tenantId: req.agent!.tenantId, action, targetType, targetId, before, after })

  /** After a change: fresh config for new requests, fresh routing settings. */
  const changed = async (tenantId: string) => {
    await dispatch.invalidate(tenantId)
    await dispatch.call(tenantId, 'engine', 'configure', tenantId)
  }
  /** Reload an agent's skills and capacity where the tenant's router runs. */
  const refresh = (tenantId: string, agentId: string) => dispatch.call(tenantId, 'agents', 'refresh', agentId)

  /** Every key=value in the requirement must be a skill of the tenant. */
  const checkRequirement = async (tenantId: string, text: string) => {
    let requirement
    try {
      requirement = parseRequirement(text)
    } catch (error) {
      if (error instanceof RequirementSyntaxError) throw new ValidationError(`requirement: ${error.message}`, [{ path: 'requirement', message: error.message }])
      throw error
    }
    const skills = await db.skill.findMany({ where: { tenantId }, select: { key: true, value: true } })
    const known = new Set(skills.map((s) => `${s.key}=${s.value}`))
    for (const clause of requirement.clauses) {
      for (const value of clause.values) {
        if (!known.has(`${clause.key}=${value}`)) throw new ValidationError(`requirement: there is no skill ${clause.key}=${value}; add it under Skills first`, [{ path: 'requirement', message: `unknown skill ${clause.key}=${value}` }])
      }
    }
  }

  router.get('/routing', async (req, res) => {
    const tenantId = req.agent!.tenantId
    const [tenant, skills, queues, rules, agents] = await Promise.all([
      db.tenant.findUniqueOrThrow({ where: { id: tenantId } }),
      db.skill.findMany({ where: { tenantId }, orderBy: [{ key: 'asc' }, { value: 'asc' }] }),
      db.queue.findMany({ where: { tenantId }, orderBy: { sortOrder: 'asc' } }),
      db.skillRule.findMany({ where: { tenantId }, orderBy: { createdAt: 'asc' } }),
      db.agent.findMany({ where: { tenantId }, include: { skills: true }, orderBy: { displayName: 'asc' } }),
    ])
    res.json({
      settings: readTenantSettings(tenant.settings),
      skills: skills.map(({ id, key, value, label }) => ({ id, key, value, label })),
      queues: queues.map((q) => ({ ...q, relaxSteps: JSON.parse(q.relaxSteps) })),
      rules: rules.map(({ id, kind, pattern, skillKey, skillValue }) => ({ id, kind, pattern, skillKey, skillValue })),
      agents: agents.map((a) => ({ id: a.id, displayName: a.displayName, email: a.email, role: a.role, maxChats: a.maxChats, maxCalls: a.maxCalls, skills: a.skills.map(({ skillId, proficiency }) => ({ skillId, proficiency })) })),
    })
  })

  router.put('/settings', async (req, res) => {
    const tenantId = req.agent!.tenantId
    const tenant = await db.tenant.findUniqueOrThrow({ where: { id: tenantId } })
    const current = readTenantSettings(tenant.settings)
    // NOTE: merged over the current settings, so the body's own fields are checked here: an unknown one (a typo) must not pass as a no-op
    if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) throw new ValidationError('settings must be a JSON object of the fields to change')
    const unknown = Object.keys(req.body).filter((field) => !Object.hasOwn(tenantSettingsSchema.shape, field))
    if (unknown.length) throw new ValidationError(`invalid settings: ${unknown.join(', ')}: unknown field`, unknown.map((path) => ({ path, message: 'unknown field' })))
    const parsed = tenantSettingsSchema.safeParse({ ...current, ...req.body })
    if (!parsed.success) throw ValidationError.fromZod('settings', parsed.error)
    await db.tenant.update({ where: { id: tenantId }, data: { settings: JSON.stringify(parsed.data) } })
    await changed(tenantId)
    await record(req, 'settings.update', 'tenant_settings', tenantId, current, parsed.data)
    res.json({ settings: parsed.data })
  })

  router.post('/skills', async (req, res) => {
    const tenantId = req.agent!.tenantId
    const body = validate('skill', skillBody, req.body)
    if (await db.skill.findUnique({ where: { tenantId_key_value: { tenantId, key: body.key, value: body.value } } })) throw new ConflictError(`${body.key}=${body.value} exists already`)
    const skill = await db.skill.create({ data: { id: newId('sk'), tenantId, ...body } })
    await changed(tenantId)
    await record(req, 'skill.create', 'skill', skill.id, null, body)
    res.status(201).json({ skill: { id: skill.id, key: skill.key, value: skill.value, label: skill.label } })
  })

  router.delete('/skills/:id', async (req, res) => {
    const tenantId = req.agent!.tenantId
    const skill = await db.skill.findFirst({ where: { id: String(req.params.id), tenantId } })
    if (!skill) throw new NotFoundError('no such skill')
    const usedBy = (await db.queue.findMany({ where: { tenantId } })).filter((queue) => {
      try {
        return parseRequirement(queue.requirement).clauses.some((clause) => clause.key === skill.key && clause.values.includes(skill.value))
      } catch {
        return false
      }
    })
    if (usedBy.length > 0) throw new ConflictError(`queues ${usedBy.map((q) => q.name).join(', ')} require ${skill.key}=${skill.value}; change them first`)
    const holders = await db.agentSkill.findMany({ where: { skillId: skill.id }, select: { agentId: true } })
    await db.skill.delete({ where: { id: skill.id } })
    await changed(tenantId)
    await record(req, 'skill.delete', 'skill', skill.id, { key: skill.key, value: skill.value, label: skill.label }, null)
    for (const { agentId } of holders) await refresh(tenantId, agentId)
    res.status(204).end()
  })

  router.patch('/agents/:id', async (req, res) => {
    const tenantId = req.agent!.tenantId
    const body = validate('agent', agentBody, req.body)
    const agent = await db.agent.findFirst({ where: { id: String(req.params.id), tenantId } })
    if (!agent) throw new NotFoundError('no such agent')
    const before = await db.agentSkill.findMany({ where: { agentId: agent.id } })
    if (body.skills) {
      const ids = body.skills.map((s) => s.skillId)
      if (new Set(ids).size !== ids.length) throw new ValidationError('a skill is listed twice')
      const valid = await db.skill.count({ where: { tenantId, id: { in: ids } } })
      if (valid !== ids.length) throw new ValidationError('unknown skill for this tenant')
    }
    await db.$transaction([
      db.agent.update({ where: { id: agent.id }, data: { ...(body.maxChats !== undefined ? { maxChats: body.maxChats } : {}), ...(body.maxCalls !== undefined ? { maxCalls: body.maxCalls } : {}) } }),
      ...(body.skills ? [db.agentSkill.deleteMany({ where: { agentId: agent.id } }), db.agentSkill.createMany({ data: body.skills.map((s) => ({ agentId: agent.id, ...s })) })] : []),
    ])
    await refresh(tenantId, agent.id)
    const updated = await db.agent.findUniqueOrThrow({ where: { id: agent.id }, include: { skills: true } })
    await record(
      req,
      'agent.routing_update',
      'agent',
      agent.id,
      { maxChats: agent.maxChats, maxCalls: agent.maxCalls, skills: before.map(({ skillId, proficiency }) => ({ skillId, proficiency })) },
      { maxChats: updated.maxChats, maxCalls: updated.maxCalls, skills: updated.skills.map(({ skillId, proficiency }) => ({ skillId, proficiency })) },
    )
    res.json({ agent: { id: updated.id, maxChats: updated.maxChats, maxCalls: updated.maxCalls, skills: updated.skills.map(({ skillId, proficiency }) => ({ skillId, proficiency })) } })
  })

  const saveQueue = async (req: Request, tenantId: string, body: z.output<typeof queueBody>, id: string | null) => {
    const before = id ? await db.queue.findUnique({ where: { id } }) : null
    await checkRequirement(tenantId, body.requirement)
    const clash = await db.queue.findUnique({ where: { tenantId_slug: { tenantId, slug: body.slug } } })
    if (clash && clash.id !== id) throw new ConflictError(`a queue "${body.slug}" exists already`)
    const data = { ...body, relaxSteps: JSON.stringify(body.relaxSteps) }
    const queue = await db.$transaction(async (tx) => {
      if (body.isDefault) await tx.queue.updateMany({ where: { tenantId, isDefault: true }, data: { isDefault: false } })
      return id ? tx.queue.update({ where: { id }, data }) : tx.queue.create({ data: { id: newId('qu'), tenantId, ...data } })
    })
    await changed(tenantId)
    await record(req, id ? 'queue.update' : 'queue.create', 'queue', queue.id, before ? { ...before, relaxSteps: JSON.parse(before.relaxSteps) } : null, { ...queue, relaxSteps: body.relaxSteps })
    return { ...queue, relaxSteps: body.relaxSteps }
  }

  router.post('/queues', async (req, res) => {
    res.status(201).json({ queue: await saveQueue(req, req.agent!.tenantId, validate('queue', queueBody, req.body), null) })
  })

  router.put('/queues/:id', async (req, res) => {
    const tenantId = req.agent!.tenantId
    const existing = await db.queue.findFirst({ where: { id: String(req.params.id), tenantId } })
    if (!existing) throw new NotFoundError('no such queue')
    res.json({ queue: await saveQueue(req, tenantId, validate('queue', queueBody, req.body), existing.id) })
  })

  router.delete('/queues/:id', async (req, res) => {
    const tenantId = req.agent!.tenantId
    const queue = await db.queue.findFirst({ where: { id: String(req.params.id), tenantId } })
    if (!queue) throw new NotFoundError('no such queue')
    if (queue.isDefault) throw new ConflictError('make another queue the default before deleting this one')
    if ((await db.request.count({ where: { tenantId, queueId: queue.id, status: 'queued' } })) > 0) throw new ConflictError('visitors are waiting in this queue; try again when it is empty')
    await db.queue.delete({ where: { id: queue.id } })
    await changed(tenantId)
    await record(req, 'queue.delete', 'queue', queue.id, { ...queue, relaxSteps: JSON.parse(queue.relaxSteps) }, null)
    res.status(204).end()
  })

  router.post('/rules', async (req, res) => {
    const tenantId = req.agent!.tenantId
    const body = validate('rule', ruleBody, req.body)
    if (!(await db.skill.findUnique({ where: { tenantId_key_value: { tenantId, key: body.skillKey, value: body.skillValue } } }))) {
      throw new ValidationError(`there is no skill ${body.skillKey}=${body.skillValue}; add it under Skills first`)
    }
    const rule = await db.skillRule.create({ data: { id: newId('sr'), tenantId, ...body } })
    await changed(tenantId)
    await record(req, 'rule.create', 'skill_rule', rule.id, null, body)
    res.status(201).json({ rule: { id: rule.id, kind: rule.kind, pattern: rule.pattern, skillKey: rule.skillKey, skillValue: rule.skillValue } })
  })

  router.delete('/rules/:id', async (req, res) => {
    const tenantId = req.agent!.tenantId
    const existing = await db.skillRule.findFirst({ where: { id: String(req.params.id), tenantId } })
    const { count } = await db.skillRule.deleteMany({ where: { id: String(req.params.id), tenantId } })
    if (count === 0) throw new NotFoundError('no such rule')
    await changed(tenantId)
    await record(req, 'rule.delete', 'skill_rule', String(req.params.id), existing ? { kind: existing.kind, pattern: existing.pattern, skillKey: existing.skillKey, skillValue: existing.skillValue } : null, null)
    res.status(204).end()
  })

  return router
}
