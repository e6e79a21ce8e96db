/**
 * Authorization of every HTTP route, generated from the app's own router stacks: each route
 * must be in ACCESS below (a new route without an entry fails here). Per route: anonymous,
 * forged-cookie and API-key callers of console routes get 401, lower roles 403, the right
 * role neither; public-API routes need a key and no cookie opens them; widget routes need an
 * allowed Origin; every state-changing cookie route refuses cross-site requests (CSRF) and
 * stores nothing then. Tenant isolation: another tenant's admin and API key, pointed at this
 * tenant's real ids with valid bodies, get 404 and change nothing. Session cookie flags.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Parley } from '../server/app.js'
import { hashPassword } from '../server/auth/password.js'
import { loadConfig } from '../server/config.js'
import { newId } from '../server/store/ids.js'
import type { ChannelView } from '../web/protocol/views.js'
import { AGENT_EMAILS, DEMO_PASSWORD, login, startChat, startTestParley } from './support/parley-harness.js'
import { appOf, fillPath, listRoutes, type RouteEntry } from './support/route-list.js'

type Access = 'public' | 'login' | 'widget' | 'agent' | 'supervisor' | 'admin' | 'apikey'

const r = (access: Access, ...keys: string[]) => Object.fromEntries(keys.map((key) => [key, access]))

/** Who may call what. Add every new route here (and think about who may call it). */
const ACCESS: Record<string, Access> = {
  ...r('public', 'GET /', 'GET /healthz', 'GET /readyz', 'GET /metrics', 'GET /widget.js', 'GET /api/v1/openapi.json'),
  ...r('login', 'POST /api/auth/login', 'POST /api/auth/logout'),
  ...r(
    'widget',
    'GET /api/widget/:tenant/status',
    'GET /api/widget/:tenant/presence',
    'GET /api/widget/:tenant/presence/stream',
    'OPTIONS /api/widget/:tenant/cart',
    'POST /api/widget/:tenant/cart',
    'GET /api/widget/:tenant/offers/stream',
    'OPTIONS /api/widget/:tenant/offers/:id',
    'POST /api/widget/:tenant/offers/:id',
  ),
  ...r('agent', 'GET /api/auth/me', 'GET /api/archive/channels', 'GET /api/archive/filters', 'GET /api/archive/channels/:id', 'GET /api/archive/channels/:id/export.html', 'GET /api/archive/channels/:id/export.json', 'GET /api/archive/channels/:id/export.pdf'),
  ...r('supervisor', 'GET /api/reports/agents', 'GET /api/reports/attendance', 'GET /api/reports/calls', 'GET /api/reports/funnel', 'GET /api/reports/in-queue', 'GET /api/reports/queues'),
  ...r(
    'admin',
    'PATCH /api/admin/agents/:id',
    'GET /api/admin/api-keys',
    'POST /api/admin/api-keys',
    'DELETE /api/admin/api-keys/:id',
    'GET /api/admin/audit',
    'GET /api/admin/business-hours',
    'PUT /api/admin/business-hours',
    'GET /api/admin/embed',
    'GET /api/admin/offer-rules',
    'POST /api/admin/offer-rules',
    'DELETE /api/admin/offer-rules/:id',
    'PUT /api/admin/offer-rules/:id',
    'GET /api/admin/offer-rules/stats',
    'POST /api/admin/origins',
    'DELETE /api/admin/origins/:id',
    'POST /api/admin/queues',
    'DELETE /api/admin/queues/:id',
    'PUT /api/admin/queues/:id',
    'GET /api/admin/routing',
    'POST /api/admin/rules',
    'DELETE /api/admin/rules/:id',
    'PUT /api/admin/settings',
    'POST /api/admin/skills',
    'DELETE /api/admin/skills/:id',
    'GET /api/admin/team',
    'POST /api/admin/team',
    'PATCH /api/admin/team/:id',
    'POST /api/admin/team/:id/disable',
    'POST /api/admin/team/:id/enable',
    'POST /api/admin/team/:id/reset-password',
    'GET /api/admin/tenant',
    'PUT /api/admin/tenant',
    'GET /api/admin/trunks',
    'POST /api/admin/trunks',
    'DELETE /api/admin/trunks/:id',
    'PUT /api/admin/trunks/:id',
    'POST /api/admin/trunks/:id/test',
    'GET /api/admin/webhooks',
    'POST /api/admin/webhooks',
    'DELETE /api/admin/webhooks/:id',
    'PATCH /api/admin/webhooks/:id',
    'POST /api/admin/webhooks/:id/rotate-secret',
    'POST /api/admin/webhooks/:id/test',
    'GET /api/admin/webhooks/deliveries',
    'POST /api/admin/webhooks/deliveries/:id/redeliver',
    'GET /api/billing/charges',
    'GET /api/billing/plan',
    'PUT /api/billing/plan',
    'GET /api/billing/statements',
    'POST /api/billing/statements',
    'GET /api/billing/statements/:id',
    'GET /api/billing/statements/:id/reconcile',
    'GET /api/billing/statements/:id/statement.csv',
    'GET /api/billing/statements/:id/statement.html',
    'GET /api/billing/statements/preview',
    'GET /api/billing/usage',
  ),
  ...r('apikey', 'GET /api/v1/agents', 'GET /api/v1/agents/:id', 'POST /api/v1/carts/events', 'GET /api/v1/channels', 'GET /api/v1/channels/:id', 'GET /api/v1/channels/:id/transcript', 'GET /api/v1/usage'),
}

