/**
 * The archive over HTTP (console session): search channels, read a transcript, export it as
 * JSON, as a printable HTML page or as a PDF. Supervisors and admins see the tenant's channels,
 * agents their own; another tenant's channel is a 403. Exports are recorded in the audit log.
 */
import { Router, type Request, type Response } from 'express'
import { z } from 'zod'
import type { Database } from '../store/database.js'
import type { Management } from '../services/management.js'
import type { Services } from '../services/services.js'
import { EXPORT_CSP, transcriptHtml, transcriptJson } from '../services/transcript-export.js'
import { transcriptPdf } from '../services/transcript-pdf.js'
import { addDays, zonedTime } from '../domain/zoned-time.js'
import { requireAgent } from './agent-auth.js'
import { actorOf } from './audit-actor.js'
import { validate } from './validate.js'

const day = z.iso.date('a date like 2026-11-30')
const listQuery = z.object({
  q: z.string().trim().max(200).optional(),
  status: z.enum(['open', 'ended']).optional(),
  from: day.optional(),
  to: day.optional(),
  queue: z.string().max(64).optional(),
  agent: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  after: z.string().max(64).optional(),
})
const idParams = z.object({ id: z.string().min(1).max(64) })
const exportQuery = z.object({ download: z.enum(['0', '1']).optional() })

const fileName = (channelId: string, createdAt: string, ext: string) => `parley-${createdAt.slice(0, 10)}-${channelId.replace(/[^A-Za-z0-9_-]/g, '')}.${ext}`

export function archiveRoutes(services: Services, management: Management, db: Database): Router {
  const router = Router()
  router.use(requireAgent(services.sessions))
  const { archive, audit } = management

  const viewer = (req: Request) => ({ agentId: req.agent!.agentId, tenantId: req.agent!.tenantId, role: req.agent!.role })
  const tenantOf = (tenantId: string) => db.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { name: true, timezone: true } })

  router.get('/channels', async (req, res) => {
    const query = validate('query', listQuery, req.query)
    const { timezone } = await tenantOf(req.agent!.tenantId)
    const result = await archive.list(viewer(req), {
      q: query.q,
      status: query.status,
      from: query.from ? zonedTime(query.from, timezone) : undefined,
      to: query.to ? zonedTime(addDays(query.to, 1), timezone) : undefined,
      queueId: query.queue,
      agentId: query.agent,
      limit: query.limit,
      after: query.after,
    })
    res.json(result)
  })

  /** Queues and agents to filter by. */
  router.get('/filters', async (req, res) => {
    const tenantId = req.agent!.tenantId
    const staff = req.agent!.role !== 'agent'
    const [queues, agents, tenant] = await Promise.all([
      db.queue.findMany({ where: { tenantId }, select: { id: true, slug: true, name: true }, orderBy: { sortOrder: 'asc' } }),
      staff ? db.agent.findMany({ where: { tenantId }, select: { id: true, displayName: true }, orderBy: { displayName: 'asc' } }) : [],
      tenantOf(tenantId),
    ])
    res.json({ queues, agents, timezone: tenant.timezone })
  })

  router.get('/channels/:id', async (req, res) => {
    const { id } = validate('channel', idParams, req.params)
    res.json(await archive.transcript(viewer(req), id))
  })

  const exported = async (req: Request, format: string, channelId: string) => {
    await audit.record(await actorOf(req, services), { tenantId: req.agent!.tenantId, action: 'transcript.export', targetType: 'channel', targetId: channelId, after: { format } })
  }
  const attach = (res: Response, name: string) => res.set('Content-Disposition', `attachment; filename="${name}"`)

  router.get('/channels/:id/export.json', async (req, res) => {
    const { id } = validate('channel', idParams, req.params)
    const transcript = await archive.transcript(viewer(req), id)
    const actor = await actorOf(req, services)
    const tenant = await tenantOf(req.agent!.tenantId)
    await exported(req, 'json', id)
    attach(res, fileName(id, transcript.channel.createdAt, 'json'))
    res.type('application/json').send(transcriptJson(transcript, actor.name, tenant.name))
  })

  router.get('/channels/:id/export.html', async (req, res) => {
    const { id } = validate('channel', idParams, req.params)
    const { download } = validate('query', exportQuery, req.query)
    const transcript = await archive.transcript(viewer(req), id)
    const actor = await actorOf(req, services)
    const tenant = await tenantOf(req.agent!.tenantId)
    await exported(req, 'html', id)
    res.set('Content-Security-Policy', EXPORT_CSP)
    res.set('X-Content-Type-Options', 'nosniff')
    if (download === '1') attach(res, fileName(id, transcript.channel.createdAt, 'html'))
    res.type('text/html').send(transcriptHtml(transcript, { tenantName: tenant.name, timeZone: tenant.timezone, exportedBy: actor.name }))
  })

  router.get('/channels/:id/export.pdf', async (req, res) => {
    const { id } = validate('channel', idParams, req.params)
    const transcript = await archive.transcript(viewer(req), id)
    const actor = await actorOf(req, services)
    const tenant = await tenantOf(req.agent!.tenantId)
    await exported(req, 'pdf', id)
    attach(res, fileName(id, transcript.channel.createdAt, 'pdf'))
    res.type('application/pdf').send(transcriptPdf(transcript, { tenantName: tenant.name, timeZone: tenant.timezone, exportedBy: actor.name }))
  })

  return router
}
