/**
 * Media forwarding cost: the same plain-RTP load through bare mediasoup (bench/bare-sfu.ts)
 * and through Parley's media/ layer (bench/parley-sfu.ts), each host running one worker of
 * the same mediasoup 3.12.16 binary, in the same run, on 127.0.0.1.
 *
 * The load: `rooms` rooms of `perRoom` phone peers (PCMU, 50 packets/s each, random phases);
 * every peer hears the others, so each room forwards perRoom × (perRoom - 1) streams (one
 * consumer each). This process is the load generator. Both hosts are set up first, then
 * loaded in alternating windows (baseline, ours, ours, baseline, ...) so the machine's noise
 * hits both alike; only the loaded system gets RTP. Per window: the worker's CPU (sum of its
 * threads' run time from /proc) and the host's, over the measured seconds after a warmup.
 */
import { type ChildProcess, fork } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { processCpuSeconds, processWakeups } from './process-cpu.js'
import { RtpPeer } from './rtp-peer.js'
import type { HostMessage, HostReply, SetupResult } from './sfu-host.js'

export interface ForwardingOptions {
  rooms: number
  perRoom: number
  /** measured seconds per window */
  seconds: number
  warmupSeconds: number
  /** windows per system */
  rounds: number
  /** the CPU share of one core at which consumers per worker are reported */
  cpuShare: number
}

const FRAME_MS = 20

interface System {
  name: 'baseline' | 'parley'
  child: ChildProcess
  hostPid: number
  rtcMinPort: number
  setup: SetupResult
  peers: RtpPeer[]
  request(message: HostMessage): Promise<unknown>
}

interface Window {
  /** worker CPU over the window / its length (1 = one core busy) */
  workerCpu: number
  hostCpu: number
  /** times per second the worker was scheduled in (fewer, larger batches of packets cost less) */
  workerWakeups: number
  /** RTP packets per second the peers received from the SFU */
  forwardedPps: number
  /** received / what the other peers of each room sent */
  delivered: number
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function startHost(root: string, name: System['name'], peers: RtpPeer[], options: ForwardingOptions, rtcMinPort: number): Promise<System> {
  const script = path.join(root, name === 'baseline' ? 'bench/bare-sfu.ts' : 'bench/parley-sfu.ts')
  // BENCH_MEDIA_NODE_FLAGS: extra node flags for the hosts, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
  const flags = process.env.BENCH_MEDIA_NODE_FLAGS?.split(' ').filter(Boolean) ?? []
  const child = fork(script, [], { cwd: root, execArgv: ['--import', 'tsx', ...flags], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>()
  let nextId = 0
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)))
    child.on('message', (message: HostReply | { type: 'ready' }) => {
      if ('type' in message) return resolve()
      const waiter = pending.get(message.id)
      pending.delete(message.id)
      if (message.ok) waiter?.resolve(message.data)
      else waiter?.reject(new Error(`${name} host: ${message.error}`))
    })
  })
  const request = (message: HostMessage) =>
    new Promise<unknown>((resolve, reject) => {
      const id = ++nextId
      pending.set(id, { resolve, reject })
      child.send({ ...message, id })
    })
  try {
    const setup = (await request({
      type: 'setup',
      request: { rooms: options.rooms, perRoom: options.perRoom, peers: peers.map((peer) => peer.address), rtcMinPort, rtcMaxPort: rtcMinPort + 999 },
    })) as SetupResult
    setup.endpoints.forEach((endpoint, i) => peers[i]!.target(endpoint.rtpPort, endpoint.rtcpPort))
    return { name, child, hostPid: child.pid!, rtcMinPort, setup, peers, request }
  } catch (error) {
    await stopHost(child)
    throw error
  }
}

async function stopHost(child: ChildProcess): Promise<void> {
  child.removeAllListeners('exit')
  if (child.exitCode !== null) return
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
    setTimeout(() => child.kill('SIGKILL'), 5000).unref()
  })
}

/** Start a host on a random 1000-port range, trying another range if that one is taken. */
async function startHostSomewhere(root: string, name: System['name'], peers: RtpPeer[], options: ForwardingOptions, avoid: number): Promise<System> {
  let lastError: unknown
  for (let attempt = 0; attempt < 4; attempt++) {
    let rtcMinPort: number
    do rtcMinPort = 41000 + Math.floor(Math.random() * 8) * 1000
    while (rtcMinPort === avoid)
    try {
      return await startHost(root, name, peers, options, rtcMinPort)
    } catch (error) {
      lastError = error
    }
  }
  throw lastError
}