const ROLES = ['agent', 'supervisor', 'admin'] as const
const EVIL = 'https://evil.example'

let parley: Parley
let routes: RouteEntry[]
const cookies: Record<'agent' | 'supervisor' | 'admin' | 'otherAdmin', string> = { agent: '', supervisor: '', admin: '', otherAdmin: '' }
const keys = { demo: '', other: '' }
let channel: ChannelView
const closers: { close(): void }[] = []

const key = (route: RouteEntry) => `${route.method} ${route.path}`
const isWrite = (method: string) => !['GET', 'HEAD', 'OPTIONS'].includes(method)

/** One request; streams are cut once the status is known. */
async function call(route: RouteEntry, options: { cookie?: string; origin?: string | null; authorization?: string; ids?: Record<string, string>; body?: unknown; query?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...options.headers }
  if (options.cookie) headers.cookie = options.cookie
  if (options.origin !== null) headers.origin = options.origin ?? parley.url
  if (options.authorization) headers.authorization = options.authorization
  const hasBody = isWrite(route.method)
  if (hasBody) headers['content-type'] = 'application/json'
  const abort = new AbortController()
  const response = await fetch(`${parley.url}${fillPath(route.path, { tenant: 'demo', ...options.ids })}${options.query ?? ''}`, { method: route.method, headers, body: hasBody ? JSON.stringify(options.body ?? {}) : undefined, signal: abort.signal, redirect: 'manual' })
  const type = response.headers.get('content-type') ?? ''
  const body = type.includes('json') ? ((await response.json()) as { error?: { code: string; message: string } }) : null
  if (!type.includes('json')) abort.abort()
  return { status: response.status, body, headers: response.headers }
}

beforeAll(async () => {
  parley = await startTestParley()
  routes = listRoutes(appOf(parley))
  const tenantId = newId('tn')
  await parley.db.tenant.create({ data: { id: tenantId, slug: 'other', name: 'Other shop' } })
  await parley.db.agent.create({ data: { id: newId('ag'), tenantId, email: 'boss@other.example', displayName: 'Other boss', role: 'admin', passwordHash: await hashPassword(DEMO_PASSWORD) } })
  cookies.agent = await login(parley.url, AGENT_EMAILS.ben)
  cookies.supervisor = await login(parley.url, AGENT_EMAILS.sam)
  cookies.admin = await login(parley.url, AGENT_EMAILS.admin)
  cookies.otherAdmin = await login(parley.url, 'boss@other.example', DEMO_PASSWORD, 'other')
  for (const [tenant, cookie] of [['demo', cookies.admin], ['other', cookies.otherAdmin]] as const) {
    const created = await fetch(`${parley.url}/api/admin/api-keys`, { method: 'POST', headers: { cookie, origin: parley.url, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'authz test' }) })
    keys[tenant] = ((await created.json()) as { key: string }).key
  }
  const chat = await startChat(parley, { clientRequestId: 'authz-1' })
  channel = chat.channel
  closers.push(chat.agent, chat.visitor)
})

