/**
 * Multi-node mode on the real engines: PostgreSQL and Redis on 127.0.0.1, three Parley
 * processes behind a TCP load balancer. Visitors and agents land on different processes;
 * mid-conversation the node that owns the tenant is killed with SIGKILL; the others take the
 * tenant over, every client reconnects through the balancer, and every channel goes on with
 * every message delivered exactly once, in order.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { Redis } from 'ioredis'
import pg from 'pg'
import { io, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChannelEvent } from '../web/protocol/channel-event.js'
import type { ChannelView, RequestView } from '../web/protocol/views.js'
import { ChannelSync } from '../web/shared/channel-sync.js'
import { MemoryOutboxStore } from '../web/shared/outbox-store.js'
import { SocketLink } from '../web/shared/socket-link.js'
import { AGENT_EMAILS, DEMO_PASSWORD, eventually } from './support/parley-harness.js'
import { TcpBalancer } from './support/tcp-balancer.js'

const root = path.resolve(import.meta.dirname, '..')
const admin = process.env.PG_ADMIN_URL ?? 'postgresql://postgres:postgres@127.0.0.1:5432/postgres'
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
const run = `${process.pid}-${Date.now()}`
const database = `parley_cluster_${run.replace('-', '_')}`
const databaseUrl = `${admin.slice(0, admin.lastIndexOf('/'))}/${database}`
const clusterName = `parley-test-${run}`
const SHOP = 'http://shop.cluster.test'
const VISITORS = 6
const LEASE_MS = 2000

const balancer = new TcpBalancer()
const nodes = new Map<string, { child: ChildProcess; port: number }>()
const sockets: Socket[] = []
let lb = ''
let redis: Redis

async function sql(url: string, text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await client.query(text, values)
  } finally {
    await client.end()
  }
}

function startNode(name: string, seed: boolean): Promise<void> {
  const child = fork(path.join(root, 'server/main.ts'), [], {
    cwd: root,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', process.env.TEST_LOG_LEVEL ? 'inherit' : 'ignore', 'inherit', 'ipc'],
    env: {
      ...process.env,
      PORT: '0',
      SHOP_PORT: '-1',
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      CLUSTER_NAME: clusterName,
      NODE_ID: name,
      CLUSTER_LEASE_MS: String(LEASE_MS),
      SECRET: 'cluster-test-secret-0123456789-abcdefgh',
      PUBLIC_URL: lb,
      SEED_DEMO: seed ? '1' : '0',
      DEMO_PASSWORD,
      MEDIA: 'off',
      SIP: 'off',
      DATA_DIR: path.join('/tmp', `parley-cluster-${run}-${name}`),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    },
  })
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`node ${name} exited with ${code}`)))
    child.on('message', (message: { type?: string; localUrl?: string }) => {
      if (message.type !== 'ready') return
      child.removeAllListeners('exit')
      nodes.set(name, { child, port: Number(new URL(message.localUrl!).port) })
      resolve()
    })
  })
}

beforeAll(async () => {
  lb = `http://127.0.0.1:${await balancer.listen()}`
  await sql(admin, `CREATE DATABASE "${database}"`)
  execFileSync(process.execPath, [path.join(root, 'scripts/migrate.mjs'), '--quiet'], { cwd: root, env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: ['ignore', 'ignore', 'inherit'] })
  await startNode('a', true)
  await Promise.all([startNode('b', false), startNode('c', false)])
  balancer.setBackends([...nodes].map(([name, node]) => ({ name, port: node.port })))
  const { rows } = await sql(databaseUrl, `SELECT id FROM "Tenant" WHERE slug = 'demo'`)
  await sql(databaseUrl, `INSERT INTO "EmbedOrigin" (id, "tenantId", origin) VALUES ($1, $2, $3)`, ['eo_cluster', rows[0].id, SHOP])
  redis = new Redis(redisUrl)
}, 120_000)

afterAll(async () => {
  for (const socket of sockets) socket.close()
  for (const { child } of nodes.values()) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
  await Promise.all([...nodes.values()].map(({ child }) => (child.exitCode === null && child.signalCode === null ? new Promise((resolve) => child.once('exit', resolve)) : null)))
  await balancer.close()
  redis?.disconnect()
  await sql(admin, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`)
}, 60_000)

const reconnecting = { reconnectionDelay: 100, reconnectionDelayMax: 400, transports: ['websocket'] as string[], forceNew: true }

/** sockets and their first `session` (listened for from the start: it comes right after connecting) */
const sessions = new WeakMap<Socket, Promise<unknown>>()

