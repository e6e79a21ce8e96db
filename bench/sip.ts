/**
 * SIP bench (bench/results/sip.json; `npm run bench -- sip` runs only this part):
 *
 * 1. Capacity: sipp calls at increasing rates, each call with RTP (2 s of PCMU tone played
 *    by the caller and echoed by the callee), against Parley's SIP bridge (a DID whose handler
 *    answers every call with an echoing RTP socket) and against sipp's own UAS (-rtp_echo) in
 *    the same run, one rate step after the other for both. BENCH_SIP_CALLS (2000) calls per
 *    step at each of BENCH_SIP_RATES; a system stops at its first step with a failed call. The
 *    result is the highest rate with zero failed calls for each (goal: ours >= 90% of sipp's).
 * 2. Fallback: a real Parley (mediasoup, a trunk towards sipp through a relay that timestamps
 *    the INVITE) with a visitor and an agent in a call; the visitor's media is reported failed
 *    (the watchdog's event), or their socket drops, and we time it until the INVITE to their
 *    phone leaves. The default grace period (PHONE_FALLBACK_GRACE_MS) is part of it.
 */
import dgram from 'node:dgram'
import { Worker } from 'node:worker_threads'
import type { EventEmitter } from 'node:events'
import fs from 'node:fs'
import os from 'node:os'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import path from 'node:path'
import { pino } from 'pino'
import type { Socket } from 'socket.io-client'
import { startParley, type Parley } from '../server/app.js'
import { loadConfig } from '../server/config.js'
import { createLogger } from '../server/log.js'
import { linearToPcmu } from '../sip/rtp-socket.js'
import { createSipBridge, type IncomingCall } from '../sip/sip-bridge.js'
import { freePort } from '../sip/testing/ports.js'
import { Sipp } from '../sip/testing/sipp.js'
import { connect, percentile, round } from './bench-process.js'

const CALLS_PER_STEP = Number(process.env.BENCH_SIP_CALLS ?? 2000)
const RATES = (process.env.BENCH_SIP_RATES ?? '100,150,200,300,450,600').split(',').map(Number)
/** a step counts only when sipp placed its calls at (nearly) the asked rate */
const ACHIEVED_SHARE = 0.9
const HOLD_SECONDS = 2
const FALLBACK_ROUNDS = Number(process.env.BENCH_SIP_FALLBACK_ROUNDS ?? 5)
const DID = '+15557654321'
const PASSWORD = 'bench-password-1'

interface Step {
  rate: number
  calls: number
  failed: number
  sippExit: number | null
  /** sipp's own cumulative call rate (calls / elapsed, the 2 s calls included) */
  sippCallRate: number | null
  /** the rate sipp actually placed calls at: calls / (its elapsed time - the calls' 2 s) */
  achievedCallsPerSecond: number | null
  /** INVITEs sipp had to send again (the callee answered too late) */
  inviteRetransmissions: number | null
  /** zero failed calls at (nearly) the asked rate */
  passed: boolean
  /** ours only: calls the bridge saw end normally (and how all ended), the INVITE rate it received, the process's CPU share (echo thread included) and event-loop lag */
  completed?: number
  endReasons?: Record<string, number>
  receivedCallsPerSecond?: number
  cpuShare?: number
  eventLoopLagP99Ms?: number
}

