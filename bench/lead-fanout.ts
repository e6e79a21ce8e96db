/**
 * Navigation push latency in one channel with BENCH_LEAD_FOLLOWERS (100) visitors: the agent
 * pushes a page (`lead:navigate`: validated, leader checked, URL checked against the tenant's
 * origins, sequenced, stored, fanned out) and every follower's socket receives the
 * `lead.navigate` event. The same fan-out through a bare socket.io relay (one emit to a room
 * of the same size) runs in the same process's alternating rounds as the baseline.
 * Written to bench/results/lead.json; `npm run bench -- lead` runs only this part.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Socket } from 'socket.io-client'
import { hashPassword } from '../server/auth/password.js'
import { openDatabase } from '../server/store/database.js'
import { newId } from '../server/store/ids.js'
import type { ChannelFeedEvent } from '../web/protocol/channel-event.js'
import { connect, inBatches, percentile, round, startChild, stopChild } from './bench-process.js'

const FOLLOWERS = Number(process.env.BENCH_LEAD_FOLLOWERS ?? 100)
const PUSHES = Number(process.env.BENCH_LEAD_PUSHES ?? 100)
const ROUNDS = Number(process.env.BENCH_LEAD_ROUNDS ?? 3)
const ORIGIN = 'http://bench-shop.parley.local'
const PASSWORD = 'bench-password-1'

interface System {
  name: string
  /** push page `index` and resolve when every follower received it; the latencies in ms */
  push(index: number): Promise<number[]>
  close(): Promise<void>
}

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b)
  return { samples: sorted.length, p50Ms: round(percentile(sorted, 50)), p90Ms: round(percentile(sorted, 90)), p99Ms: round(percentile(sorted, 99)), maxMs: round(sorted.at(-1) ?? NaN) }
}

/** Resolve with per-follower latencies once all `count` followers saw `key`. */
function collector(count: number) {
  let pending: { key: string; started: number; latencies: number[]; resolve: (latencies: number[]) => void } | null = null
  return {
    expect(key: string): Promise<number[]> {
      return new Promise((resolve) => (pending = { key, started: performance.now(), latencies: [], resolve }))
    },
    seen(key: string): void {
      if (!pending || pending.key !== key) return
      pending.latencies.push(performance.now() - pending.started)
      if (pending.latencies.length === count) {
        const done = pending
        pending = null
        done.resolve(done.latencies)
      }
    },
  }
}

async function bareRelay(): Promise<System> {
  const { child, url } = await startChild('bench/bare-relay.ts', {})
  const leader = await connect(url, {})
  const followers: Socket[] = []
  const received = collector(FOLLOWERS)
  await inBatches(
    Array.from({ length: FOLLOWERS }, (_, i) => i),
    25,
    async (i) => {
      const socket = await connect(url, {})
      await socket.emitWithAck('join', 'tour')
      socket.on('msg', (message: { id: string }) => received.seen(message.id))
      followers[i] = socket
    },
  )
  return {
    name: 'relay',
    push: (index) => {
      const done = received.expect(`push-${index}`)
      leader.emit('msg', { room: 'tour', id: `push-${index}`, text: `${ORIGIN}/products/${index}` }, () => {})
      return done
    },
    close: async () => {
      for (const socket of [leader, ...followers]) socket.close()
      await stopChild(child)
    },
  }
}

