/**
 * Load: how many concurrent visitor sockets, each in an active chat with an agent, one
 * process and then two processes (PostgreSQL and Redis, the multi-node mode) hold with chat
 * p99 under 100 ms and no lost message, and the memory each connection costs. Stepwise:
 * BENCH_LOAD_STEPS ("1000,2500,5000,7500,10000") channels; at each step every channel's
 * visitor sends one message every BENCH_LOAD_PERIOD_S (10) seconds for BENCH_LOAD_SECONDS (12)
 * and the agent side measures. The chats belong to BENCH_LOAD_TENANTS (10) tenants: several
 * nodes share the work tenant by tenant (each tenant runs on its owner node; the other node
 * forwards its sockets' calls). A system stops at its first failing step. Written to
 * bench/results/load.json; `npm run bench -- load` runs only this part.
 */
import { execFileSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import type { Socket } from 'socket.io-client'
import { hashPassword } from '../server/auth/password.js'
import { openDatabase } from '../server/store/database.js'
import { newId } from '../server/store/ids.js'
import type { ChannelFeedEvent } from '../web/protocol/channel-event.js'
import { connect, inBatches, percentile, round, startChild, stopChild } from './bench-process.js'

const STEPS = (process.env.BENCH_LOAD_STEPS ?? '1000,2500,5000,7500,10000').split(',').map(Number)
const PERIOD_S = Number(process.env.BENCH_LOAD_PERIOD_S ?? 10)
const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 12)
const GOAL_P99_MS = 100
const AGENTS = 100
const TENANTS = Number(process.env.BENCH_LOAD_TENANTS ?? 10)
const ORIGIN = 'http://load.parley.local'
const PASSWORD = 'load-password-1'
const ADMIN = process.env.PG_ADMIN_URL ?? 'postgresql://postgres:postgres@127.0.0.1:5432/postgres'
const REDIS = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379'

interface Step {
  channels: number
  sockets: number
  messages: number
  lost: number
  p50Ms: number
  p99Ms: number
  rssMb: number[]
  bytesPerConnection: number
  ok: boolean
}

async function sql(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(text)
  } finally {
    await client.end()
  }
}

function rssBytes(pid: number): number {
  const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!
  return Number(line.split(/\s+/)[1]) * 1024
}

async function prepare(root: string, databaseUrl: string): Promise<void> {
  execFileSync(process.execPath, [path.join(root, 'scripts/migrate.mjs'), '--quiet'], { cwd: root, env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: ['ignore', 'ignore', 'inherit'] })
  const db = await openDatabase({ DATABASE_URL: databaseUrl, databaseProvider: 'postgres' })
  const passwordHash = await hashPassword(PASSWORD)
  const capacity = Math.ceil(Math.max(...STEPS) / AGENTS)
  for (let t = 0; t < TENANTS; t++) {
    const tenantId = newId('tn')
    await db.tenant.create({ data: { id: tenantId, slug: `load-${t}`, name: `Load ${t}` } })
    await db.embedOrigin.create({ data: { id: newId('eo'), tenantId, origin: ORIGIN } })
    const agents = Array.from({ length: AGENTS }, (_, i) => i).filter((i) => i % TENANTS === t)
    await db.agent.createMany({ data: agents.map((i) => ({ id: newId('ag'), tenantId, email: `agent${i}@load.local`, displayName: `Agent ${i}`, passwordHash, maxChats: capacity })) })
  }
  await db.$disconnect()
}

