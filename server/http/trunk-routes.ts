/**
 * Admin API for the tenant's SIP trunks (mounted at /api/admin/trunks, admins only): list with
 * their run state, create, replace, delete, and an OPTIONS test. Secrets (the digest password,
 * the presence secret) are write-only: a string sets, null clears, leaving it out keeps it;
 * responses only say whether one is set. Every save restarts what changed at once.
 */
import { isIP } from 'node:net'
import { Router } from 'express'
import { z } from 'zod'
import { E164_PATTERN } from '../../web/protocol/phone.js'
import { readTenantSettings } from '../domain/tenant-settings.js'
import { ConflictError, ValidationError } from '../errors.js'
import type { Database } from '../store/database.js'
import type { Services } from '../services/services.js'
import type { TrunkInput, TrunkView } from '../services/trunk-directory.js'
import { requireAgent } from './agent-auth.js'
import { validate } from './validate.js'

const e164 = z.string().trim().regex(E164_PATTERN, 'must be an E.164 number, e.g. +4930123456')
const hostName = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .refine((value) => isIP(value) === 4 || /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(value), 'must be a host name or an IPv4 address')
const slug = z.string().trim().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'must be a queue slug')
const language = z.string().trim().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, 'must be a language tag like de or en-GB')

const trunkBody = z.strictObject({
  name: z.string().trim().min(1).max(80),
  host: hostName,
  port: z.int().min(1).max(65535).nullable().default(null),
  transport: z.enum(['udp', 'tcp', 'tls']).default('udp'),
  username: z.string().trim().min(1).max(128).nullable().default(null),
  password: z.string().min(1).max(256).nullable().optional(),
  callerId: e164,
  allowFrom: z
    .array(z.string().trim().refine((value) => isIP(value) !== 0, 'must be an IP address'))
    .max(256)
    .default([]),
  register: z.boolean().default(false),
  localPort: z
    .int()
    .refine((port) => port === 0 || (port >= 1024 && port <= 65535), 'must be 0 (any free port) or 1024-65535')
    .default(0),
  presenceSecret: z.string().min(8, 'at least 8 characters').max(256).nullable().optional(),
  enabled: z.boolean().default(true),
  dids: z
    .array(z.strictObject({ number: e164, queue: slug.nullable().default(null), language: language.nullable().default(null) }))
    .max(1000)
    .default([]),
})

export function trunkRoutes(services: Services, db: Database): Router {
  const router = Router()
  router.use(requireAgent(services.sessions, ['admin']))
  const { phone } = services

  const withStatus = (trunk: TrunkView) => ({ ...trunk, status: phone.trunkStatus(trunk.id) })

  /** Two trunks of a host cannot listen on one fixed port. */
  const checkPort = async (input: TrunkInput, id?: string) => {
    if (input.localPort === 0 || !input.enabled) return
    const clash = await db.trunk.findFirst({ where: { localPort: input.localPort, enabled: true, ...(id ? { id: { not: id } } : {}) }, select: { id: true } })
    if (clash) throw new ConflictError(`local port ${input.localPort} is used by another trunk already`)
  }

  const saved = async (tenantId: string, id: string, status: number, res: import('express').Response) => {
    await phone.reloadTrunks()
    res.status(status).json({ trunk: withStatus(await phone.trunks.get(tenantId, id)) })
  }

  router.get('/', async (req, res) => {
    const tenantId = req.agent!.tenantId
    const tenant = await db.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { settings: true } })
    const settings = readTenantSettings(tenant.settings)
    res.json({
      sip: { available: phone.available },
      settings: { phoneNumbersVisible: settings.phoneNumbersVisible, phoneFallback: settings.phoneFallback },
      trunks: (await phone.trunks.list(tenantId)).map(withStatus),
    })
  })

  router.post('/', async (req, res) => {
    const tenantId = req.agent!.tenantId
    const input = validate('trunk', trunkBody, req.body)
    if (input.username !== null && !input.password) throw new ValidationError('a trunk with a username needs its password', [{ path: 'password', message: 'required with a username' }])
    await checkPort(input)
    const trunk = await phone.trunks.create(tenantId, input)
    await saved(tenantId, trunk.id, 201, res)
  })

  router.put('/:id', async (req, res) => {
    const tenantId = req.agent!.tenantId
    const id = String(req.params.id)
    const input = validate('trunk', trunkBody, req.body)
    await checkPort(input, id)
    await phone.trunks.update(tenantId, id, input)
    await saved(tenantId, id, 200, res)
  })

  router.delete('/:id', async (req, res) => {
    await phone.trunks.remove(req.agent!.tenantId, String(req.params.id))
    await phone.reloadTrunks()
    res.status(204).end()
  })

  router.post('/:id/test', async (req, res) => {
    const trunk = await phone.trunks.get(req.agent!.tenantId, String(req.params.id))
    res.json({ result: await phone.ping(trunk.id) })
  })

  return router
}