/** A classic pcap of `seconds` of 440 Hz PCMU in 20 ms RTP packets (what sipp's play_pcap_audio sends). */
function tonePcap(file: string, seconds: number): void {
  const packets: Buffer[] = []
  const global = Buffer.alloc(24)
  global.writeUInt32LE(0xa1b2c3d4, 0)
  global.writeUInt16LE(2, 4)
  global.writeUInt16LE(4, 6)
  global.writeUInt32LE(65535, 16)
  global.writeUInt32LE(1, 20) // Ethernet
  packets.push(global)
  for (let i = 0; i < seconds * 50; i++) {
    const rtp = Buffer.alloc(12 + 160)
    rtp[0] = 0x80
    rtp.writeUInt16BE(i, 2)
    rtp.writeUInt32BE(i * 160, 4)
    rtp.writeUInt32BE(0x5eed, 8)
    for (let s = 0; s < 160; s++) rtp[12 + s] = linearToPcmu(6000 * Math.sin((2 * Math.PI * 440 * (i * 160 + s)) / 8000))
    const udp = Buffer.alloc(8)
    udp.writeUInt16BE(40000, 0)
    udp.writeUInt16BE(40002, 2)
    udp.writeUInt16BE(8 + rtp.length, 4)
    const ip = Buffer.alloc(20)
    ip[0] = 0x45
    ip.writeUInt16BE(20 + 8 + rtp.length, 2)
    ip[8] = 64
    ip[9] = 17
    ip.writeUInt32BE(0x7f000001, 12)
    ip.writeUInt32BE(0x7f000001, 16)
    const ether = Buffer.alloc(14)
    ether.writeUInt16BE(0x0800, 12)
    const frame = Buffer.concat([ether, ip, udp, rtp])
    const header = Buffer.alloc(16)
    header.writeUInt32LE(Math.floor((i * 20) / 1000), 0)
    header.writeUInt32LE(((i * 20) % 1000) * 1000, 4)
    header.writeUInt32LE(frame.length, 8)
    header.writeUInt32LE(frame.length, 12)
    packets.push(header, frame)
  }
  fs.writeFileSync(file, Buffer.concat(packets))
}

function failedCalls(output: string): number | undefined {
  const match = /Failed call\s*\|\s*\d+\s*\|\s*(\d+)/.exec(output.slice(-6000))
  return match ? Number(match[1]) : undefined
}

/** One rate step of sipp calling `port`. */
interface StepResult {
  failed: number
  exit: number | null
  callRate: number | null
  achieved: number | null
  retransmissions: number | null
}

async function callAt(port: number, rate: number, calls: number, scenario: string): Promise<StepResult> {
  const sipp = await Sipp.start({
    scenario,
    localPort: await freePort(),
    mediaPort: await freePort({ span: 4, even: true }),
    remote: `127.0.0.1:${port}`,
    service: DID,
    calls,
    rate,
    limit: 2000,
    timeoutSec: Math.ceil(calls / rate) + 40,
    extraArgs: ['-max_socket', '5000'],
  })
  const result = await sipp.result(1000 * (Math.ceil(calls / rate) + 60)).catch(() => ({ code: null, signal: null, output: '' }))
  await sipp.stop()
  const failed = failedCalls(result.output)
  const tail = result.output.slice(-6000)
  const callRate = Number(/Call Rate\s*\|[^|]*\|\s*([\d.]+) cps/.exec(tail)?.[1] ?? NaN)
  const retrans = /INVITE ---------->\s+(\d+)\s+(\d+)/.exec(tail)?.[2]
  const achieved = callRate > 0 ? round(calls / Math.max(calls / callRate - HOLD_SECONDS, 1 / rate)) : null
  return { failed: failed ?? (result.code === 0 ? 0 : calls), exit: result.code, callRate: Number.isNaN(callRate) ? null : callRate, achieved, retransmissions: retrans === undefined ? null : Number(retrans) }
}

/** The callee's media: echo sockets in a worker thread (bench/rtp-echo-worker.mjs). */
function echoWorker() {
  const worker = new Worker(new URL('./rtp-echo-worker.mjs', import.meta.url))
  const waiting = new Map<number, (port: number) => void>()
  let next = 0
  worker.on('message', (message: { id: number; port: number }) => {
    waiting.get(message.id)?.(message.port)
    waiting.delete(message.id)
  })
  return {
    open: () =>
      new Promise<number>((resolve) => {
        waiting.set(++next, resolve)
        worker.postMessage({ type: 'open', id: next })
      }),
    close: (port: number) => worker.postMessage({ type: 'close', port }),
    terminate: () => worker.terminate(),
  }
}

/** Parley's bridge taking calls on a DID: each answered with an RTP socket that echoes. */
async function bridgeUnderTest() {
  const bridge = await createSipBridge({ log: pino({ level: 'silent' }), trunks: [{ id: 'bench', host: '127.0.0.1', callerId: '+15550001111', dids: [DID], allowFrom: ['127.0.0.1'], inboundAnswerTimeoutSec: 30 }] })
  let completed = 0
  const arrivals: number[] = []
  const endReasons: Record<string, number> = {}
  const echo = echoWorker()
  bridge.onIncomingCall(async (call: IncomingCall) => {
    arrivals.push(performance.now())
    const port = await echo.open()
    void call.whenEnded().then((ended) => {
      endReasons[ended.reason] = (endReasons[ended.reason] ?? 0) + 1
      if (ended.reason === 'hangup-remote') completed++
      echo.close(port)
    })
    await call.answer({ rtp: { localIp: '127.0.0.1', localPort: port } }).catch(() => echo.close(port))
  })
  return { bridge, echo, port: bridge.address('bench').port, completed: () => completed, arrivals, endReasons }
}

