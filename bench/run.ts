/**
 * `npm run bench`: measures what the issues promise and writes bench/results/<name>.json.
 *
 * - widget loader size, gzipped (budget 7 KB)
 * - chat fan-out latency (visitor sends, agent receives) with 1,000 concurrent channels on
 *   one Parley process, and the same load through a bare socket.io relay in the same run
 *
 * The servers run in their own processes; this process is the load generator. Bounded:
 * BENCH_CHANNELS (1000), BENCH_SECONDS (20 measured, after BENCH_WARMUP_SECONDS 3),
 * BENCH_RATE (messages per second in total, 1000).
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { io, type Socket } from 'socket.io-client'
import { hashPassword } from '../server/auth/password.js'
import { openDatabase } from '../server/store/database.js'
import { newId } from '../server/store/ids.js'
import type { ChannelEvent } from '../web/protocol/channel-event.js'

const root = path.resolve(import.meta.dirname, '..')
const CHANNELS = Number(process.env.BENCH_CHANNELS ?? 1000)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20)
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3)
const RATE = Number(process.env.BENCH_RATE ?? 1000)
const CHATS_PER_AGENT = 10
const AGENTS = Math.ceil(CHANNELS / CHATS_PER_AGENT)
const ORIGIN = 'http://bench.parley.local'
const PASSWORD = 'bench-password-1'

interface LatencyStats {
  /** server process CPU time over the measured window / its length (1 = one core busy) */
  serverCpu: number
  messages: number
  lost: number
  p50Ms: number
  p90Ms: number
  p99Ms: number
  maxMs: number
  meanMs: number
}

/** What the load generator drives: one "visitor" and one "agent" end per channel. */
interface Topology {
  send(channel: number, id: string, text: string): void
  onReceive(listener: (id: string) => void): void
  close(): void
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000
}

/** Wait for a child's `{ type: 'ready', url }` message. */
function startChild(script: string, env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  // BENCH_PROFILE=<dir> writes a CPU profile of each server process (for finding hot spots).
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : process.env.BENCH_TRACE_GC ? ['--trace-gc'] : []
  const child = fork(path.join(root, script), [], { cwd: root, execArgv: ['--import', 'tsx', ...profile], env: { ...process.env, ...env }, stdio: ['ignore', process.env.BENCH_TRACE_GC ? 'inherit' : 'ignore', 'inherit', 'ipc'] })
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)))
    child.on('message', (message: { type?: string; url?: string }) => {
      if (message.type === 'ready') resolve({ child, url: message.url! })
    })
  })
}

async function stopChild(child: ChildProcess): Promise<void> {
  child.removeAllListeners('exit')
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
    setTimeout(() => child.kill('SIGKILL'), 5000).unref()
  })
}

function connect(url: string, options: Parameters<typeof io>[1]): Promise<Socket> {
  const socket = io(url, { forceNew: true, transports: ['websocket'], reconnection: false, ...options })
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket))
    socket.once('connect_error', reject)
  })
}