/** Load one system for warmup + measured seconds; every peer sends a frame every 20 ms. */
async function measure(system: System, options: ForwardingOptions): Promise<Window> {
  const { peers } = system
  const phases = peers.map(() => Math.random() * FRAME_MS)
  const frames = peers.map(() => 0)
  const start = performance.now()
  const warmupEnd = start + options.warmupSeconds * 1000
  const end = warmupEnd + options.seconds * 1000
  let before: { at: number; worker: number; wakeups: number; host: number; received: number; sent: number } | undefined
  const snapshot = () => ({
    at: performance.now(),
    worker: processCpuSeconds(system.setup.workerPid),
    wakeups: processWakeups(system.setup.workerPid),
    host: processCpuSeconds(system.hostPid),
    received: peers.reduce((sum, peer) => sum + peer.received, 0),
    sent: peers.reduce((sum, peer) => sum + peer.sent, 0),
  })
  for (let now = performance.now(); now < end; now = performance.now()) {
    if (!before && now >= warmupEnd) before = snapshot()
    for (let i = 0; i < peers.length; i++) {
      const due = Math.floor((now - start - phases[i]!) / FRAME_MS) + 1
      while (frames[i]! < due) {
        frames[i]!++
        peers[i]!.sendFrame()
      }
    }
    await sleep(4)
  }
  const after = snapshot()
  const seconds = (after.at - before!.at) / 1000
  await sleep(300) // let the last packets land before the other system's window
  const forwarded = after.received - before!.received
  return {
    workerCpu: (after.worker - before!.worker) / seconds,
    hostCpu: (after.host - before!.host) / seconds,
    workerWakeups: (after.wakeups - before!.wakeups) / seconds,
    forwardedPps: forwarded / seconds,
    delivered: forwarded / ((after.sent - before!.sent) * (options.perRoom - 1)),
  }
}

function stats(values: number[]): { mean: number; min: number; max: number; stdev: number } {
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length
  const stdev = Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / Math.max(1, values.length - 1))
  return { mean: round(mean), min: round(Math.min(...values)), max: round(Math.max(...values)), stdev: round(stdev) }
}

function round(value: number, digits = 4): number {
  const scale = 10 ** digits
  return Math.round(value * scale) / scale
}

function summarize(system: System, windows: Window[], options: ForwardingOptions) {
  const streams = system.setup.consumers
  const workerCpu = stats(windows.map((w) => w.workerCpu))
  // µs of CPU per second per forwarded stream = cores × 1e6 / streams
  const perStreamUs = windows.map((w) => (w.workerCpu * 1e6) / streams)
  const totalPerStreamUs = windows.map((w) => ((w.workerCpu + w.hostCpu) * 1e6) / streams)
  const meanPerStream = perStreamUs.reduce((sum, v) => sum + v, 0) / perStreamUs.length
  const hostCpuMean = windows.reduce((sum, w) => sum + w.hostCpu, 0) / windows.length
  return {
    producers: system.setup.producers,
    consumers: streams,
    workerCpu,
    hostCpu: stats(windows.map((w) => w.hostCpu)),
    workerWakeupsPerSec: stats(windows.map((w) => w.workerWakeups)),
    workerCpuPerStreamUsPerSec: stats(perStreamUs),
    workerPlusHostCpuPerStreamUsPerSec: stats(totalPerStreamUs),
    workerCpuPerPacketUs: round(windows.reduce((sum, w) => sum + (w.workerCpu * 1e6) / w.forwardedPps, 0) / windows.length, 3),
    forwardedPps: stats(windows.map((w) => w.forwardedPps)),
    delivered: stats(windows.map((w) => w.delivered)),
    /** linear in streams, at this room shape */
    consumersPerWorkerAtShare: Math.floor((options.cpuShare * 1e6) / meanPerStream),
    /** streams at which the host process alone reaches the share (null: it does next to nothing per packet) */
    consumersAtShareOfHost: hostCpuMean > 0.01 ? Math.floor((options.cpuShare * streams) / hostCpuMean) : null,
    windows: windows.map((w) => ({ workerCpu: round(w.workerCpu), hostCpu: round(w.hostCpu), workerWakeups: Math.round(w.workerWakeups), forwardedPps: Math.round(w.forwardedPps), delivered: round(w.delivered) })),
  }
}