function stepOf(rate: number, calls: number, result: StepResult): Step {
  return {
    rate,
    calls,
    failed: result.failed,
    sippExit: result.exit,
    sippCallRate: result.callRate,
    achievedCallsPerSecond: result.achieved,
    inviteRetransmissions: result.retransmissions,
    passed: result.failed === 0 && (result.achieved ?? 0) >= ACHIEVED_SHARE * rate,
  }
}

async function capacity(dir: string) {
  const loadBefore = os.loadavg()
  const pcap = path.join(dir, 'tone.pcap')
  tonePcap(pcap, 2)
  const scenario = path.join(dir, 'uac_rtp.xml')
  fs.writeFileSync(scenario, fs.readFileSync(path.join(import.meta.dirname, 'scenarios/uac_rtp.xml'), 'utf8').replace('[pcap]', pcap))
  const perStep = CALLS_PER_STEP
  const ours: Step[] = []
  const sipps: Step[] = []
  const bridge = await bridgeUnderTest()
  let oursDone = false
  let sippDone = false
  try {
    for (const rate of RATES) {
      if (oursDone && sippDone) break
      if (!oursDone) {
        const before = bridge.completed()
        bridge.arrivals.length = 0
        for (const key of Object.keys(bridge.endReasons)) delete bridge.endReasons[key]
        const lag = monitorEventLoopDelay({ resolution: 10 })
        lag.enable()
        const cpu = process.cpuUsage()
        const wall = performance.now()
        const result = await callAt(bridge.port, rate, perStep, scenario)
        const used = process.cpuUsage(cpu)
        lag.disable()
        await new Promise((resolve) => setTimeout(resolve, 500)) // the last BYEs' ends
        const span = (bridge.arrivals.at(-1)! - bridge.arrivals[0]!) / 1000
        const step: Step = {
          ...stepOf(rate, perStep, result),
          completed: bridge.completed() - before,
          endReasons: { ...bridge.endReasons },
          receivedCallsPerSecond: bridge.arrivals.length > 1 ? round((bridge.arrivals.length - 1) / span) : 0,
          cpuShare: round((used.user + used.system) / 1000 / (performance.now() - wall)),
          eventLoopLagP99Ms: round(lag.percentile(99) / 1e6),
        }
        ours.push(step)
        oursDone = !step.passed && ours.at(-2)?.passed === false
        console.log(`  parley bridge ${rate} calls/s: ${step.failed} failed of ${perStep}, placed at ${step.achievedCallsPerSecond}/s, ${step.inviteRetransmissions} INVITE retransmissions, CPU ${step.cpuShare}`)
      }
      if (!sippDone) {
        const uasPort = await freePort()
        const uas = await Sipp.start({ scenario: 'uas', localPort: uasPort, mediaPort: await freePort({ span: 4, even: true }), rtpEcho: true, calls: perStep, timeoutSec: Math.ceil(perStep / rate) + 40 })
        const result = await callAt(uasPort, rate, perStep, scenario)
        await uas.stop()
        const step = stepOf(rate, perStep, result)
        sipps.push(step)
        sippDone = !step.passed && sipps.at(-2)?.passed === false
        console.log(`  sipp's own uas ${rate} calls/s: ${step.failed} failed of ${perStep}, placed at ${step.achievedCallsPerSecond}/s, ${step.inviteRetransmissions} INVITE retransmissions`)
      }
    }
  } finally {
    await bridge.bridge.close()
    await bridge.echo.terminate()
  }
  // the highest rate before the first step that did not pass (a system runs on until two in a row)
  const best = (steps: Step[]) => {
    let rate = 0
    for (const step of steps) {
      if (!step.passed) break
      rate = step.rate
    }
    return rate
  }
  const oursBest = best(ours)
  const sippBest = best(sipps)
  return {
    what: "sipp UAC (INVITE, 2 s of PCMU played from a pcap and echoed by the callee, BYE) at increasing rates; ours: the SIP bridge answering a DID, RTP echoed by sockets in a worker thread (as sipp's rtp_echo runs in a thread of its own); baseline: sipp -sn uas -rtp_echo",
    callsPerStep: perStep,
    totalCallsPerSystem: { parley: ours.reduce((sum, step) => sum + step.calls, 0), sipp: sipps.reduce((sum, step) => sum + step.calls, 0) },
    parley: { steps: ours, highestRateWithoutFailures: oursBest },
    sippUas: { steps: sipps, highestRateWithoutFailures: sippBest },
    ratio: sippBest > 0 ? round(oursBest / sippBest) : null,
    goalRatio: 0.9,
    meetsGoal: sippBest > 0 && oursBest / sippBest >= 0.9,
    ratesTried: RATES,
    passRule: `zero failed calls, placed at >= ${ACHIEVED_SHARE * 100}% of the asked rate`,
    loadAverage: { before: loadBefore.map(round), after: os.loadavg().map(round) },
  }
}

