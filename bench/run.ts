/**
 * `npm run bench`: measures what the issues promise and writes bench/results/<name>.json.
 *
 * - widget loader size, gzipped (budget 7 KB)
 * - chat fan-out latency (visitor sends, agent receives) with 1,000 concurrent channels on
 *   one Parley process, and the same load through a bare socket.io relay in the same run
 * - routing decision latency with 1,000 agents and 10,000 waiting requests (bench/routing-latency.ts)
 * - a simulated day: our wait estimates vs the baseline formula against actual waits
 *   (bench/wait-simulation.ts)
 * - media: forwarding CPU against bare mediasoup, start-video-to-first-frame in Chromium
 *   (bench/media.ts → media.json); `npm run bench -- media` runs only that part
 * - SIP: calls per second with RTP through our bridge against sipp's own UAS, and the time
 *   from a visitor's media failure to the INVITE to their phone (bench/sip.ts → sip.json;
 *   `npm run bench -- sip`)
 *
 * The servers run in their own processes; this process is the load generator. Both systems
 * are set up first, then measured in alternating windows (relay, Parley, relay, ...) so that
 * the machine's noise hits both alike; samples are pooled per system. Bounded:
 * BENCH_CHANNELS (1000), BENCH_ROUNDS (3) windows of BENCH_SECONDS (10) each after
 * BENCH_WARMUP_SECONDS (2), BENCH_RATE (messages per second in total, 1000).
 */
import { execFileSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import type { Socket } from 'socket.io-client'
import { hashPassword } from '../server/auth/password.js'
import { openDatabase } from '../server/store/database.js'
import { newId } from '../server/store/ids.js'
import type { ChannelEvent } from '../web/protocol/channel-event.js'
import { connect, inBatches, percentile, round, startChild, stopChild } from './bench-process.js'
import { runLeadBench } from './lead-fanout.js'
import { runLoadBench } from './load.js'
import { runSipBench } from './sip.js'
import { runMediaBench } from './media.js'
import { measureRoutingLatency } from './routing-latency.js'
import { simulateDay } from './wait-simulation.js'

const root = path.resolve(import.meta.dirname, '..')
const CHANNELS = Number(process.env.BENCH_CHANNELS ?? 1000)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
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
  name: string
  serverPid: number
  server: ChildProcess
  send(channel: number, id: string, text: string): void
  /** the one listener for received message ids */
  receiver: (id: string) => void
  close(): Promise<void>
}

/** One measured window: latencies in ms, messages sent, server CPU share. */
interface Window {
  latencies: number[]
  sent: number
  serverCpu: number
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100 // utime, stime in clock ticks (USER_HZ = 100)
}

/** Drive one window: every channel sends at RATE/CHANNELS per second, with random phases. */
async function measure(topology: Topology): Promise<Window> {
  const sentAt = new Map<string, number>()
  const latencies: number[] = []
  let measuring = false
  topology.receiver = (id) => {
    const started = sentAt.get(id)
    if (started === undefined) return
    sentAt.delete(id)
    if (measuring) latencies.push(performance.now() - started)
  }
  const periodMs = (CHANNELS / RATE) * 1000
  const nextDue = Array.from({ length: CHANNELS }, () => performance.now() + Math.random() * periodMs)
  let sent = 0
  const warmupEnd = performance.now() + WARMUP_SECONDS * 1000
  const end = warmupEnd + SECONDS * 1000
  let cpuAtStart = NaN
  while (performance.now() < end) {
    const now = performance.now()
    if (!measuring && now >= warmupEnd) {
      if (process.env.BENCH_PROFILE) topology.server.send({ type: 'profile-start' })
      cpuAtStart = cpuSeconds(topology.serverPid)
      measuring = true
    }
    for (let channel = 0; channel < CHANNELS; channel++) {
      if (nextDue[channel]! > now) continue
      nextDue[channel]! += periodMs
      const id = `${topology.name}-${++messageCounter}`
      sentAt.set(id, performance.now())
      if (measuring) sent++
      topology.send(channel, id, `message ${messageCounter} on channel ${channel}`)
    }
    await sleep(2)
  }
  const serverCpu = (cpuSeconds(topology.serverPid) - cpuAtStart) / SECONDS
  if (process.env.BENCH_PROFILE) topology.server.send({ type: 'profile-stop', name: topology.name })
  await sleep(2000) // let the last ones arrive
  topology.receiver = () => {}
  return { latencies, sent, serverCpu }
}

