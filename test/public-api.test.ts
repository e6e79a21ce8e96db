/**
 * The public API: API keys (shown once, hashed, revocable), tenant scoping, the OpenAPI
 * document matching the registered routes and the real responses; and the operations
 * endpoints (/metrics, /healthz, /readyz).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Parley } from '../server/app.js'
import { hashPassword } from '../server/auth/password.js'
import { newId } from '../server/store/ids.js'
import { AgentList, AgentOne, ChannelOne, ChannelPage, TranscriptOne, UsageOne } from '../server/http/public-api-schemas.js'
import { AGENT_EMAILS, DEMO_PASSWORD, ask, eventually, login, startChat, startTestParley } from './support/parley-harness.js'

let parley: Parley
let admin: string
let key: string
let otherKey: string
let channelId: string
const sockets: { close(): void }[] = []

const v1 = (path: string, apiKey: string | null = key) => fetch(`${parley.url}/api/v1${path}`, { headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {} })

beforeAll(async () => {
  parley = await startTestParley()
  admin = await login(parley.url, AGENT_EMAILS.admin)
  const other = newId('tn')
  await parley.db.tenant.create({ data: { id: other, slug: 'other', name: 'Other shop' } })
  await parley.db.agent.create({ data: { id: newId('ag'), tenantId: other, email: 'boss@other.example', displayName: 'Other boss', role: 'admin', passwordHash: await hashPassword(DEMO_PASSWORD) } })
  const created = await fetch(`${parley.url}/api/admin/api-keys`, { method: 'POST', headers: { cookie: admin, origin: parley.url, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'CRM sync' }) })
  expect(created.status).toBe(201)
  key = (await created.json()).key
  const otherAdmin = await login(parley.url, 'boss@other.example', DEMO_PASSWORD, 'other')
  otherKey = (await (await fetch(`${parley.url}/api/admin/api-keys`, { method: 'POST', headers: { cookie: otherAdmin, origin: parley.url, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'theirs' }) })).json()).key

  const chat = await startChat(parley, { question: 'API question', clientRequestId: 'api-1' })
  sockets.push(chat.agent, chat.visitor)
  channelId = chat.channel.id
  await ask(chat.visitor, 'chat:send', { channelId, clientMsgId: 'm1', text: 'hello from the API test' })
  await ask(chat.agent, 'channel:leave', { channelId })
  await eventually(async () => expect((await parley.db.usageRecord.count({ where: { kind: 'chat_seconds' } }))).toBe(1))
})

afterAll(async () => {
  for (const socket of sockets) socket.close()
  await parley.close()
})

describe('API keys', () => {
  it('are shown once, stored hashed and listed by prefix', async () => {
    expect(key).toMatch(/^pk_[0-9a-f]{8}_[\w-]{32}$/)
    const rows = await parley.db.apiKey.findMany()
    expect(JSON.stringify(rows)).not.toContain(key.split('_')[2])
    const listed = await (await fetch(`${parley.url}/api/admin/api-keys`, { headers: { cookie: admin } })).json()
    expect(listed.keys).toEqual([expect.objectContaining({ name: 'CRM sync', prefix: key.split('_').slice(0, 2).join('_'), revokedAt: null })])
    expect(JSON.stringify(listed)).not.toContain(key)
  })

  it('are required and checked', async () => {
    expect((await v1('/channels', null)).status).toBe(401)
    expect((await v1('/channels', 'pk_00000000_nope')).status).toBe(401)
    const answer = await (await v1('/agents', 'garbage')).json()
    expect(answer.error.code).toBe('unauthorized')
  })
})

describe('the REST API', () => {
  it('lists channels, gets one, and its transcript, in the documented shapes', async () => {
    const page = ChannelPage.parse(await (await v1('/channels')).json())
    expect(page.data.map((c) => c.id)).toEqual([channelId])
    expect(page.next).toBeNull()
    expect(ChannelOne.parse(await (await v1(`/channels/${channelId}`)).json()).data).toMatchObject({ id: channelId, status: 'ended', messages: 2 })
    const transcript = TranscriptOne.parse(await (await v1(`/channels/${channelId}/transcript`)).json()).data
    expect(transcript.events.filter((e) => e.type === 'chat.message').map((e) => (e.payload as { text: string }).text)).toEqual(['API question', 'hello from the API test'])
    expect(ChannelPage.parse(await (await v1('/channels?q=hello%20from')).json()).data).toHaveLength(1)
    expect(ChannelPage.parse(await (await v1('/channels?status=open')).json()).data).toHaveLength(0)
    expect((await v1('/channels?limit=0')).status).toBe(400)
  })

  it('reports usage and agents', async () => {
    const today = new Date().toISOString().slice(0, 10)
    const usage = UsageOne.parse(await (await v1(`/usage?from=${today}&to=${today}`)).json()).data
    const chat = await parley.db.usageRecord.findFirstOrThrow({ where: { kind: 'chat_seconds' } })
    expect(usage.totals).toEqual({ chatSeconds: chat.quantity, mediaSeconds: 0, pstnSeconds: 0, hits: 1 })
    expect(usage.days).toEqual([{ date: today, chatSeconds: chat.quantity, mediaSeconds: 0, pstnSeconds: 0, hits: 1 }])
    expect((await v1('/usage?from=2026-02-30&to=x')).status).toBe(400)
    const agents = AgentList.parse(await (await v1('/agents')).json()).data
    const team = await parley.db.agent.findMany({ where: { tenant: { slug: 'demo' } } })
    expect(agents.map((a) => a.email).sort()).toEqual(team.map((a) => a.email).sort())
    expect(agents.map((a) => a.email)).toEqual(expect.arrayContaining([AGENT_EMAILS.admin, AGENT_EMAILS.anna, AGENT_EMAILS.ben]))
    expect(AgentOne.parse(await (await v1(`/agents/${agents[0]!.id}`)).json()).data.id).toBe(agents[0]!.id)
  })

  it('is scoped to the key’s tenant', async () => {
    expect((await (await v1('/channels', otherKey)).json()).data).toEqual([])
    expect((await v1(`/channels/${channelId}`, otherKey)).status).toBe(404)
    expect((await v1(`/channels/${channelId}/transcript`, otherKey)).status).toBe(404)
    const demoAgent = (await parley.db.agent.findFirstOrThrow({ where: { email: AGENT_EMAILS.anna } })).id
    expect((await v1(`/agents/${demoAgent}`, otherKey)).status).toBe(404)
    expect((await (await v1('/agents', otherKey)).json()).data.map((a: { email: string }) => a.email)).toEqual(['boss@other.example'])
  })

  it('stops accepting a revoked key at once', async () => {
    const { keys } = await (await fetch(`${parley.url}/api/admin/api-keys`, { headers: { cookie: admin } })).json()
    const revoked = await fetch(`${parley.url}/api/admin/api-keys/${keys[0].id}`, { method: 'DELETE', headers: { cookie: admin, origin: parley.url, 'content-type': 'application/json' } })
    expect((await revoked.json()).apiKey.revokedAt).not.toBeNull()
    expect((await v1('/channels')).status).toBe(401)
    expect(await parley.db.auditEntry.count({ where: { action: { in: ['api_key.create', 'api_key.revoke'] } } })).toBe(3)
  })
})

describe('rate limiting', () => {
  it('answers 429 with Retry-After past the per-key limit', async () => {
    const limited = await startTestParley({ API_RATE_PER_MINUTE: '3' })
    try {
      const tenantId = (await limited.db.tenant.findUniqueOrThrow({ where: { slug: 'demo' } })).id
      const { key: limitedKey } = await limited.management.apiKeys.create(tenantId, 'burst', null)
      const statuses: number[] = []
      for (let i = 0; i < 4; i++) statuses.push((await fetch(`${limited.url}/api/v1/agents`, { headers: { authorization: `Bearer ${limitedKey}` } })).status)
      expect(statuses).toEqual([200, 200, 200, 429])
      const refused = await fetch(`${limited.url}/api/v1/agents`, { headers: { authorization: `Bearer ${limitedKey}` } })
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
      expect((await refused.json()).error.code).toBe('rate_limited')
    } finally {
      await limited.close()
    }
  })
})

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 and documents exactly the registered routes', async () => {
    const response = await fetch(`${parley.url}/api/v1/openapi.json`)
    expect(response.status).toBe(200)
    const doc = await response.json()
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.servers).toEqual([{ url: `${parley.url}/api/v1` }])
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops as object).map((method) => `${method.toUpperCase()} ${path}`)).sort()
    expect(documented).toEqual(['GET /agents', 'GET /agents/{id}', 'GET /channels', 'GET /channels/{id}', 'GET /channels/{id}/transcript', 'GET /usage', 'POST /carts/events'])
    // every documented path answers (401 without a key, not 404), and an undocumented one does not
    for (const entry of documented) {
      const path = entry.split(' ')[1]!.replace('{id}', 'x')
      expect((await fetch(`${parley.url}/api/v1${path}`)).status, path).toBe(401)
    }
    // every $ref resolves to a published component
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]!)
    expect(refs.length).toBeGreaterThan(5)
    for (const ref of refs) expect(doc.components.schemas[ref], ref).toBeDefined()
    expect(JSON.stringify(doc)).not.toContain('$defs')
    // parameters come from the zod schemas
    const list = doc.paths['/channels'].get
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(['status', 'from', 'to', 'q', 'limit', 'after'])
    expect(list.parameters.find((p: { name: string }) => p.name === 'limit')).toMatchObject({ in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } })
    expect(doc.paths['/usage'].get.parameters.map((p: { required: boolean }) => p.required)).toEqual([true, true])
    expect(doc.components.schemas.Channel.required).toEqual(expect.arrayContaining(['id', 'status', 'createdAt', 'participants']))
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' })
  })
})

describe('operations endpoints', () => {
  it('serves Prometheus metrics with queue, channel, media and SIP series', async () => {
    const response = await fetch(`${parley.url}/metrics`)
    expect(response.headers.get('content-type')).toContain('text/plain')
    const text = await response.text()
    for (const name of ['parley_queue_waiting', 'parley_queue_wait_seconds_bucket', 'parley_channels_active', 'parley_channels_opened_total 1', 'parley_channels_ended_total{reason="agent_left"} 1', 'parley_media_calls_active 0', 'parley_media_workers 0', 'parley_sip_calls_total', 'parley_sip_active_calls 0', 'parley_webhook_backlog 0', 'parley_requests_total{kind="chat"} 1', 'parley_process_cpu_user_seconds_total']) {
      expect(text, name).toContain(name)
    }
    expect(text).toMatch(/parley_agents\{tenant="demo",state="ready"\} 1/)
    expect(text).toMatch(/parley_http_requests_total\{group="public_api",method="GET",status="2xx"\} \d+/)
    expect(text).toMatch(/parley_channel_events_total\{type="chat.message"\} 2/)
  })

  it('answers health and readiness', async () => {
    expect(await (await fetch(`${parley.url}/healthz`)).json()).toEqual({ ok: true })
    expect(await (await fetch(`${parley.url}/readyz`)).json()).toEqual({ ready: true, database: true })
  })
})