/** Forwards datagrams both ways and notes when each INVITE passes (the moment it left Parley). */
async function inviteClock(target: number) {
  const front = dgram.createSocket('udp4')
  const back = dgram.createSocket('udp4')
  await Promise.all([new Promise<void>((resolve) => front.bind(0, '127.0.0.1', () => resolve())), new Promise<void>((resolve) => back.bind(0, '127.0.0.1', () => resolve()))])
  let client: { port: number; address: string } | undefined
  const invites: number[] = []
  front.on('message', (message, rinfo) => {
    client = rinfo
    if (message.subarray(0, 7).toString('latin1') === 'INVITE ') invites.push(performance.now())
    back.send(message, target, '127.0.0.1')
  })
  back.on('message', (message) => client && front.send(message, client.port, client.address))
  return { port: front.address().port, invites, close: () => (front.close(), back.close()) }
}

async function fallback(dir: string) {
  const uasPort = await freePort()
  const uas = await Sipp.start({ scenario: 'uas', localPort: uasPort, mediaPort: await freePort({ span: 4, even: true }), rtpEcho: true, calls: FALLBACK_ROUNDS * 2, timeoutSec: 600 })
  const clock = await inviteClock(uasPort)
  const min = 30000 + Math.floor(Math.random() * 100) * 100
  const config = loadConfig({ PORT: '0', SHOP_PORT: '0', DATA_DIR: dir, DATABASE_URL: `file:${path.join(dir, 'fallback.db')}`, DEMO_PASSWORD: PASSWORD, LOG_LEVEL: 'warn', RATE_LIMITS: '0', MEDIA: 'on', MEDIA_WORKERS: '1', MEDIA_MIN_PORT: String(min), MEDIA_MAX_PORT: String(min + 99) })
  const { execFileSync } = await import('node:child_process')
  execFileSync(process.execPath, [path.join(import.meta.dirname, '../scripts/migrate.mjs'), '--quiet'], { env: { ...process.env, DATABASE_URL: config.DATABASE_URL }, stdio: ['ignore', 'ignore', 'inherit'] })
  const parley: Parley = await startParley(config, createLogger(config))
  const sockets: Socket[] = []
  const samples: Record<'media' | 'disconnect', number[]> = { media: [], disconnect: [] }
  try {
    const login = async (email: string) => {
      const response = await fetch(`${parley.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: parley.url }, body: JSON.stringify({ tenant: 'demo', email, password: PASSWORD }) })
      return response.headers.get('set-cookie')!.split(';')[0]!
    }
    const admin = await login('admin@demo.parley.local')
    const created = await fetch(`${parley.url}/api/admin/trunks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: parley.url, cookie: admin },
      body: JSON.stringify({ name: 'Bench', host: '127.0.0.1', port: clock.port, callerId: '+15550001111', allowFrom: ['127.0.0.1'] }),
    })
    if (created.status !== 201) throw new Error(`bench trunk: ${created.status} ${await created.text()}`)
    const agent = await connect(`${parley.url}/agent`, { extraHeaders: { cookie: await login('anna@demo.parley.local'), origin: parley.url } })
    sockets.push(agent)
    await agent.emitWithAck('agent:set-state', { state: 'ready' })
    const gateway = (parley.services.phone as unknown as { gateway: EventEmitter }).gateway
    for (let round = 0; round < FALLBACK_ROUNDS * 2; round++) {
      const cause = round % 2 === 0 ? 'media' : 'disconnect'
      const visitor = await connect(`${parley.url}/visitor`, { extraHeaders: { origin: parley.shopUrl! }, auth: { tenant: 'demo' } })
      sockets.push(visitor)
      const offered = new Promise<{ id: string }>((resolve) => agent.once('request:offered', resolve))
      await visitor.emitWithAck('request:create', { clientRequestId: `fb-${round}`, question: 'bench', pageUrl: null })
      const accepted = await agent.emitWithAck('request:accept', { requestId: (await offered).id })
      const channelId = accepted.data.channel.id as string
      await visitor.emitWithAck('phone:set', { number: '+15551230000', fallback: true })
      const asked = await agent.emitWithAck('call:request', { channelId, video: false })
      const callId = asked.data.call.id as string
      await visitor.emitWithAck('call:answer', { channelId, callId, accept: true })
      await visitor.emitWithAck('media:join', { channelId, callId })
      await agent.emitWithAck('media:join', { channelId, callId })
      const visitorParticipant = parley.services.channels.participantsOf(channelId).find((p) => p.role === 'visitor')!
      const invitesBefore = clock.invites.length
      const started = performance.now()
      if (cause === 'media') gateway.emit('media-failed', { roomId: callId, participantId: visitorParticipant.id, reason: 'ice' })
      else visitor.disconnect()
      const deadline = Date.now() + 15_000
      while (clock.invites.length === invitesBefore && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5))
      if (clock.invites.length > invitesBefore) samples[cause].push(clock.invites[invitesBefore]! - started)
      await agent.emitWithAck('channel:leave', { channelId })
      visitor.close()
    }
  } finally {
    for (const socket of sockets) socket.close()
    await parley.close()
    clock.close()
    await uas.stop()
  }
  const graceMs = config.PHONE_FALLBACK_GRACE_MS
  const summary = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b)
    return { samples: sorted.length, p50Ms: round(percentile(sorted, 50)), maxMs: round(sorted.at(-1) ?? NaN), processingP50Ms: round(percentile(sorted, 50) - graceMs) }
  }
  return {
    what: "a visitor and an agent in a call; the visitor's media is reported failed (media-failed, as the watchdog reports ICE/DTLS failures and media timeouts) or their socket drops; until Parley's INVITE to their phone passes a relay in front of the trunk",
    graceMs,
    mediaTimeoutMs: config.MEDIA_TIMEOUT_MS,
    fromMediaFailure: summary(samples.media),
    fromSocketDrop: summary(samples.disconnect),
  }
}

