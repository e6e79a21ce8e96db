/**
 * Signed webhooks against a real local HTTP receiver: channel started/ended and call ended
 * from real channels, signatures that verify (and fail when tampered with), retries with
 * growing backoff on 5xx and timeouts, no retry on 4xx, and deliveries that survive a restart.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startParley, type Parley } from '../server/app.js'
import type { Config } from '../server/config.js'
import { verifySignature } from '../server/domain/webhook-signature.js'
import { createLogger } from '../server/log.js'
import { openDatabase } from '../server/store/database.js'
import { newId } from '../server/store/ids.js'
import { AGENT_EMAILS, ask, eventually, login, startChat, testConfig } from './support/parley-harness.js'

interface Received {
  path: string
  headers: http.IncomingHttpHeaders
  body: string
  at: number
}

/** A webhook receiver: `script(path, n)` says how to answer the n-th request to a path. */
function receiver(script: (path: string, n: number) => { status: number; delayMs?: number }) {
  const received: Received[] = []
  const counts = new Map<string, number>()
  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => {
      const path = req.url ?? '/'
      const n = (counts.get(path) ?? 0) + 1
      counts.set(path, n)
      received.push({ path, headers: req.headers, body, at: Date.now() })
      const { status, delayMs = 0 } = script(path, n)
      setTimeout(() => res.writeHead(status, { 'content-type': 'text/plain' }).end(status >= 400 ? 'nope' : 'ok'), delayMs)
    })
  })
  return {
    received,
    server,
    async listen(): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    },
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  }
}

let config: Config
let parley: Parley
let admin: string
let base: string
const sockets: { close(): void }[] = []
const hook = receiver((path, n) => {
  if (path === '/flaky') return { status: n <= 2 ? 503 : 200 }
  if (path === '/slow') return { status: 200, delayMs: 1_000 }
  if (path === '/refuses') return { status: 410 }
  return { status: 200 }
})

