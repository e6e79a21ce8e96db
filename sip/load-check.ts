/**
 * SIP load check (not a test): N calls per second through the real bridge to a sipp UAS for a
 * bounded time, each call answered, held, then hung up by us. Reports the call rate actually
 * achieved, failures by end reason, setup latency and the process's health (uncaught errors,
 * event-loop lag). For the bench:
 *
 *   npx tsx sip/load-check.ts --rate 50 --seconds 20 [--hold-ms 2000] [--transport udp|tcp] [--media]
 *
 * or `import { runLoadCheck } from './sip/load-check.js'`. `--media` streams PCMU on every
 * call (sipp echoes it), which makes it a media-plane check as much as a SIP one.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { pino } from 'pino'
import { RtpSocket } from './rtp-socket.js'
import { createSipBridge } from './sip-bridge.js'
import type { CallEndReason } from './call.js'
import { freePort } from './testing/ports.js'
import { Sipp } from './testing/sipp.js'

export interface LoadCheckOptions {
  rate: number
  seconds: number
  holdMs?: number
  transport?: 'udp' | 'tcp'
  media?: boolean
}

export interface LoadCheckResult {
  offered: number
  answered: number
  failed: number
  endReasons: Partial<Record<CallEndReason | 'not-ended', number>>
  /** answered calls per second over the placing window */
  achievedCallsPerSecond: number
  setupMs: { p50: number; p99: number; max: number }
  eventLoopLagMs: { p99: number; max: number }
  uncaughtErrors: number
  sippExitCode: number | null
  /** sipp's own count of failed calls, and the first lines of its error log */
  sippFailedCalls: number | undefined
  sippErrors: string[]
  wallSeconds: number
  transport: { sent: number; received: number; retransmissions: number }
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!
}

export async function runLoadCheck(options: LoadCheckOptions): Promise<LoadCheckResult> {
  const holdMs = options.holdMs ?? 2000
  const total = Math.round(options.rate * options.seconds)
  const sippPort = await freePort()
  const mediaPort = await freePort({ span: 4, even: true })
  const sipp = await Sipp.start({
    scenario: 'uas',
    localPort: sippPort,
    mediaPort,
    rtpEcho: options.media === true,
    transport: options.transport,
    calls: total,
    timeoutSec: options.seconds + Math.ceil(holdMs / 1000) + 30,
    extraArgs: ['-max_socket', '5000'],
  })
  let uncaught = 0
  const onUncaught = (): void => {
    uncaught++
  }
  process.on('uncaughtException', onUncaught)
  process.on('unhandledRejection', onUncaught)
  const lag = monitorEventLoopDelay({ resolution: 10 })
  lag.enable()
  const bridge = await createSipBridge({
    log: pino({ level: 'silent' }),
    trunks: [{ id: 'load', host: '127.0.0.1', port: sippPort, transport: options.transport ?? 'udp', callerId: '+15550001111', ringTimeoutSec: 30 }],
  })
  const setup: number[] = []
  const reasons: LoadCheckResult['endReasons'] = {}
  let answered = 0
  const ended: Promise<void>[] = []
  const started = Date.now()
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / options.rate
    const wait = due - Date.now()
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
    const rtp = await RtpSocket.open('127.0.0.1')
    const placed = Date.now()
    const call = bridge.placeCall({ trunk: 'load', to: `+1555${String(1_000_000 + i).slice(-7)}`, rtp: rtp.endpoint })
    call.once('answered', () => {
      answered++
      setup.push(Date.now() - placed)
      if (options.media) rtp.startAudio()
      setTimeout(() => void call.hangup(), holdMs)
    })
    ended.push(
      call.whenEnded().then((end) => {
        reasons[end.reason] = (reasons[end.reason] ?? 0) + 1
        rtp.close()
      }),
    )
  }
  const placingSeconds = (Date.now() - started) / 1000
  const bound = new Promise<void>((resolve) => setTimeout(resolve, holdMs + 35_000).unref())
  await Promise.race([Promise.all(ended), bound])
  const notEnded = total - Object.values(reasons).reduce((sum, n) => sum + (n ?? 0), 0)
  if (notEnded > 0) reasons['not-ended'] = notEnded
  const stats = (bridge as unknown as { trunk(id: string): { transportStats: LoadCheckResult['transport'] } }).trunk('load').transportStats
  await bridge.close()
  const sippResult = await sipp.result(60_000).catch(() => ({ code: null, output: '' }))
  const failedMatch = /Failed call\s*\|\s*\d+\s*\|\s*(\d+)/.exec(sippResult.output.slice(-4000))
  const sippErrors = sipp
    .errors()
    .split('\n')
    .filter((line) => line.trim())
    .slice(0, 3)
  await sipp.stop()
  lag.disable()
  process.off('uncaughtException', onUncaught)
  process.off('unhandledRejection', onUncaught)
  const sorted = setup.sort((a, b) => a - b)
  return {
    offered: total,
    answered,
    failed: total - (reasons['hangup-local'] ?? 0),
    endReasons: reasons,
    achievedCallsPerSecond: Math.round((answered / Math.max(placingSeconds, 1 / options.rate)) * 10) / 10,
    setupMs: { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? 0 },
    eventLoopLagMs: { p99: Math.round(lag.percentile(99) / 1e6), max: Math.round(lag.max / 1e6) },
    uncaughtErrors: uncaught,
    sippExitCode: sippResult.code,
    sippFailedCalls: failedMatch ? Number(failedMatch[1]) : undefined,
    sippErrors,
    wallSeconds: Math.round((Date.now() - started) / 100) / 10,
    transport: { sent: stats.sent, received: stats.received, retransmissions: stats.retransmissions },
  }
}

function argument(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`)
  return index >= 0 && process.argv[index + 1] !== undefined && !process.argv[index + 1]!.startsWith('--') ? process.argv[index + 1]! : fallback
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const options: LoadCheckOptions = {
    rate: Number(argument('rate', '50')),
    seconds: Number(argument('seconds', '10')),
    holdMs: Number(argument('hold-ms', '2000')),
    transport: argument('transport', 'udp') === 'tcp' ? 'tcp' : 'udp',
    media: process.argv.includes('--media'),
  }
  const result = await runLoadCheck(options)
  console.log(JSON.stringify({ options, result }, null, 2))
  process.exit(result.failed === 0 && result.uncaughtErrors === 0 ? 0 : 1)
}
