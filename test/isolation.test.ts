/**
 * Tenant isolation, channel privacy and embed-origin refusal: nobody reads or writes a
 * channel they are not in, nor another tenant's data, and refused origins are recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Parley } from '../server/app.js'
import { hashPassword } from '../server/auth/password.js'
import { newId } from '../server/store/ids.js'
import type { ChannelView, RequestView } from '../web/protocol/views.js'
import { AGENT_EMAILS, DEMO_PASSWORD, ask, connectAgent, connectVisitor, eventually, login, next, nextSession, startChat, startTestParley, type AgentSocket, type VisitorSocket } from './support/parley-harness.js'

let parley: Parley
const sockets: { close(): void }[] = []
const OTHER_ORIGIN = 'https://other-shop.example'

let demoAgent: AgentSocket
let owner: VisitorSocket
let ownerToken: string
let channel: ChannelView
let queuedRequest: RequestView

beforeAll(async () => {
  parley = await startTestParley()
  // a second tenant with its own admin and allowed origin
  const tenantId = newId('tn')
  await parley.db.tenant.create({ data: { id: tenantId, slug: 'other', name: 'Other shop' } })
  await parley.db.embedOrigin.create({ data: { id: newId('eo'), tenantId, origin: OTHER_ORIGIN } })
  await parley.db.agent.create({ data: { id: newId('ag'), tenantId, email: 'boss@other.example', displayName: 'Other boss', role: 'admin', passwordHash: await hashPassword(DEMO_PASSWORD) } })

  const chat = await startChat(parley, { question: 'private question', clientRequestId: 'own-1' })
  ;({ agent: demoAgent, visitor: owner, channel } = chat)
  ownerToken = chat.visitorSession.visitorToken
  sockets.push(demoAgent, owner)
  // and one more request left waiting in the demo queue
  const waiting = connectVisitor(parley.url, parley.shopUrl!)
  sockets.push(waiting)
  await nextSession.visitor(waiting)
  const created = await ask<{ request: RequestView }>(waiting, 'request:create', { clientRequestId: 'wait-1', question: 'still waiting', pageUrl: null })
  if (!created.ok) throw new Error(created.error.message)
  queuedRequest = created.data.request
})

afterAll(async () => {
  for (const socket of sockets) socket.close()
  await parley.close()
})

describe('a visitor', () => {
  it('cannot read, write or leave another visitor\'s channel', async () => {
    const stranger = connectVisitor(parley.url, parley.shopUrl!)
    sockets.push(stranger)
    await nextSession.visitor(stranger)
    const before = await parley.db.channelEvent.count()
    expect(await ask(stranger, 'channel:resume', { channelId: channel.id, afterSeq: 0 })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await ask(stranger, 'chat:send', { channelId: channel.id, clientMsgId: 'x1', text: 'let me in' })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await ask(stranger, 'channel:leave', { channelId: channel.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await ask(stranger, 'request:cancel', { requestId: queuedRequest.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    const typingSeen: unknown[] = []
    demoAgent.on('channel:typing', (signal) => typingSeen.push(signal))
    stranger.emit('chat:typing', { channelId: channel.id, text: 'spoofed' })
    const error = await next<{ code: string }>(stranger as never, 'error')
    expect(error.code).toBe('forbidden')
    expect(typingSeen).toEqual([])
    expect(await parley.db.channelEvent.count()).toBe(before)
  })

  it('is only recognized by a token of the same tenant', async () => {
    const back = connectVisitor(parley.url, parley.shopUrl!, { visitorToken: ownerToken })
    sockets.push(back)
    const session = await nextSession.visitor(back)
    expect(session.channels.map((c) => c.id)).toEqual([channel.id])

    const elsewhere = connectVisitor(parley.url, OTHER_ORIGIN, { tenant: 'other', visitorToken: ownerToken })
    sockets.push(elsewhere)
    const foreign = await nextSession.visitor(elsewhere)
    expect(foreign.visitorId).not.toBe(session.visitorId)
    expect(foreign.channels).toEqual([])
    expect(await ask(elsewhere, 'channel:resume', { channelId: channel.id, afterSeq: 0 })).toMatchObject({ ok: false, error: { code: 'not_found' } })

    const forged = connectVisitor(parley.url, parley.shopUrl!, { visitorToken: ownerToken.slice(0, -2) + 'xx' })
    sockets.push(forged)
    expect((await nextSession.visitor(forged)).visitorId).not.toBe(session.visitorId)
  })
})

describe('an agent of another tenant', () => {
  let intruder: AgentSocket
  let cookie: string

  beforeAll(async () => {
    cookie = await login(parley.url, 'boss@other.example', DEMO_PASSWORD, 'other')
    intruder = connectAgent(parley.url, cookie)
    sockets.push(intruder)
    const session = await nextSession.agent(intruder)
    expect(session.offers).toEqual([])
    await ask(intruder, 'agent:set-state', { state: 'ready' })
  })

  it('is never offered, and cannot accept, another tenant\'s requests', async () => {
    const offered: RequestView[] = []
    intruder.on('request:offered', (r) => offered.push(r))
    expect(await ask(intruder, 'request:accept', { requestId: queuedRequest.id })).toMatchObject({ ok: false, error: { code: 'conflict' } })
    expect((await parley.db.request.findUniqueOrThrow({ where: { id: queuedRequest.id } })).status).toBe('queued')
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(offered).toEqual([])
  })

  it('cannot read or write the channel', async () => {
    expect(await ask(intruder, 'channel:resume', { channelId: channel.id, afterSeq: 0 })).toMatchObject({ ok: false, error: { code: 'not_found' } })
    expect(await ask(intruder, 'chat:send', { channelId: channel.id, clientMsgId: 'x2', text: 'hi' })).toMatchObject({ ok: false, error: { code: 'invalid_state' } })
  })

  it('sees only their own tenant in the admin API', async () => {
    const response = await fetch(`${parley.url}/api/admin/embed`, { headers: { cookie } })
    const body = (await response.json()) as { origins: { origin: string }[]; snippet: string }
    expect(body.origins.map((o) => o.origin)).toEqual([OTHER_ORIGIN])
    expect(body.snippet).toContain('data-tenant="other"')
    const demoOrigin = (await parley.db.embedOrigin.findFirstOrThrow({ where: { tenant: { slug: 'demo' } } })).id
    const removal = await fetch(`${parley.url}/api/admin/origins/${demoOrigin}`, { method: 'DELETE', headers: { cookie, origin: parley.url } })
    expect(removal.status).toBe(404)
    expect(await parley.db.embedOrigin.count({ where: { id: demoOrigin } })).toBe(1)
  })
})

describe('the admin API', () => {
  it('needs a session, the admin role and a same-origin request', async () => {
    expect((await fetch(`${parley.url}/api/admin/embed`)).status).toBe(401)
    const agentCookie = await login(parley.url, AGENT_EMAILS.ben)
    const asAgent = await fetch(`${parley.url}/api/admin/embed`, { headers: { cookie: agentCookie } })
    expect(asAgent.status).toBe(403)
    const adminCookie = await login(parley.url, AGENT_EMAILS.admin)
    const crossSite = await fetch(`${parley.url}/api/admin/origins`, {
      method: 'POST',
      headers: { cookie: adminCookie, origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ origin: 'https://evil.example' }),
    })
    expect(crossSite.status).toBe(403)
    const bad = await fetch(`${parley.url}/api/admin/origins`, {
      method: 'POST',
      headers: { cookie: adminCookie, origin: parley.url, 'content-type': 'application/json' },
      body: JSON.stringify({ origin: 'https://shop.example/path' }),
    })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('no path')
    const good = await fetch(`${parley.url}/api/admin/origins`, {
      method: 'POST',
      headers: { cookie: adminCookie, origin: parley.url, 'content-type': 'application/json' },
      body: JSON.stringify({ origin: 'https://New-Shop.example' }),
    })
    expect(good.status).toBe(201)
    expect(((await good.json()) as { origin: { origin: string } }).origin.origin).toBe('https://new-shop.example')
  })

  it('records login attempts with IP and time', async () => {
    const wrong = await fetch(`${parley.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: parley.url },
      body: JSON.stringify({ tenant: 'demo', email: AGENT_EMAILS.ben, password: 'not-it' }),
    })
    expect(wrong.status).toBe(401)
    const records = await parley.db.loginRecord.findMany({ where: { email: AGENT_EMAILS.ben }, orderBy: { createdAt: 'asc' } })
    expect(records.map((r) => r.success)).toEqual([true, false])
    expect(records.every((r) => r.ip.includes('127.0.0.1') && r.createdAt instanceof Date)).toBe(true)
  })
})

describe('an embed from an origin that is not allowed', () => {
  it('is refused on the socket and over HTTP, with a clear message, and counted', async () => {
    const evil = connectVisitor(parley.url, 'https://evil.example')
    sockets.push(evil)
    const error = await next<Error & { data: { code: string; message: string } }>(evil as never, 'connect_error')
    expect(error.data).toMatchObject({ code: 'origin_refused' })
    expect(error.data.message).toContain('https://evil.example is not allowed')
    const http = await fetch(`${parley.url}/api/widget/demo/status?page=${encodeURIComponent('https://evil.example/cart')}`, { headers: { origin: 'https://evil.example' } })
    expect(http.status).toBe(403)
    expect(((await http.json()) as { error: { code: string } }).error.code).toBe('origin_refused')
    const none = await fetch(`${parley.url}/api/widget/demo/status`)
    expect(none.status).toBe(403)
    await eventually(async () => {
      const row = await parley.db.refusedOrigin.findFirstOrThrow({ where: { origin: 'https://evil.example' } })
      expect(row.count).toBeGreaterThanOrEqual(1)
    })
    const unknownTenant = connectVisitor(parley.url, parley.shopUrl!, { tenant: 'nope' })
    sockets.push(unknownTenant)
    expect((await next<Error & { data: { code: string } }>(unknownTenant as never, 'connect_error')).data.code).toBe('not_found')
  })
})