afterAll(async () => {
  for (const closer of closers) closer.close()
  await parley.close()
})

describe('the route table', () => {
  it('has an access rule for every route, and no rule for a route that is gone', () => {
    const found = routes.map(key).sort()
    expect(found.filter((k) => !(k in ACCESS)), 'routes without an access rule: add them to ACCESS').toEqual([])
    expect(Object.keys(ACCESS).filter((k) => !found.includes(k)), 'rules for routes that no longer exist').toEqual([])
  })
})

describe('console routes (session cookie)', () => {
  it('refuse anonymous, forged and API-key callers with 401, lower roles with 403, and let the role in', async () => {
    const problems: string[] = []
    for (const route of routes) {
      const access = ACCESS[key(route)]
      if (access !== 'agent' && access !== 'supervisor' && access !== 'admin') continue
      const expect401 = [await call(route), await call(route, { cookie: 'parley_session=forged' }), await call(route, { authorization: `Bearer ${keys.demo}` })]
      for (const result of expect401) if (result.status !== 401) problems.push(`${key(route)} without a session: ${result.status}`)
      const needed = ROLES.indexOf(access)
      for (const [i, role] of ROLES.entries()) {
        const result = await call(route, { cookie: cookies[role] })
        if (i < needed && result.status !== 403) problems.push(`${key(route)} as ${role}: ${result.status}, expected 403`)
        if (i >= needed && (result.status === 401 || result.status === 403 || result.status >= 500)) problems.push(`${key(route)} as ${role}: ${result.status} ${JSON.stringify(result.body)}`)
      }
    }
    expect(problems).toEqual([])
  })

  it('refuse cross-site writes (CSRF) on every state-changing cookie route, storing nothing', async () => {
    const before = await parley.db.auditEntry.count()
    const problems: string[] = []
    for (const route of routes) {
      const access = ACCESS[key(route)]
      if (!isWrite(route.method) || !['agent', 'supervisor', 'admin', 'login'].includes(access!)) continue
      const attempts = [
        { origin: EVIL },
        { origin: null },
        { origin: null, headers: { 'sec-fetch-site': 'cross-site' } },
        { origin: 'null' },
        { origin: parley.url.replace('127.0.0.1', '127.0.0.2') },
      ]
      for (const attempt of attempts) {
        const result = await call(route, { cookie: cookies.admin, ...attempt })
        if (result.status !== 403 || !result.body?.error?.message.includes('cross-site')) problems.push(`${key(route)} ${JSON.stringify(attempt)}: ${result.status}`)
      }
    }
    expect(problems).toEqual([])
    expect(await parley.db.auditEntry.count()).toBe(before)
    // the session is still there (logout was refused too)
    expect((await fetch(`${parley.url}/api/auth/me`, { headers: { cookie: cookies.admin } })).status).toBe(200)
  })

  it('let no other site read them (no CORS for foreign origins)', async () => {
    for (const route of routes.filter((route) => ['agent', 'supervisor', 'admin'].includes(ACCESS[key(route)]!) && route.method === 'GET')) {
      const result = await call(route, { cookie: cookies.admin, origin: EVIL })
      expect(result.headers.get('access-control-allow-origin'), key(route)).toBeNull()
    }
  })
})

describe('public API routes (API key)', () => {
  it('need a key of the tenant; a console session does not open them', async () => {
    const problems: string[] = []
    for (const route of routes.filter((route) => ACCESS[key(route)] === 'apikey')) {
      for (const [what, options] of [
        ['nothing', {}],
        ['a session cookie', { cookie: cookies.admin }],
        ['a forged key', { authorization: 'Bearer pk_forged_nothing' }],
      ] as const) {
        const result = await call(route, options)
        if (result.status !== 401) problems.push(`${key(route)} with ${what}: ${result.status}`)
      }
      const allowed = await call(route, { authorization: `Bearer ${keys.demo}` })
      if (allowed.status === 401 || allowed.status === 403 || allowed.status >= 500) problems.push(`${key(route)} with a key: ${allowed.status}`)
    }
    expect(problems).toEqual([])
  })
})