export async function measureMediaForwarding(root: string, options: ForwardingOptions) {
  const count = options.rooms * options.perRoom
  const peerSets = await Promise.all([0, 1].map(() => Promise.all(Array.from({ length: count }, () => RtpPeer.open()))))
  const systems: System[] = []
  try {
    const baseline = await startHostSomewhere(root, 'baseline', peerSets[0]!, options, 0)
    systems.push(baseline)
    systems.push(await startHostSomewhere(root, 'parley', peerSets[1]!, options, baseline.rtcMinPort))
    for (const system of systems) {
      const expected = options.rooms * options.perRoom * (options.perRoom - 1)
      if (system.setup.consumers !== expected) throw new Error(`${system.name}: ${system.setup.consumers} consumers, expected ${expected}`)
    }
    const windows = new Map<string, Window[]>(systems.map((s) => [s.name, []]))
    const roundRatios: number[] = []
    for (let index = 0; index < options.rounds; index++) {
      const cpu: Record<string, number> = {}
      for (const system of index % 2 === 0 ? systems : [...systems].reverse()) {
        const window = await measure(system, options)
        windows.get(system.name)!.push(window)
        cpu[system.name] = window.workerCpu
      }
      roundRatios.push(round(cpu.parley! / cpu.baseline!, 3))
      console.log(
        `  round ${index + 1}: worker CPU baseline ${(cpu.baseline! * 100).toFixed(2)} %, parley ${(cpu.parley! * 100).toFixed(2)} % of a core` +
          ` (host ${(windows.get('baseline')!.at(-1)!.hostCpu * 100).toFixed(1)} % / ${(windows.get('parley')!.at(-1)!.hostCpu * 100).toFixed(1)} %)`,
      )
    }
    const counters = (await systems[1]!.request({ type: 'counters' })) as Record<string, number>
    const bare = summarize(systems[0]!, windows.get('baseline')!, options)
    const ours = summarize(systems[1]!, windows.get('parley')!, options)
    const ratio = ours.workerCpuPerStreamUsPerSec.mean / bare.workerCpuPerStreamUsPerSec.mean
    return {
      what:
        `${options.rooms} rooms × ${options.perRoom} plain-RTP PCMU peers (50 packets/s each), every peer hearing the others: ` +
        `${ours.consumers} forwarded streams per system; one mediasoup ${mediasoupVersion(root)} worker per system; ` +
        `${options.rounds} alternating windows of ${options.seconds} s per system after ${options.warmupSeconds} s of warmup each`,
      baseline: { how: 'bench/bare-sfu.ts: mediasoup directly: router per room, PlainTransport per peer (rtcpMux off) producing and consuming', ...bare },
      parley: {
        how: 'bench/parley-sfu.ts: MediasoupGateway → MediaRoom { phone: true } → PlainAudioLeg per peer (relay through the leg, watchdog, active speaker observer, usage)',
        ...ours,
        counters,
      },
      cpuShare: options.cpuShare,
      roundWorkerCpuRatios: roundRatios,
      ratioWorkerCpuPerStream: round(ratio, 3),
      ratioWorkerPlusHostCpuPerStream: round(ours.workerPlusHostCpuPerStreamUsPerSec.mean / bare.workerPlusHostCpuPerStreamUsPerSec.mean, 3),
      hostNote:
        'The goal ratio is on worker CPU. Parley\'s host (Node) process also relays every packet of a phone leg (peer ↔ leg socket ↔ loopback ↔ PlainTransport, ' +
        'for SSRC rewriting, address latching and DTMF, see media/README.md): that is its hostCpu, absent from the baseline, and counted in ratioWorkerPlusHostCpuPerStream.',
      goalRatio: 1.1,
      meetsGoal: ratio <= 1.1,
    }
  } finally {
    for (const system of systems) await stopHost(system.child)
    for (const peer of peerSets.flat()) peer.close()
  }
}

function mediasoupVersion(root: string): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(root, 'node_modules/mediasoup/package.json'), 'utf8')) as { version: string }).version
  } catch {
    return '?'
  }
}
