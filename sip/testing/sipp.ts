/**
 * Runs sipp (Debian `sip-tester`) as a real SIP peer for tests and the load check: always
 * bounded (-m calls, -timeout), on ports we pick, in a scratch directory for its trace files,
 * and killed by PID if still running when the test ends.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { tcpListening, udpPortTaken } from './ports.js'
import { waitFor } from './wait.js'

export const SIPP = '/usr/bin/sipp'
export const SCENARIOS = path.resolve(import.meta.dirname, '../scenarios')

export interface SippOptions {
  /** scenario file in sip/scenarios (or an absolute path), or a built-in: 'uas' | 'uac' */
  scenario: string
  /** our side's address for sipp as client (host:port) */
  remote?: string
  localPort: number
  /** RTP port for -rtp_echo / [media_port] (sipp also takes port + 2) */
  mediaPort?: number
  transport?: 'udp' | 'tcp'
  /** -m: stop after this many calls (default 1) */
  calls?: number
  /** -timeout seconds (default 20): sipp never outlives a test */
  timeoutSec?: number
  /** -r calls per second */
  rate?: number
  /** -l max simultaneous calls */
  limit?: number
  /** R-URI user (-s) */
  service?: string
  /** -key name value */
  keys?: Record<string, string>
  rtpEcho?: boolean
  extraArgs?: string[]
  /** text replacements applied to a copy of the scenario (sipp refuses keywords in status lines) */
  substitute?: Record<string, string>
}

export interface SippResult {
  code: number | null
  signal: NodeJS.Signals | null
  output: string
}

export class Sipp {
  private exitResult: SippResult | undefined
  private output = ''
  readonly exited: Promise<SippResult>

  private constructor(
    private readonly child: ChildProcess,
    readonly dir: string,
    readonly options: SippOptions,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => this.append(chunk))
    child.stderr?.on('data', (chunk: Buffer) => this.append(chunk))
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitResult = { code, signal, output: this.output }
        resolve(this.exitResult)
      })
    })
  }

  private append(chunk: Buffer): void {
    // the screen is redrawn every second; keep the tail only
    this.output = (this.output + chunk.toString('utf8')).slice(-64 * 1024)
  }

  /** Start sipp; for server scenarios, resolves once its port is bound. */
  static async start(options: SippOptions): Promise<Sipp> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-sipp-'))
    const builtin = options.scenario === 'uas' || options.scenario === 'uac'
    let scenario = builtin ? undefined : path.isAbsolute(options.scenario) ? options.scenario : path.join(SCENARIOS, options.scenario)
    if (scenario && options.substitute) {
      let text = fs.readFileSync(scenario, 'utf8')
      for (const [from, to] of Object.entries(options.substitute)) text = text.split(from).join(to)
      scenario = path.join(dir, path.basename(scenario))
      fs.writeFileSync(scenario, text)
    }
    const args = [
      ...(builtin ? ['-sn', options.scenario] : ['-sf', scenario!]),
      '-i', '127.0.0.1',
      '-p', String(options.localPort),
      '-t', options.transport === 'tcp' ? 't1' : 'u1',
      '-m', String(options.calls ?? 1),
      '-timeout', `${options.timeoutSec ?? 20}s`,
      '-timeout_error',
      '-nostdin',
      '-trace_err',
      '-trace_logs',
      '-trace_msg',
    ]
    if (options.mediaPort !== undefined) args.push('-mi', '127.0.0.1', '-mp', String(options.mediaPort))
    if (options.rtpEcho) args.push('-rtp_echo')
    if (options.rate !== undefined) args.push('-r', String(options.rate))
    if (options.limit !== undefined) args.push('-l', String(options.limit))
    if (options.service !== undefined) args.push('-s', options.service)
    for (const [key, value] of Object.entries(options.keys ?? {})) args.push('-key', key, value)
    args.push(...(options.extraArgs ?? []))
    if (options.remote) args.push(options.remote)
    const child = spawn(SIPP, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
    const sipp = new Sipp(child, dir, options)
    live.add(sipp)
    if (!options.remote) {
      // a server scenario: wait until it listens (or died trying)
      await waitFor(
        () => sipp.exitResult !== undefined || (options.transport === 'tcp' ? tcpListening(options.localPort) : udpPortTaken(options.localPort)),
        `sipp to listen on ${options.localPort}`,
        5000,
      )
      if (sipp.exitResult) throw new Error(`sipp exited at start (${sipp.exitResult.code}): ${sipp.exitResult.output.slice(-2000)}`)
    }
    return sipp
  }

  get pid(): number | undefined {
    return this.child.pid
  }

  get running(): boolean {
    return this.exitResult === undefined
  }

  /** Wait for sipp to finish its calls; exit code 0 means every call passed the scenario. */
  async result(timeoutMs = 25_000): Promise<SippResult> {
    const timer = new Promise<SippResult>((_, reject) => setTimeout(() => reject(new Error(`sipp did not exit within ${timeoutMs} ms:\n${this.output.slice(-3000)}\n${this.errors()}`)), timeoutMs).unref())
    return Promise.race([this.exited, timer])
  }

  /** Contents of sipp's <log> action output. */
  logs(): string {
    return this.readFiles(/_logs\.log$/)
  }

  /** Unexpected messages and scenario errors sipp recorded. */
  errors(): string {
    return this.readFiles(/_errors\.log$/)
  }

  /** Every message sipp sent and received. */
  messages(): string {
    return this.readFiles(/_messages\.log$/)
  }

  private readFiles(pattern: RegExp): string {
    try {
      return fs
        .readdirSync(this.dir)
        .filter((file) => pattern.test(file))
        .map((file) => fs.readFileSync(path.join(this.dir, file), 'utf8'))
        .join('\n')
    } catch {
      return ''
    }
  }

  /** Kill by PID if still running; remove the scratch directory. */
  async stop(): Promise<void> {
    live.delete(this)
    if (this.running && this.child.pid !== undefined) {
      try {
        process.kill(this.child.pid, 'SIGKILL')
      } catch {
        // already gone
      }
      await this.exited
    }
    fs.rmSync(this.dir, { recursive: true, force: true })
  }
}

const live = new Set<Sipp>()

/** Stop every sipp this process started (afterEach). */
export async function stopAllSipp(): Promise<void> {
  await Promise.all([...live].map((sipp) => sipp.stop()))
}