describe('widget routes', () => {
  it('answer only allowed origins, with a clear origin_refused', async () => {
    // valid input, so the origin check is what answers
    const valid: Record<string, { body?: unknown; query?: string }> = {
      'POST /api/widget/:tenant/cart': { body: { events: [{ type: 'activity' }] } },
      'POST /api/widget/:tenant/offers/:id': { body: { token: 'some-token', answer: 'decline' } },
      'GET /api/widget/:tenant/offers/stream': { query: '?token=some-token' },
    }
    const problems: string[] = []
    for (const route of routes.filter((route) => ACCESS[key(route)] === 'widget' && route.method !== 'OPTIONS')) {
      for (const origin of [EVIL, null]) {
        const result = await call(route, { origin, ...valid[key(route)] })
        if (result.status !== 403 || result.body?.error?.code !== 'origin_refused') problems.push(`${key(route)} from ${origin}: ${result.status}`)
      }
      const allowed = await call(route, { origin: parley.shopUrl!, ...valid[key(route)] })
      if (allowed.status === 401 || allowed.status === 403 || allowed.status >= 500) {
        // the offer stream and answers need a visitor token as well: a clear 400/401 without one is right
        if (!(route.path.includes('/offers') && (allowed.status === 400 || allowed.status === 401))) problems.push(`${key(route)} from the shop: ${allowed.status} ${JSON.stringify(allowed.body)}`)
      }
    }
    expect(problems).toEqual([])
  })
})

describe('public routes', () => {
  it('answer anyone without a server error', async () => {
    for (const route of routes.filter((route) => ACCESS[key(route)] === 'public')) expect((await call(route, { origin: null })).status, key(route)).toBeLessThan(500)
  })
})