async function parley(root: string, dir: string): Promise<System> {
  const databaseUrl = `file:${path.join(dir, 'lead.db')}`
  execFileSync(process.execPath, [path.join(root, 'scripts/migrate.mjs'), '--quiet'], { cwd: root, env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: ['ignore', 'ignore', 'inherit'] })
  const db = await openDatabase({ DATABASE_URL: databaseUrl, databaseProvider: 'sqlite' })
  const tenantId = newId('tn')
  await db.tenant.create({ data: { id: tenantId, slug: 'tour', name: 'Tour', settings: JSON.stringify({ maxVisitorsPerChannel: FOLLOWERS + 1 }) } })
  await db.embedOrigin.create({ data: { id: newId('eo'), tenantId, origin: ORIGIN } })
  await db.agent.create({ data: { id: newId('ag'), tenantId, email: 'guide@bench.local', displayName: 'Guide', passwordHash: await hashPassword(PASSWORD) } })
  await db.$disconnect()
  const { child, url } = await startChild('server/main.ts', { PORT: '0', SHOP_PORT: '-1', DATABASE_URL: databaseUrl, DATA_DIR: dir, SEED_DEMO: '0', LOG_LEVEL: 'warn', RATE_LIMITS: '0' })
  const login = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: url }, body: JSON.stringify({ tenant: 'tour', email: 'guide@bench.local', password: PASSWORD }) })
  if (login.status !== 200) throw new Error(`bench login failed: ${login.status}`)
  const agent = await connect(`${url}/agent`, { extraHeaders: { cookie: login.headers.get('set-cookie')!.split(';')[0]!, origin: url } })
  const ready = await agent.emitWithAck('agent:set-state', { state: 'ready' })
  if (!ready.ok) throw new Error(ready.error.message)
  const visitor = () => connect(`${url}/visitor`, { extraHeaders: { origin: ORIGIN }, auth: { tenant: 'tour' } })
  const host = await visitor()
  const created = await host.emitWithAck('request:create', { clientRequestId: 'tour-1', question: 'guided tour', pageUrl: null })
  if (!created.ok) throw new Error(created.error.message)
  const accepted = await agent.emitWithAck('request:accept', { requestId: created.data.request.id })
  if (!accepted.ok) throw new Error(accepted.error.message)
  const channelId: string = accepted.data.channel.id
  const invite = await agent.emitWithAck('channel:invite', { channelId, url: `${ORIGIN}/` })
  if (!invite.ok) throw new Error(invite.error.message)
  const followers: Socket[] = [host]
  await inBatches(
    Array.from({ length: FOLLOWERS - 1 }, (_, i) => i),
    10,
    async () => {
      const socket = await visitor()
      const joined = await socket.emitWithAck('channel:join', { token: invite.data.token })
      if (!joined.ok) throw new Error(joined.error.message)
      followers.push(socket)
    },
  )
  const received = collector(FOLLOWERS)
  for (const socket of followers) socket.on('channel:event', (event: ChannelFeedEvent) => event.type === 'lead.navigate' && received.seen(event.payload.url))
  return {
    name: 'parley',
    push: async (index) => {
      const target = `${ORIGIN}/products/${index}`
      const done = received.expect(target)
      const answer = await agent.emitWithAck('lead:navigate', { channelId, url: target })
      if (!answer.ok) throw new Error(answer.error.message)
      return done
    },
    close: async () => {
      for (const socket of [agent, ...followers]) socket.close()
      await stopChild(child)
    },
  }
}

export async function runLeadBench(root: string): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-lead-bench-'))
  const systems: System[] = []
  try {
    systems.push(await bareRelay(), await parley(root, dir))
    console.log(`lead push: ${FOLLOWERS} followers in one channel, ${ROUNDS} alternating rounds of ${PUSHES} pushes per system`)
    const samples = new Map<string, number[]>(systems.map((s) => [s.name, []]))
    const lastFollower = new Map<string, number[]>(systems.map((s) => [s.name, []]))
    let index = 0
    for (let roundIndex = 0; roundIndex < ROUNDS; roundIndex++) {
      for (const system of roundIndex % 2 === 0 ? systems : [...systems].reverse()) {
        for (let i = 0; i < PUSHES; i++) {
          const latencies = await system.push(index++)
          samples.get(system.name)!.push(...latencies)
          lastFollower.get(system.name)!.push(Math.max(...latencies))
        }
      }
    }
    const ours = stats(samples.get('parley')!)
    const relay = stats(samples.get('relay')!)
    const result = {
      name: 'lead',
      at: new Date().toISOString(),
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version },
      followers: FOLLOWERS,
      pushesPerSystem: PUSHES * ROUNDS,
      what: 'agent lead:navigate -> every follower socket receives lead.navigate (Parley: validated, leader and URL checked, sequenced, stored in SQLite, fanned out); relay: one socket.to(room).emit',
      parley: { perFollower: ours, lastFollowerOfEachPush: stats(lastFollower.get('parley')!) },
      bareRelay: { perFollower: relay, lastFollowerOfEachPush: stats(lastFollower.get('relay')!) },
      ratioP50: round(ours.p50Ms / relay.p50Ms),
      ratioP99: round(ours.p99Ms / relay.p99Ms),
    }
    console.log(`  per follower: parley p50 ${ours.p50Ms} ms, p99 ${ours.p99Ms} ms; relay p50 ${relay.p50Ms} ms, p99 ${relay.p99Ms} ms`)
    const out = path.join(root, 'bench/results')
    fs.mkdirSync(out, { recursive: true })
    fs.writeFileSync(path.join(out, 'lead.json'), JSON.stringify(result, null, 2) + '\n')
    console.log('  -> bench/results/lead.json')
  } finally {
    for (const system of systems) await system.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
