/**
 * Bad input at the edge: every socket event and REST body is validated; malformed,
 * oversized or unknown input gets a clear error and is never stored; the server survives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Parley } from '../server/app.js'
import { LIMITS } from '../web/protocol/limits.js'
import type { ChannelView } from '../web/protocol/views.js'
import { AGENT_EMAILS, ask, connectAgent, connectVisitor, login, next, nextSession, startChat, startTestParley, type AgentSocket, type VisitorSocket } from './support/parley-harness.js'

let parley: Parley
let visitor: VisitorSocket
let agent: AgentSocket
let channel: ChannelView
const sockets: { close(): void }[] = []

async function storedCounts() {
  const [events, requests, visitors] = await Promise.all([parley.db.channelEvent.count(), parley.db.request.count(), parley.db.visitor.count()])
  return { events, requests, visitors }
}

beforeAll(async () => {
  parley = await startTestParley()
  ;({ agent, visitor, channel } = await startChat(parley, { question: 'a fine question', clientRequestId: 'ok-1' }))
  sockets.push(agent, visitor)
})

afterAll(async () => {
  for (const socket of sockets) socket.close()
  await parley.close()
})

const garbage: unknown[] = [undefined, null, 42, 'text', [], {}, { channelId: 123 }, { channelId: '../../etc' }, { channelId: 'x'.repeat(65) }, { __proto__: { polluted: true } }]

describe('socket events', () => {
  it('answer garbage payloads of every event with bad_request and store nothing', async () => {
    const before = await storedCounts()
    const visitorEvents = ['request:create', 'request:cancel', 'channel:resume', 'chat:send', 'channel:leave']
    const agentEvents = ['agent:set-state', 'request:accept', 'channel:resume', 'chat:send', 'channel:leave']
    for (const [socket, events] of [
      [visitor, visitorEvents],
      [agent, agentEvents],
    ] as const) {
      for (const event of events) {
        for (const payload of garbage) {
          const result = await ask(socket, event, payload)
          expect(result, `${event} ${JSON.stringify(payload)}`).toMatchObject({ ok: false, error: { code: 'bad_request' } })
        }
      }
    }
    expect(await storedCounts()).toEqual(before)
  })

  it('name the offending field, and reject unknown fields and wrong types', async () => {
    const cases: [string, unknown, string][] = [
      ['chat:send', { channelId: channel.id, clientMsgId: 'm1', text: '' }, 'text'],
      ['chat:send', { channelId: channel.id, clientMsgId: 'm1', text: '   ' }, 'text'],
      ['chat:send', { channelId: channel.id, clientMsgId: 'm1', text: 'x'.repeat(LIMITS.messageText + 1) }, 'text'],
      ['chat:send', { channelId: channel.id, clientMsgId: 'has space', text: 'hi' }, 'clientMsgId'],
      ['chat:send', { channelId: channel.id, clientMsgId: 'm1', text: 'hi', extra: true }, 'extra'],
      ['chat:send', { channelId: channel.id, clientMsgId: 'm1', text: 42 }, 'text'],
      ['channel:resume', { channelId: channel.id, afterSeq: -1 }, 'afterSeq'],
      ['channel:resume', { channelId: channel.id, afterSeq: 1.5 }, 'afterSeq'],
      ['request:create', { clientRequestId: 'r2', question: 'q', pageUrl: 'javascript:alert(1)' }, 'pageUrl'],
      ['request:create', { clientRequestId: 'r2', question: 'x'.repeat(LIMITS.question + 1), pageUrl: null }, 'question'],
    ]
    for (const [event, payload, field] of cases) {
      const result = await ask(visitor, event, payload)
      expect(result.ok, event).toBe(false)
      if (result.ok) continue
      expect(result.error.code).toBe('bad_request')
      expect(result.error.issues?.map((issue) => issue.path).join(' ') ?? result.error.message, `${event} ${field}`).toContain(field)
    }
    const badState = await ask(agent, 'agent:set-state', { state: 'offline' })
    expect(badState).toMatchObject({ ok: false, error: { code: 'bad_request' } })
  })

  it('report events without the required ack, unknown events and bad notices with an error event', async () => {
    const missingAck = next<{ code: string; message: string }>(visitor as never, 'error')
    ;(visitor as unknown as { emit(event: string, payload: unknown): void }).emit('chat:send', { channelId: channel.id, clientMsgId: 'no-ack', text: 'hi' })
    expect(await missingAck).toMatchObject({ code: 'bad_request', message: expect.stringContaining('acknowledgement') })

    const unknown = await ask(visitor, 'admin:drop-tables' as never, {})
    expect(unknown).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringContaining('unknown event') } })

    const badTyping = next<{ code: string }>(visitor as never, 'error')
    visitor.emit('chat:typing', { channelId: channel.id, text: 'x'.repeat(LIMITS.typingText + 1) })
    expect((await badTyping).code).toBe('bad_request')
    expect(await parley.db.channelEvent.count({ where: { clientMsgId: 'no-ack' } })).toBe(0)
  })

  it('close a connection that sends an oversized packet, and keep serving the others', async () => {
    const big = connectVisitor(parley.url, parley.shopUrl!)
    sockets.push(big)
    await nextSession.visitor(big)
    const dropped = next<string>(big as never, 'disconnect')
    big.emit('chat:send', { channelId: channel.id, clientMsgId: 'big', text: 'x'.repeat(LIMITS.socketPacketBytes * 2) }, () => {})
    expect(await dropped).toBe('transport close')
    big.close()
    const fine = await ask(visitor, 'chat:send', { channelId: channel.id, clientMsgId: 'after-big', text: 'still here' })
    expect(fine.ok).toBe(true)
  })

  it('refuse malformed handshakes', async () => {
    for (const auth of [{}, { tenant: 42 }, { tenant: 'demo', visitorToken: 'x'.repeat(600) }]) {
      const socket = connectVisitor(parley.url, parley.shopUrl!)
      socket.auth = auth
      socket.disconnect().connect()
      sockets.push(socket)
      const error = await next<Error & { data?: { code: string } }>(socket as never, 'connect_error')
      expect(error.data?.code).toBe('bad_request')
      socket.close()
    }
    const noCookie = connectAgent(parley.url, 'parley_session=forged')
    sockets.push(noCookie)
    expect((await next<Error & { data: { code: string } }>(noCookie as never, 'connect_error')).data.code).toBe('unauthorized')
    const otherOrigin = connectAgent(parley.url, await login(parley.url, AGENT_EMAILS.ben), { origin: 'https://evil.example' })
    sockets.push(otherOrigin)
    expect((await next<Error & { data: { code: string } }>(otherOrigin as never, 'connect_error')).data.code).toBe('forbidden')
  })
})

describe('REST bodies', () => {
  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${parley.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', origin: parley.url, ...headers }, body })

  it('answer invalid JSON with 400, oversized bodies with 413, bad fields with 400 naming them', async () => {
    const invalid = await post('/api/auth/login', '{"tenant": "demo",')
    expect(invalid.status).toBe(400)
    expect(await invalid.json()).toEqual({ error: { code: 'bad_request', message: 'request body is not valid JSON' } })

    const huge = await post('/api/auth/login', JSON.stringify({ tenant: 'demo', email: 'a@b.c', password: 'x'.repeat(20_000) }))
    expect(huge.status).toBe(413)

    const fields = await post('/api/auth/login', JSON.stringify({ tenant: '', email: 'not-an-email', password: '' }))
    expect(fields.status).toBe(400)
    const body = (await fields.json()) as { error: { issues: { path: string }[] } }
    expect(body.error.issues.map((issue) => issue.path).sort()).toEqual(['email', 'password', 'tenant'])
  })

  it('answer unknown routes with a JSON 404', async () => {
    const response = await fetch(`${parley.url}/api/nothing-here`)
    expect(response.status).toBe(404)
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('not_found')
  })

  it('still work after all of that', async () => {
    expect((await fetch(`${parley.url}/healthz`)).status).toBe(200)
    expect((await fetch(`${parley.url}/readyz`)).status).toBe(200)
  })
})