/** One system: its server processes, agents, and the channels opened so far. */
async function measureSystem(root: string, name: string, processes: number): Promise<{ steps: Step[]; maxChannelsMeetingGoal: number }> {
  const database = `parley_load_${name}_${process.pid}`
  const base = ADMIN.slice(0, ADMIN.lastIndexOf('/'))
  await sql(ADMIN, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`)
  await sql(ADMIN, `CREATE DATABASE "${database}"`)
  const databaseUrl = `${base}/${database}`
  await prepare(root, databaseUrl)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `parley-load-${name}-`))
  const servers: { child: ChildProcess; url: string }[] = []
  const sockets: Socket[] = []
  const steps: Step[] = []
  try {
    for (let i = 0; i < processes; i++) {
      servers.push(
        await startChild('server/main.ts', {
          PORT: '0',
          SHOP_PORT: '-1',
          DATABASE_URL: databaseUrl,
          DATA_DIR: path.join(dir, `node-${i}`),
          SEED_DEMO: '0',
          LOG_LEVEL: 'warn',
          MEDIA: 'off',
          SIP: 'off',
          RATE_LIMITS: '0',
          SECRET: 'load-bench-secret-0123456789-abcdefgh',
          VISITOR_GONE_MS: '600000',
          ...(processes > 1 ? { REDIS_URL: REDIS, CLUSTER_NAME: `parley-load-${process.pid}`, NODE_ID: `load-${i}` } : {}),
        }),
      )
    }
    const urlOf = (i: number) => servers[i % servers.length]!.url
    const agents: Socket[] = []
    const waiting = new Map<string, (channelId: string) => void>()
    await inBatches(
      Array.from({ length: AGENTS }, (_, i) => i),
      5,
      async (i) => {
        const url = urlOf(i)
        const login = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: url }, body: JSON.stringify({ tenant: `load-${i % TENANTS}`, email: `agent${i}@load.local`, password: PASSWORD }) })
        if (login.status !== 200) throw new Error(`login failed: ${login.status}`)
        const agent = await connect(`${url}/agent`, { extraHeaders: { cookie: login.headers.get('set-cookie')!.split(';')[0]!, origin: url } })
        agent.on('request:offered', async (request: { id: string }) => {
          const accepted = await agent.timeout(30_000).emitWithAck('request:accept', { requestId: request.id }).catch(() => null)
          if (accepted?.ok) waiting.get(request.id)?.(accepted.data.channel.id)
        })
        const ready = await agent.timeout(10_000).emitWithAck('agent:set-state', { state: 'ready' })
        if (!ready.ok) throw new Error(ready.error.message)
        agents.push(agent)
      },
    )
    sockets.push(...agents)
    const baseline = servers.map(({ child }) => rssBytes(child.pid!))
    const sentAt = new Map<string, number>()
    const latencies: number[] = []
    for (const agent of agents) {
      agent.on('channel:event', (event: ChannelFeedEvent) => {
        if (event.type !== 'chat.message' || !event.clientMsgId) return
        const started = sentAt.get(event.clientMsgId)
        if (started === undefined) return
        sentAt.delete(event.clientMsgId)
        latencies.push(performance.now() - started)
      })
    }
    const channels: { visitor: Socket; id: string }[] = []
    for (const target of STEPS) {
      // open channels up to the step: visitor connects, asks, an agent is offered it and accepts
      await inBatches(
        Array.from({ length: target - channels.length }, (_, i) => channels.length + i),
        25,
        async (index) => {
          const visitor = await connect(`${urlOf(index)}/visitor`, { extraHeaders: { origin: ORIGIN }, auth: { tenant: `load-${index % TENANTS}` } })
          sockets.push(visitor)
          const created = await visitor.timeout(30_000).emitWithAck('request:create', { clientRequestId: `load-${index}`, question: `channel ${index}`, pageUrl: null })
          if (!created.ok) throw new Error(created.error.message)
          const channelId = await new Promise<string>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`request ${index} was not accepted`)), 60_000)
            waiting.set(created.data.request.id, (id) => {
              clearTimeout(timer)
              resolve(id)
            })
          })
          waiting.delete(created.data.request.id)
          channels.push({ visitor, id: channelId })
        },
      )
      // let the set-up's work settle before measuring
      await new Promise((resolve) => setTimeout(resolve, 2000))
      latencies.length = 0
      sentAt.clear()
      let sent = 0
      const until = performance.now() + SECONDS * 1000
      // every channel sends once per period, spread evenly over it
      const gap = (PERIOD_S * 1000) / channels.length
      let next = performance.now()
      for (let i = 0; performance.now() < until; i++) {
        const channel = channels[i % channels.length]!
        const id = `m-${target}-${i}`
        sentAt.set(id, performance.now())
        channel.visitor.emit('chat:send', { channelId: channel.id, clientMsgId: id, text: `load ${i}` }, () => {})
        sent++
        next += gap
        const wait = next - performance.now()
        if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait))
        else if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve))
      }
      await new Promise((resolve) => setTimeout(resolve, 3000)) // stragglers
      const sorted = [...latencies].sort((a, b) => a - b)
      const rss = servers.map(({ child }) => rssBytes(child.pid!))
      const connections = channels.length + agents.length
      const step: Step = {
        channels: channels.length,
        sockets: connections,
        messages: sent,
        lost: sentAt.size,
        p50Ms: round(percentile(sorted, 50)),
        p99Ms: round(percentile(sorted, 99)),
        rssMb: rss.map((bytes) => Math.round(bytes / 1e6)),
        bytesPerConnection: Math.round(rss.reduce((sum, bytes, i) => sum + bytes - baseline[i]!, 0) / connections),
        ok: false,
      }
      step.ok = step.lost === 0 && step.p99Ms <= GOAL_P99_MS
      steps.push(step)
      console.log(`  ${name}: ${step.channels} chats, ${step.messages} messages, lost ${step.lost}, p50 ${step.p50Ms} ms, p99 ${step.p99Ms} ms, ${step.bytesPerConnection} B/connection`)
      if (!step.ok) break
    }
  } finally {
    for (const socket of sockets) socket.close()
    for (const server of servers) await stopChild(server.child)
    fs.rmSync(dir, { recursive: true, force: true })
    await sql(ADMIN, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch(() => {})
  }
  return { steps, maxChannelsMeetingGoal: Math.max(0, ...steps.filter((s) => s.ok).map((s) => s.channels)) }
}

export async function runLoadBench(root: string): Promise<void> {
  console.log(`load: steps ${STEPS.join(', ')} chats, one message per chat every ${PERIOD_S} s, ${SECONDS} s per step, goal p99 <= ${GOAL_P99_MS} ms`)
  const one = await measureSystem(root, 'one', 1)
  const two = await measureSystem(root, 'two', 2)
  const result = {
    name: 'load',
    at: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version },
    what: `concurrent visitor sockets, each in an open chat with one of 100 agents of ${TENANTS} tenants, PostgreSQL; two processes in multi-node mode with Redis (sockets alternate between them); the load generator (all clients) runs on the same 2 cores`,
    goal: { p99Ms: GOAL_P99_MS, lost: 0, channelsAcrossTwoProcesses: 10_000 },
    oneProcess: one,
    twoProcesses: two,
  }
  const out = path.join(root, 'bench/results')
  fs.mkdirSync(out, { recursive: true })
  fs.writeFileSync(path.join(out, 'load.json'), JSON.stringify(result, null, 2) + '\n')
  console.log(`  one process: ${one.maxChannelsMeetingGoal} chats within the goal; two processes: ${two.maxChannelsMeetingGoal} -> bench/results/load.json`)
}