let messageCounter = 0

function summarize(windows: Window[]): LatencyStats {
  const latencies = windows.flatMap((w) => w.latencies).sort((a, b) => a - b)
  const sent = windows.reduce((sum, w) => sum + w.sent, 0)
  const mean = latencies.reduce((sum, value) => sum + value, 0) / Math.max(1, latencies.length)
  return {
    serverCpu: round(windows.reduce((sum, w) => sum + w.serverCpu, 0) / windows.length),
    messages: latencies.length,
    lost: Math.max(0, sent - latencies.length),
    p50Ms: round(percentile(latencies, 50)),
    p90Ms: round(percentile(latencies, 90)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(latencies.at(-1) ?? NaN),
    meanMs: round(mean),
  }
}

async function bareRelay(): Promise<Topology> {
  const { child, url } = await startChild('bench/bare-relay.ts', {})
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
  const topology: Topology = {
    name: 'relay',
    serverPid: child.pid!,
    server: child,
    send: (channel, id, text) => visitors[channel]!.emit('msg', { room: `room-${channel}`, id, text }, () => {}),
    receiver: () => {},
    close: async () => {
      for (const socket of [...agents, ...visitors]) socket.close()
      await stopChild(child)
    },
  }
  for (const agent of agents) agent.on('msg', (message: { id: string }) => topology.receiver(message.id))
  return topology
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

async function parley(dir: string): Promise<Topology> {
  const databaseUrl = await prepareParleyDatabase(dir)
  const { child, url } = await startChild('server/main.ts', { PORT: '0', SHOP_PORT: '-1', DATABASE_URL: databaseUrl, DATA_DIR: dir, SEED_DEMO: '0', LOG_LEVEL: 'warn', RATE_LIMITS: '0' })
  const agents: Socket[] = []
  const visitors: Socket[] = []
  const channelIds: string[] = []
  try {
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
  // The router offers each request to one agent (longest idle first): that agent accepts it.
  // NOTE: the offer can arrive before the visitor's ack, so offers are kept until asked for.
  const offeredTo = new Map<string, Socket>()
  const waiting = new Map<string, (agent: Socket) => void>()
  for (const agent of agents) {
    agent.on('request:offered', (request: { id: string }) => {
      const waiter = waiting.get(request.id)
      if (waiter) waiter(agent)
      else offeredTo.set(request.id, agent)
    })
  }
  const offerOf = (requestId: string) =>
    offeredTo.get(requestId) ??
    new Promise<Socket>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no agent was offered request ${requestId} (${offeredTo.size} other offers unclaimed)`)), 10_000)
      waiting.set(requestId, (agent) => {
        clearTimeout(timer)
        waiting.delete(requestId)
        resolve(agent)
      })
    })
  // One at a time, so every offer is answered before the next request comes.
  await inBatches(
    Array.from({ length: CHANNELS }, (_, i) => i),
    1,
    async (channel) => {
      const visitor = await connect(`${url}/visitor`, { extraHeaders: { origin: ORIGIN }, auth: { tenant: 'bench' } })
      visitors[channel] = visitor
      const created = await visitor.emitWithAck('request:create', { clientRequestId: `bench-${channel}`, question: `channel ${channel}`, pageUrl: null })
      if (!created.ok) throw new Error(created.error.message)
      const agent = await Promise.resolve(offerOf(created.data.request.id)).catch((error: Error) => {
        throw new Error(`channel ${channel}: ${error.message}`)
      })
      offeredTo.delete(created.data.request.id)
      const accepted = await agent.emitWithAck('request:accept', { requestId: created.data.request.id })
      if (!accepted.ok) throw new Error(`accept failed: ${accepted.error.message}`)
      channelIds[channel] = accepted.data.channel.id
    },
  )
  } catch (error) {
    // a failed setup must not leave the server behind
    for (const socket of [...agents, ...visitors]) socket?.close()
    await stopChild(child)
    throw error
  }
  const topology: Topology = {
    name: 'parley',
    serverPid: child.pid!,
    server: child,
    send: (channel, id, text) => visitors[channel]!.emit('chat:send', { channelId: channelIds[channel], clientMsgId: id, text }, () => {}),
    receiver: () => {},
    close: async () => {
      for (const socket of [...agents, ...visitors]) socket.close()
      await stopChild(child)
    },
  }
  for (const agent of agents) {
    agent.on('channel:event', (event: ChannelEvent) => {
      if (event.type === 'chat.message' && event.clientMsgId) topology.receiver(event.clientMsgId)
    })
  }
  return topology
}

function loaderSize(): { bytes: number; gzipBytes: number; budgetGzipBytes: number; withinBudget: boolean } {
  execFileSync(process.execPath, [path.join(root, 'scripts/build-web.mjs')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
  const loader = fs.readFileSync(path.join(root, 'dist/web/widget.js'))
  const gzipBytes = gzipSync(loader, { level: 9 }).length
  return { bytes: loader.length, gzipBytes, budgetGzipBytes: 7 * 1024, withinBudget: gzipBytes <= 7 * 1024 }
}

async function main(): Promise<void> {
  if (process.argv[2] === 'media') return runMediaBench(root)
  if (process.argv[2] === 'lead') return runLeadBench(root)
  if (process.argv[2] === 'load') return runLoadBench(root)
  if (process.argv[2] === 'sip') return runSipBench(root)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-'))
  try {
    const widgetLoader = loaderSize()
    console.log(`widget loader: ${widgetLoader.gzipBytes} B gzipped (budget ${widgetLoader.budgetGzipBytes})`)
    const routingLatency = measureRoutingLatency()
    console.log(`routing pass with ${routingLatency.agents} agents and ${routingLatency.waiting} waiting: p50 ${routingLatency.p50Ms} ms, p99 ${routingLatency.p99Ms} ms`)
    const days = [2026, 7, 99].map((seed) => ({ seed, ...simulateDay(seed) }))
    const waitEstimate = {
      what: 'a simulated 12-hour day per seed (arrivals with two peaks, 15 agents in shifts with breaks, 3 chats each, log-normal chat lengths); estimate told on arrival vs the actual wait',
      baselineFormula: '((position - 1) / staffed agents + 1) * mean handle time',
      days,
      oursMaeSec: Math.round((days.reduce((sum, d) => sum + d.ours.maeSec, 0) / days.length) * 10) / 10,
      baselineMaeSec: Math.round((days.reduce((sum, d) => sum + d.baseline.maeSec, 0) / days.length) * 10) / 10,
    }
    console.log(`wait estimate MAE over ${days.length} simulated days: ours ${waitEstimate.oursMaeSec} s, baseline ${waitEstimate.baselineMaeSec} s`)
    console.log(`chat fan-out: ${CHANNELS} channels, ${RATE} msg/s, ${ROUNDS} alternating windows of ${SECONDS} s per system`)
    const systems: Topology[] = []
    const windows = new Map<string, Window[]>([['relay', []], ['parley', []]])
    const roundRatios: number[] = []
    try {
      systems.push(await bareRelay())
      systems.push(await parley(dir))
      for (let index = 0; index < ROUNDS; index++) {
        const p99s: Record<string, number> = {}
        for (const system of index % 2 === 0 ? systems : [...systems].reverse()) {
          const window = await measure(system)
          windows.get(system.name)!.push(window)
          p99s[system.name] = percentile([...window.latencies].sort((a, b) => a - b), 99)
        }
        roundRatios.push(round(p99s.parley! / p99s.relay!))
        console.log(`  round ${index + 1}: p99 relay ${p99s.relay!.toFixed(2)} ms, parley ${p99s.parley!.toFixed(2)} ms`)
      }
    } finally {
      for (const system of systems) await system.close()
    }
    const relay = summarize(windows.get('relay')!)
    const ours = summarize(windows.get('parley')!)
    console.log('  bare socket.io relay', relay)
    console.log('  parley              ', ours)
    const result = {
      name: 'spine',
      at: new Date().toISOString(),
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version, platform: `${os.platform()} ${os.release()}` },
      widgetLoader,
      routingLatency,
      waitEstimate,
      chatFanOut: {
        channels: CHANNELS,
        ratePerSecond: RATE,
        secondsPerWindow: SECONDS,
        windowsPerSystem: ROUNDS,
        what: 'visitor chat:send -> agent channel:event (Parley: validated, authorized, sequenced, stored in SQLite, fanned out); relay: socket.to(room).emit',
        parley: ours,
        bareRelay: relay,
        roundP99Ratios: roundRatios,
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
  // `npm run bench -- spine`: the loader, routing, waits and chat fan-out only
  if (process.argv[2] === 'spine') return
  await runLeadBench(root)
  await runLoadBench(root)
  await runMediaBench(root)
  await runSipBench(root)
}

await main()
process.exit(0)