async function agentSocket(email: string): Promise<Socket> {
  const response = await fetch(`${lb}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: lb }, body: JSON.stringify({ tenant: 'demo', email, password: DEMO_PASSWORD }) })
  expect(response.status).toBe(200)
  const cookie = response.headers.get('set-cookie')!.split(';')[0]!
  const socket = io(`${lb}/agent`, { ...reconnecting, extraHeaders: { cookie, origin: lb } })
  sessions.set(socket, once(socket, 'session'))
  sockets.push(socket)
  return socket
}

function visitorSocket(): Socket {
  let token: string | null = null
  const socket = io(`${lb}/visitor`, { ...reconnecting, extraHeaders: { origin: SHOP }, auth: (send) => send({ tenant: 'demo', visitorToken: token }) })
  socket.on('session', (session: { visitorToken: string }) => (token = session.visitorToken))
  sessions.set(socket, once(socket, 'session'))
  sockets.push(socket)
  return socket
}

const once = <T>(socket: Socket, event: string) => new Promise<T>((resolve) => socket.once(event, resolve))

interface Side {
  sync: ChannelSync
  sent: string[]
}

describe('three nodes on PostgreSQL and Redis', () => {
  const channels: { id: string; visitor: Side; agent: Side }[] = []
  const agentSyncs = new Map<Socket, ChannelSync>()
  let tenantId = ''

  it('spreads visitors and agents over the nodes and opens their conversations', async () => {
    const agents = [await agentSocket(AGENT_EMAILS.anna), await agentSocket(AGENT_EMAILS.ben)]
    for (const agent of agents) {
      await sessions.get(agent)
      agentSyncs.set(agent, new ChannelSync(new SocketLink(agent), new MemoryOutboxStore()))
      expect(await agent.timeout(10_000).emitWithAck('agent:set-state', { state: 'ready' })).toMatchObject({ ok: true })
      agent.on('request:offered', async (request: RequestView) => {
        const accepted = await agent.timeout(10_000).emitWithAck('request:accept', { requestId: request.id })
        if (!accepted.ok) throw new Error(accepted.error.message)
      })
    }
    const visitors = Array.from({ length: VISITORS }, visitorSocket)
    await Promise.all(visitors.map((visitor) => sessions.get(visitor)))
    for (const [index, visitor] of visitors.entries()) {
      const sync = new ChannelSync(new SocketLink(visitor), new MemoryOutboxStore())
      const joined = once<ChannelView>(visitor, 'channel:joined')
      const created = await visitor.timeout(10_000).emitWithAck('request:create', { clientRequestId: `cluster-${index}`, question: `question ${index}`, pageUrl: null })
      expect(created).toMatchObject({ ok: true })
      const view = await joined
      channels.push({ id: view.id, visitor: { sync, sent: [] }, agent: { sync: null as unknown as ChannelSync, sent: [] } })
    }
    await eventually(() => {
      for (const channel of channels) {
        const holder = [...agentSyncs.values()].find((sync) => sync.channels.has(channel.id))
        expect(holder).toBeDefined()
        channel.agent.sync = holder!
      }
    }, 20_000)
    tenantId = (await sql(databaseUrl, `SELECT id FROM "Tenant" WHERE slug = 'demo'`)).rows[0].id
    expect(new Set(balancer.connections.map((c) => c.backend)).size).toBeGreaterThanOrEqual(2)
  }, 60_000)

  it('keeps every conversation going, exactly once and in order, when the owner node is killed', async () => {
    let sending = true
    let round = 0
    const pump = (async () => {
      while (sending) {
        for (const [index, channel] of channels.entries()) {
          for (const [who, side] of [['v', channel.visitor], ['a', channel.agent]] as const) {
            const text = `${who}${index}-${round}`
            side.sent.push(text)
            side.sync.send(channel.id, text)
          }
        }
        round++
        await new Promise((resolve) => setTimeout(resolve, 150))
      }
    })()
    await new Promise((resolve) => setTimeout(resolve, 1200))
    const owner = await redis.get(`${clusterName}:owner:${tenantId}`)
    expect(['a', 'b', 'c']).toContain(owner)
    // the owner node serves some of the clients itself: they lose their connection too
    expect(balancer.connections.some((connection) => connection.backend === owner)).toBe(true)
    const killed = nodes.get(owner!)!
    killed.child.kill('SIGKILL')
    balancer.setBackends([...nodes].filter(([name]) => name !== owner).map(([name, node]) => ({ name, port: node.port })))
    await new Promise((resolve) => setTimeout(resolve, LEASE_MS * 2 + 1500))
    sending = false
    await pump

    const newOwner = await redis.get(`${clusterName}:owner:${tenantId}`)
    expect(newOwner).not.toBeNull()
    expect(newOwner).not.toBe(owner)
    for (const channel of channels) {
      await eventually(
        () => {
          for (const [side, other] of [[channel.visitor, channel.agent], [channel.agent, channel.visitor]] as const) {
            const state = side.sync.channels.get(channel.id)!
            expect(state.pending).toEqual([])
            const received = state.events.filter((e): e is Extract<ChannelEvent, { type: 'chat.message' }> => e.type === 'chat.message').map((e) => e.payload.text)
            // what the other side sent, once each, in the order sent
            expect(received.filter((text) => other.sent.includes(text))).toEqual(other.sent)
            expect(state.events.map((e) => e.seq)).toEqual([...state.events.map((e) => e.seq)].sort((x, y) => x - y))
          }
        },
        30_000,
        100,
      )
    }
    // and the archive agrees: dense seqs, each message stored once
    for (const channel of channels) {
      const { rows } = await sql(databaseUrl, `SELECT seq, type, payload FROM "ChannelEvent" WHERE "channelId" = $1 ORDER BY seq`, [channel.id])
      expect(rows.map((row) => row.seq)).toEqual(rows.map((_, i) => i + 1))
      const texts = rows.filter((row) => row.type === 'chat.message').map((row) => JSON.parse(row.payload).text as string)
      for (const side of [channel.visitor, channel.agent]) expect(texts.filter((text) => side.sent.includes(text))).toEqual(side.sent)
      expect(new Set(texts).size).toBe(texts.length)
      const status = await sql(databaseUrl, `SELECT status FROM "Channel" WHERE id = $1`, [channel.id])
      expect(status.rows[0].status).toBe('open')
    }
    expect(channels.reduce((sum, channel) => sum + channel.visitor.sent.length + channel.agent.sent.length, 0)).toBeGreaterThan(VISITORS * 2 * 20)
  }, 90_000)

  it('drains a node gracefully: its tenant moves at once and nothing is lost', async () => {
    const owner = (await redis.get(`${clusterName}:owner:${tenantId}`))!
    const before = channels.map((channel) => [channel.visitor.sent.length, channel.agent.sent.length])
    let sending = true
    const pump = (async () => {
      for (let round = 0; sending; round++) {
        for (const [index, channel] of channels.entries()) {
          for (const [who, side] of [['v', channel.visitor], ['a', channel.agent]] as const) {
            const text = `drain-${who}${index}-${round}`
            side.sent.push(text)
            side.sync.send(channel.id, text)
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 150))
      }
    })()
    await new Promise((resolve) => setTimeout(resolve, 600))
    const draining = nodes.get(owner)!
    const exited = new Promise((resolve) => draining.child.once('exit', resolve))
    const drainedAt = Date.now()
    draining.child.kill('SIGTERM')
    balancer.setBackends([...nodes].filter(([name, node]) => name !== owner && node.child.exitCode === null && node.child.signalCode === null).map(([name, node]) => ({ name, port: node.port })))
    await exited
    // given up, not timed out: the remaining node takes it well within a lease
    await eventually(async () => expect(await redis.get(`${clusterName}:owner:${tenantId}`)).not.toBeNull(), LEASE_MS)
    expect(Date.now() - drainedAt).toBeLessThan(LEASE_MS + 5000)
    await new Promise((resolve) => setTimeout(resolve, 1500))
    sending = false
    await pump
    for (const [index, channel] of channels.entries()) {
      expect(channel.visitor.sent.length).toBeGreaterThan(before[index]![0]!)
      await eventually(
        () => {
          for (const [side, other] of [[channel.visitor, channel.agent], [channel.agent, channel.visitor]] as const) {
            const state = side.sync.channels.get(channel.id)!
            expect(state.pending).toEqual([])
            const received = state.events.filter((e): e is Extract<ChannelEvent, { type: 'chat.message' }> => e.type === 'chat.message').map((e) => e.payload.text)
            expect(received.filter((text) => other.sent.includes(text))).toEqual(other.sent)
          }
        },
        30_000,
        100,
      )
      const { rows } = await sql(databaseUrl, `SELECT seq FROM "ChannelEvent" WHERE "channelId" = $1 ORDER BY seq`, [channel.id])
      expect(rows.map((row) => row.seq)).toEqual(rows.map((_, i) => i + 1))
    }
  }, 90_000)
})