export async function runSipBench(root: string): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-sip-bench-'))
  const started = Date.now()
  try {
    console.log(`SIP capacity: ${CALLS_PER_STEP} calls per rate step and system, rates ${RATES.join(', ')} calls/s`)
    const sipCapacity = await capacity(dir)
    console.log(`  highest rate without failures: parley ${sipCapacity.parley.highestRateWithoutFailures}, sipp ${sipCapacity.sippUas.highestRateWithoutFailures} (ratio ${sipCapacity.ratio}, goal >= 0.9)`)
    console.log(`fallback to the phone: ${FALLBACK_ROUNDS} rounds per cause`)
    const phoneFallback = FALLBACK_ROUNDS > 0 ? await fallback(dir) : null
    if (phoneFallback) console.log(`  media failure -> INVITE p50 ${phoneFallback.fromMediaFailure.p50Ms} ms, socket drop -> INVITE p50 ${phoneFallback.fromSocketDrop.p50Ms} ms (grace ${phoneFallback.graceMs} ms)`)
    const result = {
      name: 'sip',
      at: new Date().toISOString(),
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version, platform: `${os.platform()} ${os.release()}` },
      wallSeconds: Math.round((Date.now() - started) / 1000),
      sipCapacity,
      phoneFallback,
    }
    const out = path.join(root, 'bench/results')
    fs.mkdirSync(out, { recursive: true })
    fs.writeFileSync(path.join(out, 'sip.json'), JSON.stringify(result, null, 2) + '\n')
    console.log('-> bench/results/sip.json')
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