async function inBatches<T>(items: T[], size: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  for (let start = 0; start < items.length; start += size) {
    await Promise.all(items.slice(start, start + size).map((item, offset) => work(item, start + offset)))
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100 // utime, stime in clock ticks (USER_HZ = 100)
}

/** Drive the load: every channel sends at RATE/CHANNELS per second, with random phases. */
async function measure(topology: Topology, serverPid: number): Promise<LatencyStats> {
  const sentAt = new Map<string, number>()
  const latencies: number[] = []
  let measuring = false
  topology.onReceive((id) => {
    const started = sentAt.get(id)
    if (started === undefined) return
    sentAt.delete(id)
    if (measuring) latencies.push(performance.now() - started)
  })
  const periodMs = (CHANNELS / RATE) * 1000
  const nextDue = Array.from({ length: CHANNELS }, () => performance.now() + Math.random() * periodMs)
  let counter = 0
  let measuredSent = 0
  const startedAt = performance.now()
  const warmupEnd = startedAt + WARMUP_SECONDS * 1000
  const end = warmupEnd + SECONDS * 1000
  let cpuAtStart = NaN
  while (performance.now() < end) {
    const now = performance.now()
    if (!measuring && now >= warmupEnd) cpuAtStart = cpuSeconds(serverPid)
    measuring = now >= warmupEnd
    for (let channel = 0; channel < CHANNELS; channel++) {
      if (nextDue[channel]! > now) continue
      nextDue[channel]! += periodMs
      const id = `m${++counter}`
      sentAt.set(id, performance.now())
      if (measuring) measuredSent++
      topology.send(channel, id, `message ${counter} on channel ${channel}`)
    }
    await sleep(2)
  }
  const serverCpu = (cpuSeconds(serverPid) - cpuAtStart) / SECONDS
  measuring = true
  await sleep(2000) // let the last ones arrive
  latencies.sort((a, b) => a - b)
  const mean = latencies.reduce((sum, value) => sum + value, 0) / Math.max(1, latencies.length)
  return {
    serverCpu: round(serverCpu),
    messages: latencies.length,
    lost: Math.max(0, measuredSent - latencies.length),
    p50Ms: round(percentile(latencies, 50)),
    p90Ms: round(percentile(latencies, 90)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(latencies.at(-1) ?? NaN),
    meanMs: round(mean),
  }
}

async function bareRelay(): Promise<LatencyStats> {
  const { child, url } = await startChild('bench/bare-relay.ts', {})
  try {
    const agents = await Promise.all(Array.from({ length: AGENTS }, () => connect(url, {})))
    const visitors: Socket[] = []
    await inBatches(
      Array.from({ length: CHANNELS }, (_, i) => i),
      50,
      async (channel) => {
        const visitor = await connect(url, {})
        visitors[channel] = visitor
        await visitor.emitWithAck('join', `room-${channel}`)
        await agents[channel % AGENTS]!.emitWithAck('join', `room-${channel}`)
      },
    )
    const listeners: ((id: string) => void)[] = []
    for (const agent of agents) agent.on('msg', (message: { id: string }) => listeners.forEach((l) => l(message.id)))
    const stats = await measure({
      send: (channel, id, text) => visitors[channel]!.emit('msg', { room: `room-${channel}`, id, text }, () => {}),
      onReceive: (listener) => listeners.push(listener),
      close: () => undefined,
    }, child.pid!)
    for (const socket of [...agents, ...visitors]) socket.close()
    return stats
  } finally {
    await stopChild(child)
  }
}

async function prepareParleyDatabase(dir: string): Promise<string> {
  const databaseUrl = `file:${path.join(dir, 'bench.db')}`
  execFileSync(process.execPath, [path.join(root, 'scripts/migrate.mjs'), '--quiet'], { cwd: root, env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: ['ignore', 'ignore', 'inherit'] })
  const db = await openDatabase({ DATABASE_URL: databaseUrl, databaseProvider: 'sqlite' })
  const tenantId = newId('tn')
  const passwordHash = await hashPassword(PASSWORD)
  await db.tenant.create({ data: { id: tenantId, slug: 'bench', name: 'Bench' } })
  await db.embedOrigin.create({ data: { id: newId('eo'), tenantId, origin: ORIGIN } })
  await db.agent.createMany({
    data: Array.from({ length: AGENTS }, (_, i) => ({ id: newId('ag'), tenantId, email: `agent${i}@bench.local`, displayName: `Agent ${i}`, passwordHash, maxChats: CHATS_PER_AGENT })),
  })
  await db.$disconnect()
  return databaseUrl
}

async function parley(dir: string): Promise<LatencyStats> {
  const databaseUrl = await prepareParleyDatabase(dir)
  const { child, url } = await startChild('server/main.ts', { PORT: '0', SHOP_PORT: '-1', DATABASE_URL: databaseUrl, DATA_DIR: dir, SEED_DEMO: '0', LOG_LEVEL: 'warn' })
  try {
    const agents: Socket[] = []
    await inBatches(
      Array.from({ length: AGENTS }, (_, i) => i),
      4,
      async (i) => {
        const response = await fetch(`${url}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: url },
          body: JSON.stringify({ tenant: 'bench', email: `agent${i}@bench.local`, password: PASSWORD }),
        })
        if (response.status !== 200) throw new Error(`bench login failed: ${response.status}`)
        const cookie = response.headers.get('set-cookie')!.split(';')[0]!
        const agent = await connect(`${url}/agent`, { extraHeaders: { cookie, origin: url } })
        const set = await agent.emitWithAck('agent:set-state', { state: 'ready' })
        if (!set.ok) throw new Error(set.error.message)
        agents[i] = agent
      },
    )
    const visitors: Socket[] = []
    const channelIds: string[] = []
    // One at a time, so the queue head is always offered to the chosen agent (FIFO offers).
    await inBatches(
      Array.from({ length: CHANNELS }, (_, i) => i),
      1,
      async (channel) => {
        const visitor = await connect(`${url}/visitor`, { extraHeaders: { origin: ORIGIN }, auth: { tenant: 'bench' } })
        visitors[channel] = visitor
        const created = await visitor.emitWithAck('request:create', { clientRequestId: `bench-${channel}`, question: `channel ${channel}`, pageUrl: null })
        if (!created.ok) throw new Error(created.error.message)
        const accepted = await agents[channel % AGENTS]!.emitWithAck('request:accept', { requestId: created.data.request.id })
        if (!accepted.ok) throw new Error(`accept failed: ${accepted.error.message}`)
        channelIds[channel] = accepted.data.channel.id
      },
    )
    const listeners: ((id: string) => void)[] = []
    for (const agent of agents) {
      agent.on('channel:event', (event: ChannelEvent) => {
        if (event.type === 'chat.message' && event.clientMsgId) for (const listener of listeners) listener(event.clientMsgId)
      })
    }
    const stats = await measure({
      send: (channel, id, text) => visitors[channel]!.emit('chat:send', { channelId: channelIds[channel], clientMsgId: id, text }, () => {}),
      onReceive: (listener) => listeners.push(listener),
      close: () => undefined,
    }, child.pid!)
    for (const socket of [...agents, ...visitors]) socket.close()
    return stats
  } finally {
    await stopChild(child)
  }
}

function loaderSize(): { bytes: number; gzipBytes: number; budgetGzipBytes: number; withinBudget: boolean } {
  execFileSync(process.execPath, [path.join(root, 'scripts/build-web.mjs')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
  const loader = fs.readFileSync(path.join(root, 'dist/web/widget.js'))
  const gzipBytes = gzipSync(loader, { level: 9 }).length
  return { bytes: loader.length, gzipBytes, budgetGzipBytes: 7 * 1024, withinBudget: gzipBytes <= 7 * 1024 }
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-'))
  try {
    const widgetLoader = loaderSize()
    console.log(`widget loader: ${widgetLoader.gzipBytes} B gzipped (budget ${widgetLoader.budgetGzipBytes})`)
    console.log(`chat fan-out: ${CHANNELS} channels, ${RATE} msg/s, ${SECONDS} s measured after ${WARMUP_SECONDS} s warm-up`)
    // BENCH_ONLY=parley skips the baseline (for profiling only; the ratio needs both).
    const relay = process.env.BENCH_ONLY === 'parley' ? ({ p50Ms: NaN, p99Ms: NaN } as LatencyStats) : await bareRelay()
    console.log('  bare socket.io relay', relay)
    const ours = await parley(dir)
    console.log('  parley              ', ours)
    const result = {
      name: 'spine',
      at: new Date().toISOString(),
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version, platform: `${os.platform()} ${os.release()}` },
      widgetLoader,
      chatFanOut: {
        channels: CHANNELS,
        ratePerSecond: RATE,
        seconds: SECONDS,
        what: 'visitor chat:send -> agent channel:event (Parley: validated, authorized, sequenced, stored in SQLite, fanned out); relay: socket.to(room).emit',
        parley: ours,
        bareRelay: relay,
        ratioP50: round(ours.p50Ms / relay.p50Ms),
        ratioP99: round(ours.p99Ms / relay.p99Ms),
        goalRatioP99: 1.5,
        meetsGoal: ours.p99Ms / relay.p99Ms <= 1.5,
      },
    }
    const out = path.join(root, 'bench/results')
    fs.mkdirSync(out, { recursive: true })
    fs.writeFileSync(path.join(out, 'spine.json'), JSON.stringify(result, null, 2) + '\n')
    console.log(`ratio p50 ${result.chatFanOut.ratioP50}, p99 ${result.chatFanOut.ratioP99} (goal p99 <= 1.5) -> bench/results/spine.json`)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

await main()
process.exit(0)
