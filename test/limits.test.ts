/**
 * Rate limits on a real server with small limits: widget HTTP per address and tenant (429 with
 * Retry-After, readable cross-origin), visitor handshakes, new requests, channel writes per
 * member, events per socket; refused input is never stored, and a client that waits the hinted
 * time gets through. Addresses are told apart by X-Forwarded-For, which counts only because the
 * test connects from loopback (a trusted local proxy).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { io } from 'socket.io-client'
import type { Parley } from '../server/app.js'
import { clientAddress, proxyTrust } from '../server/realtime/client-address.js'
import type { VisitorSession } from '../web/protocol/events.js'
import { AGENT_EMAILS, ask, login, next, startChat, startTestParley, type VisitorSocket } from './support/parley-harness.js'
import { appOf, fillPath, listRoutes } from './support/route-list.js'

let parley: Parley
const sockets: { close(): void }[] = []

// burst = max(5, rate / 4): 20 a minute is a burst of 5, refilled one every 3 s; 40 a minute is 10
beforeAll(async () => {
  parley = await startTestParley({
    WIDGET_RATE_PER_IP: '20',
    WIDGET_RATE_PER_TENANT: '40',
    CONNECT_RATE_PER_IP: '40',
    REQUEST_RATE_PER_IP: '20',
    MESSAGE_RATE_PER_MEMBER: '20',
    SOCKET_EVENT_RATE: '40',
  })
})

afterAll(async () => {
  for (const socket of sockets) socket.close()
  await parley.close()
})

const widget = (path: string, ip: string) => fetch(`${parley.url}/api/widget/demo/${path}`, { headers: { origin: parley.shopUrl!, 'x-forwarded-for': ip } })

function visitorFrom(ip: string): VisitorSocket {
  const socket: VisitorSocket = io(`${parley.url}/visitor`, { forceNew: true, transports: ['websocket'], reconnection: false, extraHeaders: { origin: parley.shopUrl!, 'x-forwarded-for': ip }, auth: { tenant: 'demo', visitorToken: null } })
  sockets.push(socket)
  return socket
}

describe('the client address', () => {
  it('believes X-Forwarded-For only from a local proxy', () => {
    expect(clientAddress('127.0.0.1', '203.0.113.7')).toBe('203.0.113.7')
    expect(clientAddress('::ffff:127.0.0.1', '198.51.100.1, 203.0.113.7')).toBe('203.0.113.7')
    expect(clientAddress('::1', '198.51.100.1, 127.0.0.1')).toBe('198.51.100.1')
    expect(clientAddress('203.0.113.9', '10.0.0.1')).toBe('203.0.113.9')
    expect(clientAddress('::ffff:203.0.113.9', undefined)).toBe('203.0.113.9')
    // behind a proxy on a private network (a compose file's load balancer): TRUST_PROXY=loopback,uniquelocal
    const docker = proxyTrust('loopback, uniquelocal')
    expect(clientAddress('172.18.0.5', '203.0.113.7', docker)).toBe('203.0.113.7')
    expect(clientAddress('172.18.0.5', '203.0.113.7, 10.0.0.9', docker)).toBe('203.0.113.7')
    expect(clientAddress('172.18.0.5', '203.0.113.7')).toBe('172.18.0.5')
    expect(proxyTrust('192.0.2.0/24, 2001:db8::1')('192.0.2.77')).toBe(true)
    expect(proxyTrust('192.0.2.0/24, 2001:db8::1')('2001:db8::1')).toBe(true)
    expect(proxyTrust('192.0.2.0/24')('198.51.100.1')).toBe(false)
    expect(() => proxyTrust('everyone')).toThrow(/not loopback/)
  })
})

describe('widget HTTP', () => {
  it('refuses a flood from one address with 429, Retry-After and a message the loader can read', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 5; i++) statuses.push((await widget('presence', '198.51.100.1')).status)
    expect(statuses.every((status) => status === 200 || status === 304)).toBe(true)
    const refused = await widget('status', '198.51.100.1')
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(refused.headers.get('access-control-allow-origin')).toBe(parley.shopUrl)
    expect(refused.headers.get('access-control-expose-headers')).toContain('Retry-After')
    const body = (await refused.json()) as { error: { code: string; message: string; retryAfterMs: number } }
    expect(body.error).toMatchObject({ code: 'rate_limited', message: expect.stringContaining('from your address') })
    expect(body.error.retryAfterMs).toBeGreaterThan(0)
    // another address still gets through
    expect((await widget('status', '198.51.100.2')).status).toBe(200)
  })

  it('caps a tenant across addresses', async () => {
    // the tenant's burst is 10; the previous test used 6 of it (the refused request took none)
    const statuses: number[] = []
    for (let i = 0; i < 8 && statuses.at(-1) !== 429; i++) statuses.push((await widget('status', `198.51.100.${10 + i}`)).status)
    expect(statuses.at(-1)).toBe(429)
    expect(statuses.length).toBeGreaterThanOrEqual(4)
    const refused = await widget('status', '198.51.100.99')
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain('for this site')
    expect(parley.protection.traffic.refused.get('widget:tenant')).toBeGreaterThanOrEqual(2)
  })
})

describe('visitor sockets', () => {
  it('refuse handshakes past the limit with rate_limited and a retry hint', async () => {
    for (let i = 0; i < 10; i++) await next<VisitorSession>(visitorFrom('192.0.2.1') as never, 'session')
    const error = await next<Error & { data: { code: string; retryAfterMs: number } }>(visitorFrom('192.0.2.1') as never, 'connect_error')
    expect(error.data.code).toBe('rate_limited')
    expect(error.data.retryAfterMs).toBeGreaterThan(0)
  })

  it('refuse new requests past the limit, storing none of them', async () => {
    const before = await parley.db.request.count()
    const results: string[] = []
    const created: { socket: VisitorSocket; requestId: string }[] = []
    for (let i = 0; i < 7; i++) {
      // each from its own socket (its own visitor), all from one address
      const socket = visitorFrom('192.0.2.50')
      const session = next<VisitorSession>(socket as never, 'session')
      const refusedHandshake = next<Error>(socket as never, 'connect_error', 2000).then(() => null, () => null)
      if (!(await Promise.race([session, refusedHandshake]))) break
      const answer = await ask<{ request: { id: string } }>(socket, 'request:create', { clientRequestId: `flood-${i}`, question: 'let me in', pageUrl: null })
      results.push(answer.ok ? 'ok' : answer.error.code)
      if (answer.ok) created.push({ socket, requestId: answer.data.request.id })
    }
    expect(results.slice(0, 6)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'rate_limited'])
    expect(await parley.db.request.count()).toBe(before + 5)
    // out of the queue again, so they do not stand in line before the next test's chat
    for (const { socket, requestId } of created) expect((await ask(socket, 'request:cancel', { requestId })).ok).toBe(true)
  })
})

describe('channel writes', () => {
  it('refuse messages past the member limit with a retry hint; nothing refused is stored; a retry after the hint succeeds', async () => {
    const { visitor, agent, channel } = await startChat(parley, { clientRequestId: 'limits-chat' })
    sockets.push(visitor, agent)
    type Refusal = { code: string; retryAfterMs?: number; message: string }
    let refusal: Refusal | null = null
    let sent = 0
    for (let i = 0; i < 10 && !refusal; i++) {
      const result = await ask(visitor, 'chat:send', { channelId: channel.id, clientMsgId: `m-${i}`, text: `message ${i}` })
      if (result.ok) sent++
      else refusal = result.error as Refusal
    }
    expect(refusal).toMatchObject({ code: 'rate_limited', message: expect.stringContaining('try again in') })
    // the request:create counted too: at most the burst of 5 writes went through
    expect(sent).toBeGreaterThanOrEqual(3)
    expect(sent).toBeLessThanOrEqual(4)
    const stored = await parley.db.channelEvent.count({ where: { channelId: channel.id, type: 'chat.message', clientMsgId: { startsWith: 'm-' } } })
    expect(stored).toBe(sent)
    await new Promise((resolve) => setTimeout(resolve, refusal!.retryAfterMs! + 50))
    const retried = await ask(visitor, 'chat:send', { channelId: channel.id, clientMsgId: `m-${sent}`, text: 'after waiting' })
    expect(retried.ok).toBe(true)
    // the agent has a bucket of its own
    expect((await ask(agent, 'chat:send', { channelId: channel.id, clientMsgId: 'agent-1', text: 'hello' })).ok).toBe(true)
  })

  it('answer a flood of events without ack with rate_limited error events, and cut a socket that ignores them', async () => {
    const socket = visitorFrom('192.0.2.77')
    await next(socket as never, 'session')
    const errors: { code: string }[] = []
    socket.on('error' as never, (error: { code: string }) => void errors.push(error))
    const gone = next<string>(socket as never, 'disconnect', 15_000)
    // typing into a channel it is not in: refused as forbidden while within the limit, then rate_limited
    for (let i = 0; i < 260; i++) socket.emit('chat:typing', { channelId: 'ch_nowhere', text: 'x' })
    expect(await gone).toBe('io server disconnect')
    expect(errors.some((error) => error.code === 'rate_limited')).toBe(true)
    expect(errors.filter((error) => error.code === 'forbidden' || error.code === 'not_found' || error.code === 'invalid_state').length).toBeLessThanOrEqual(11)
  })
})

describe('payload sizes', () => {
  it('refuse an oversized body on every route that takes one with 413 payload_too_large, before anything else', async () => {
    const cookie = await login(parley.url, AGENT_EMAILS.admin)
    const writes = listRoutes(appOf(parley)).filter((route) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(route.method))
    expect(writes.length).toBeGreaterThanOrEqual(40)
    const body = JSON.stringify({ text: 'x'.repeat(20_000) })
    const problems: string[] = []
    for (const route of writes) {
      const response = await fetch(`${parley.url}${fillPath(route.path, { tenant: 'demo' })}`, { method: route.method, headers: { cookie, origin: parley.url, 'content-type': 'application/json' }, body })
      const error = ((await response.json()) as { error?: { code: string } }).error
      if (response.status !== 413 || error?.code !== 'payload_too_large') problems.push(`${route.method} ${route.path}: ${response.status}`)
    }
    expect(problems).toEqual([])
  })

  it('count refusals in the metrics', async () => {
    const metrics = await (await fetch(`${parley.url}/metrics`)).text()
    expect(metrics).toMatch(/parley_rate_limited_total\{limit="widget:ip"\} [1-9]/)
    expect(metrics).toMatch(/parley_slow_sockets\{state="cut_total"\} 0/)
  })
})