describe('tenant isolation', () => {
  /** This tenant's rows that another tenant must not be able to touch. */
  const snapshot = async () => {
    const tenant = await parley.db.tenant.findUniqueOrThrow({ where: { slug: 'demo' } })
    const where = { where: { tenantId: tenant.id } }
    const [agents, skills, queues, rules, origins, apiKeys, webhooks, offerRules, trunks, channels] = await Promise.all([
      parley.db.agent.findMany({ ...where, include: { skills: true } }),
      parley.db.skill.findMany(where),
      parley.db.queue.findMany(where),
      parley.db.skillRule.findMany(where),
      parley.db.embedOrigin.findMany(where),
      parley.db.apiKey.findMany(where),
      parley.db.webhookEndpoint.findMany(where),
      parley.db.offerRule.findMany(where),
      parley.db.trunk.findMany(where),
      parley.db.channel.findMany(where),
    ])
    return JSON.stringify({ tenant, agents, skills, queues, rules, origins, apiKeys, webhooks, offerRules, trunks, channels })
  }

  it("keeps another tenant's admin and API key away from this tenant's ids, even with valid bodies", async () => {
    const adminCall = (method: string, path: string, body?: unknown) =>
      fetch(`${parley.url}${path}`, { method, headers: { cookie: cookies.admin, origin: parley.url, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) }).then(async (res) => ({ status: res.status, body: (await res.json()) as any }))
    const webhook = await adminCall('POST', '/api/admin/webhooks', { url: 'https://crm.example.com/parley', events: ['channel.ended'] })
    const rule = await adminCall('POST', '/api/admin/offer-rules', { name: 'Demo rule' })
    const trunkBody = { name: 'Carrier', host: 'sip.carrier.example', callerId: '+15550001111', username: 'acct', password: 'very-secret', dids: [{ number: '+15550002222' }] }
    const trunk = await adminCall('POST', '/api/admin/trunks', trunkBody)
    expect([webhook.status, rule.status, trunk.status]).toEqual([201, 201, 201])
    const tenant = await parley.db.tenant.findUniqueOrThrow({ where: { slug: 'demo' } })
    const anna = await parley.db.agent.findFirstOrThrow({ where: { email: AGENT_EMAILS.anna } })
    const ids: Record<string, string> = {
      agents: anna.id,
      team: anna.id,
      skills: (await parley.db.skill.findFirstOrThrow({ where: { tenantId: tenant.id } })).id,
      queues: (await parley.db.queue.findFirstOrThrow({ where: { tenantId: tenant.id, isDefault: false } })).id,
      rules: (await parley.db.skillRule.findFirstOrThrow({ where: { tenantId: tenant.id } })).id,
      origins: (await parley.db.embedOrigin.findFirstOrThrow({ where: { tenantId: tenant.id } })).id,
      'api-keys': (await parley.db.apiKey.findFirstOrThrow({ where: { tenantId: tenant.id } })).id,
      webhooks: webhook.body.endpoint.id,
      'offer-rules': rule.body.rule.id,
      trunks: trunk.body.trunk.id,
      channels: channel.id,
    }
    const bodies: Record<string, unknown> = {
      'PATCH /api/admin/agents/:id': { maxChats: 1 },
      'PUT /api/admin/offer-rules/:id': { name: 'Hijacked' },
      'PUT /api/admin/queues/:id': { slug: 'hijacked', name: 'Hijacked' },
      'PATCH /api/admin/team/:id': { displayName: 'Hijacked' },
      'PUT /api/admin/trunks/:id': { ...trunkBody, name: 'Hijacked', dids: [{ number: '+15550003333' }] },
      'PATCH /api/admin/webhooks/:id': { description: 'hijacked' },
    }
    const before = await snapshot()
    const problems: string[] = []
    let tried = 0
    for (const route of routes.filter((route) => route.path.includes(':id'))) {
      const collection = /\/([a-z-]+)\/:id/.exec(route.path)?.[1] ?? ''
      const id = ids[collection]
      if (!id) continue
      const access = ACCESS[key(route)]
      const options = access === 'apikey' ? { authorization: `Bearer ${keys.other}` } : { cookie: cookies.otherAdmin }
      const result = await call(route, { ...options, ids: { id }, body: bodies[key(route)] ?? {} })
      tried++
      if (result.status !== 404 && result.status !== 403) problems.push(`${key(route)} by the other tenant: ${result.status} ${JSON.stringify(result.body)}`)
    }
    expect(problems).toEqual([])
    expect(tried).toBeGreaterThanOrEqual(25)
    expect(await snapshot()).toBe(before)
  })
})

describe('the session cookie', () => {
  it('is HttpOnly, SameSite=Strict and scoped to the site; Secure behind https', async () => {
    const response = await fetch(`${parley.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: parley.url }, body: JSON.stringify({ tenant: 'demo', email: AGENT_EMAILS.anna, password: DEMO_PASSWORD }) })
    const cookie = response.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/HttpOnly/i)
    expect(cookie).toMatch(/SameSite=Strict/i)
    expect(cookie).toMatch(/Path=\//i)
    expect(cookie).not.toMatch(/Secure/i)
    const loggedOut = await fetch(`${parley.url}/api/auth/logout`, { method: 'POST', headers: { cookie: cookie.split(';')[0]!, origin: parley.url } })
    expect(loggedOut.headers.get('set-cookie')).toMatch(/HttpOnly.*SameSite=Strict|SameSite=Strict.*HttpOnly/i)

    const secure = await startTestParley({ SECURE_COOKIES: '1', SHOP_PORT: '-1' })
    try {
      const login = await fetch(`${secure.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: secure.url }, body: JSON.stringify({ tenant: 'demo', email: AGENT_EMAILS.anna, password: DEMO_PASSWORD }) })
      expect(login.headers.get('set-cookie')).toMatch(/;\s*Secure/i)
    } finally {
      await secure.close()
    }
    expect(loadConfig({ DATA_DIR: parley.config.dataDir, PUBLIC_URL: 'https://parley.example.com' }).secureCookies).toBe(true)
    expect(loadConfig({ DATA_DIR: parley.config.dataDir, PUBLIC_URL: 'http://parley.local' }).secureCookies).toBe(false)
  })
})