const admin_ = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${parley.url}/api/admin${path}`, { method, headers: { cookie: admin, origin: parley.url, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
  return { status: response.status, body: response.status === 204 ? null : await response.json() }
}
const endpoint = async (path: string, events: string[]) => {
  const created = await admin_('POST', '/webhooks', { url: `${base}${path}`, events })
  expect(created.status).toBe(201)
  expect(created.body.secret).toMatch(/^whsec_/)
  return created.body as { endpoint: { id: string }; secret: string }
}
const deliveriesOf = async (endpointId: string) => (await admin_('GET', `/webhooks/deliveries?endpoint=${endpointId}`)).body.deliveries as { id: string; status: string; attempts: number; lastStatusCode: number | null; lastError: string | null; event: string }[]

beforeAll(async () => {
  base = await hook.listen()
  // the receiver runs on 127.0.0.1: allow private targets (the refusal has its own test)
  config = testConfig({ WEBHOOK_RETRY_BASE_MS: '150', WEBHOOK_POLL_MS: '50', WEBHOOK_TIMEOUT_MS: '300', WEBHOOK_MAX_ATTEMPTS: '4', WEBHOOK_ALLOW_PRIVATE: '1' })
  parley = await startParley(config, createLogger(config))
  admin = await login(parley.url, AGENT_EMAILS.admin)
})

afterAll(async () => {
  for (const socket of sockets) socket.close()
  await parley.close()
  await hook.close()
})

describe('webhooks', () => {
  let main: { endpoint: { id: string }; secret: string }
  let channelId: string

  it('validates endpoints and shows the secret only once', async () => {
    const bad = await admin_('POST', '/webhooks', { url: 'ftp://example.com/x', events: ['channel.exploded'] })
    expect(bad.status).toBe(400)
    expect(bad.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['events.0', 'url'])
    main = await endpoint('/main', ['channel.started', 'channel.ended', 'call.ended', 'offer.accepted'])
    const listed = (await admin_('GET', '/webhooks')).body
    expect(JSON.stringify(listed)).not.toContain(main.secret)
    const stored = await parley.db.webhookEndpoint.findUniqueOrThrow({ where: { id: main.endpoint.id } })
    expect(stored.secret).not.toContain(main.secret)
    const audit = await parley.db.auditEntry.findFirstOrThrow({ where: { action: 'webhook.create' } })
    expect(`${audit.before}${audit.after}`).not.toContain(main.secret)
  })

  it('sends channel.started and channel.ended of a real channel, signed', async () => {
    const chat = await startChat(parley, { question: 'webhook me', clientRequestId: 'wh-1' })
    sockets.push(chat.agent, chat.visitor)
    channelId = chat.channel.id
    // a call ends in the channel (as the call service logs it)
    const callId = newId('ca')
    const tenantId = (await parley.db.tenant.findUniqueOrThrow({ where: { slug: 'demo' } })).id
    await parley.db.call.create({ data: { id: callId, tenantId, channelId, video: false, requestedBy: 'x', status: 'ended', endReason: 'hangup', requestedAt: new Date(), startedAt: new Date(), endedAt: new Date() } })
    await parley.services.events.append({ channelId, type: 'call.ended', author: { role: 'system' }, payload: { callId, reason: 'hangup', seconds: 42 } })
    expect((await ask(chat.agent, 'channel:leave', { channelId })).ok).toBe(true)
    await eventually(() => expect(hook.received.filter((r) => r.path === '/main').map((r) => r.headers['parley-event'])).toEqual(['channel.started', 'call.ended', 'channel.ended']))

    for (const request of hook.received.filter((r) => r.path === '/main')) {
      expect(request.headers['content-type']).toBe('application/json')
      expect(verifySignature(main.secret, request.headers['parley-signature'] as string, request.body)).toBe(true)
      expect(request.headers['parley-signature']).toBe(`t=${request.headers['parley-timestamp']},v1=${(request.headers['parley-signature'] as string).split('v1=')[1]}`)
      // a tampered body, another secret or an old timestamp do not verify
      expect(verifySignature(main.secret, request.headers['parley-signature'] as string, request.body.replace('demo', 'evil'))).toBe(false)
      expect(verifySignature('whsec_other', request.headers['parley-signature'] as string, request.body)).toBe(false)
      expect(verifySignature(main.secret, request.headers['parley-signature'] as string, request.body, Math.floor(Date.now() / 1000) + 3600)).toBe(false)
      const body = JSON.parse(request.body)
      expect(body).toMatchObject({ id: request.headers['parley-delivery'], type: request.headers['parley-event'], tenant: 'demo' })
    }
    const [started, call, ended] = hook.received.filter((r) => r.path === '/main').map((r) => JSON.parse(r.body))
    expect(started.data.channel).toMatchObject({ id: channelId, status: 'open', question: 'webhook me' })
    expect(call.data.call).toMatchObject({ id: callId, channelId, endReason: 'hangup' })
    expect(ended.data.channel).toMatchObject({ id: channelId, status: 'ended', endReason: 'agent_left' })
  })

  it('sends offer.accepted through the seam, only to subscribers', async () => {
    const other = await endpoint('/ended-only', ['channel.ended'])
    const tenantId = (await parley.db.tenant.findUniqueOrThrow({ where: { slug: 'demo' } })).id
    const ids = await parley.management.webhooks.emit(tenantId, 'offer.accepted', { offerId: 'of_1', channelId })
    expect(ids).toHaveLength(1)
    await eventually(() => expect(hook.received.some((r) => r.path === '/main' && r.headers['parley-event'] === 'offer.accepted')).toBe(true))
    expect(await deliveriesOf(other.endpoint.id)).toEqual([])
    await admin_('DELETE', `/webhooks/${other.endpoint.id}`)
  })

  it('retries on 5xx with exponential backoff until it is delivered', async () => {
    const flaky = await endpoint('/flaky', ['channel.ended'])
    const tenantId = (await parley.db.tenant.findUniqueOrThrow({ where: { slug: 'demo' } })).id
    await parley.management.webhooks.emit(tenantId, 'channel.ended', { channel: { id: 'ch_test' } })
    await eventually(async () => expect(await deliveriesOf(flaky.endpoint.id)).toEqual([expect.objectContaining({ status: 'delivered', attempts: 3, lastStatusCode: 200 })]), 10_000)
    const times = hook.received.filter((r) => r.path === '/flaky').map((r) => r.at)
    expect(times).toHaveLength(3)
    const [first, second] = [times[1]! - times[0]!, times[2]! - times[1]!]
    expect(first).toBeGreaterThanOrEqual(150) // base
    expect(second).toBeGreaterThanOrEqual(300) // doubled
    // the same delivery each time: same id and body, a fresh signature
    const flakyRequests = hook.received.filter((r) => r.path === '/flaky')
    expect(new Set(flakyRequests.map((r) => r.headers['parley-delivery'])).size).toBe(1)
    expect(new Set(flakyRequests.map((r) => r.body)).size).toBe(1)
    for (const r of flakyRequests) expect(verifySignature(flaky.secret, r.headers['parley-signature'] as string, r.body)).toBe(true)
    await admin_('PATCH', `/webhooks/${flaky.endpoint.id}`, { enabled: false })
  })

  it('retries timeouts until the attempts run out, and does not retry a 4xx', async () => {
    const slow = await endpoint('/slow', ['channel.ended'])
    const refuses = await endpoint('/refuses', ['channel.ended'])
    const tenantId = (await parley.db.tenant.findUniqueOrThrow({ where: { slug: 'demo' } })).id
    await parley.management.webhooks.emit(tenantId, 'channel.ended', { channel: { id: 'ch_test2' } })
    await eventually(async () => expect(await deliveriesOf(refuses.endpoint.id)).toEqual([expect.objectContaining({ status: 'failed', attempts: 1, lastStatusCode: 410 })]))
    await eventually(async () => expect(await deliveriesOf(slow.endpoint.id)).toEqual([expect.objectContaining({ status: 'failed', attempts: 4, lastError: 'no answer within 300 ms' })]), 15_000)
    // an admin sends a failed one again
    const [failed] = await deliveriesOf(refuses.endpoint.id)
    expect((await admin_('POST', `/webhooks/deliveries/${failed!.id}/redeliver`)).status).toBe(202)
    await eventually(async () => expect((await deliveriesOf(refuses.endpoint.id))[0]).toMatchObject({ status: 'failed', attempts: 2 }))
    await admin_('DELETE', `/webhooks/${slow.endpoint.id}`)
    await admin_('DELETE', `/webhooks/${refuses.endpoint.id}`)
  })

  it('keeps undelivered webhooks across a restart', async () => {
    const later = await endpoint('/later', ['channel.ended'])
    // the receiver is unreachable for now
    await parley.db.webhookEndpoint.update({ where: { id: later.endpoint.id }, data: { url: 'http://127.0.0.1:9/unreachable' } })
    const tenantId = (await parley.db.tenant.findUniqueOrThrow({ where: { slug: 'demo' } })).id
    const [deliveryId] = await parley.management.webhooks.emit(tenantId, 'channel.ended', { channel: { id: 'ch_restart' } }, later.endpoint.id)
    await eventually(async () => expect((await parley.db.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId! } })).attempts).toBeGreaterThanOrEqual(1))
    await parley.close()
    // while Parley is down the receiver comes back
    const db = await openDatabase(config)
    expect(await db.webhookDelivery.count({ where: { id: deliveryId!, status: 'pending' } })).toBe(1)
    await db.webhookEndpoint.update({ where: { id: later.endpoint.id }, data: { url: `${base}/later` } })
    await db.$disconnect()
    parley = await startParley(config, createLogger(config))
    admin = await login(parley.url, AGENT_EMAILS.admin)
    await eventually(() => expect(hook.received.filter((r) => r.path === '/later').map((r) => r.headers['parley-delivery'])).toEqual([deliveryId]), 10_000)
    await eventually(async () => expect((await parley.db.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId! } })).status).toBe('delivered'))
  })

  it('sends a test ping on request', async () => {
    const { deliveryId } = (await admin_('POST', `/webhooks/${main.endpoint.id}/test`)).body
    await eventually(() => expect(hook.received.some((r) => r.headers['parley-delivery'] === deliveryId && r.headers['parley-event'] === 'webhook.test')).toBe(true))
  })
})
