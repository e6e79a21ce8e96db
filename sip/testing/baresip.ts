/**
 * Runs baresip (Debian `baresip-core`) as a real SIP phone for tests: its own scratch config
 * (auto-answer account, a 440 Hz PCMU tone as microphone, no sound card), everything on
 * 127.0.0.1, bounded by -t, killed by PID. Driven and observed through its ctrl_tcp module:
 * JSON commands in, JSON events out (CALL_ESTABLISHED, CALL_DTMF_START, CALL_CLOSED, ...),
 * framed as netstrings.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { freePort, tcpListening, udpPortTaken } from './ports.js'
import { waitFor } from './wait.js'

export const BARESIP = '/usr/bin/baresip'

export interface BaresipEvent {
  type: string
  param?: string
  direction?: string
  peeruri?: string
  [key: string]: unknown
}

export interface BaresipOptions {
  /** account user (the number we call it on) */
  user: string
  /** quit after this many seconds no matter what */
  maxSeconds?: number
  /** PEM files: baresip's certificate+key (one file) and the CA it trusts; enables TLS on sipPort + 1 */
  tls?: { certAndKeyFile: string; caFile: string }
}

/** A self-signed certificate for 127.0.0.1 (openssl), for TLS tests. */
export function selfSignedCertificate(dir: string): { cert: string; key: string; certFile: string; keyFile: string; bundleFile: string } {
  const certFile = path.join(dir, 'cert.pem')
  const keyFile = path.join(dir, 'key.pem')
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' })
  const cert = fs.readFileSync(certFile, 'utf8')
  const key = fs.readFileSync(keyFile, 'utf8')
  const bundleFile = path.join(dir, 'bundle.pem')
  fs.writeFileSync(bundleFile, cert + key)
  return { cert, key, certFile, keyFile, bundleFile }
}

export class Baresip {
  readonly events: BaresipEvent[] = []
  private output = ''
  private readonly exited: Promise<void>
  private buffer = ''
  private token = 0

  private constructor(
    private readonly child: ChildProcess,
    private readonly control: net.Socket,
    readonly dir: string,
    /** UDP/TCP; TLS listens on sipPort + 1 */
    readonly sipPort: number,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-32_000)))
    child.stderr?.on('data', (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-32_000)))
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()))
    control.on('data', (chunk: Buffer) => this.onControl(chunk.toString('utf8')))
    control.on('error', () => undefined)
  }

  static async start(options: BaresipOptions): Promise<Baresip> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-baresip-'))
    const sipPort = await freePort({ span: 2 })
    const ctrlPort = await freePort()
    const rtpBase = await freePort({ span: 20, even: true })
    const tone = path.join(dir, 'tone.wav')
    execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', tone, 'synth', '30', 'sine', '440', 'vol', '0.5'])
    fs.writeFileSync(
      path.join(dir, 'config'),
      [
        'poll_method epoll',
        `sip_listen 127.0.0.1:${sipPort}`,
        'call_local_timeout 120',
        `audio_source aufile,${tone}`,
        `audio_player aufile,${path.join(dir, 'played.wav')}`,
        `audio_alert aufile,${path.join(dir, 'alert.wav')}`,
        'audio_srate 8000',
        'audio_channels 1',
        `rtp_ports ${rtpBase}-${rtpBase + 19}`,
        'module_path /usr/lib/baresip/modules',
        'module g711.so',
        'module aufile.so',
        // dumps what baresip hears (and sends) to WAV files: how tests know our audio arrived
        'module sndfile.so',
        `snd_path ${dir}`,
        'module_app account.so',
        'module_app menu.so',
        'module_app ctrl_tcp.so',
        `ctrl_tcp_listen 127.0.0.1:${ctrlPort}`,
        ...(options.tls ? [`sip_certificate ${options.tls.certAndKeyFile}`, `sip_cafile ${options.tls.caFile}`] : []),
        '',
      ].join('\n'),
    )
    fs.writeFileSync(path.join(dir, 'accounts'), `<sip:${options.user}@127.0.0.1:${sipPort}>;regint=0;answermode=auto;audio_codecs=PCMU\n`)
    const child = spawn(BARESIP, ['-f', dir, '-n', '127.0.0.1', '-t', String(options.maxSeconds ?? 25)], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
    let exited = false
    child.once('exit', () => (exited = true))
    await waitFor(() => exited || (tcpListening(ctrlPort) && udpPortTaken(sipPort)), 'baresip to start', 5000)
    if (exited) throw new Error('baresip exited at start')
    const control = net.connect(ctrlPort, '127.0.0.1')
    await new Promise<void>((resolve, reject) => {
      control.once('connect', () => resolve())
      control.once('error', reject)
    })
    const baresip = new Baresip(child, control, dir, sipPort)
    live.add(baresip)
    return baresip
  }

  private onControl(text: string): void {
    this.buffer += text
    for (;;) {
      const colon = this.buffer.indexOf(':')
      if (colon < 0) return
      const length = Number(this.buffer.slice(0, colon))
      if (!Number.isInteger(length) || this.buffer.length < colon + 1 + length + 1) return
      const payload = this.buffer.slice(colon + 1, colon + 1 + length)
      this.buffer = this.buffer.slice(colon + 1 + length + 1) // trailing ','
      try {
        const message = JSON.parse(payload) as BaresipEvent & { event?: boolean }
        if (message.event) this.events.push(message)
      } catch {
        // responses to commands are not needed
      }
    }
  }

  /** Run a baresip command (e.g. dial, hangup, sndcode). */
  command(command: string, params = ''): void {
    const json = JSON.stringify({ command, params, token: String(++this.token) })
    this.control.write(`${Buffer.byteLength(json)}:${json},`)
  }

  /** The first event of that type (waits for it). */
  event(type: string, match: (event: BaresipEvent) => boolean = () => true, timeoutMs = 10_000): Promise<BaresipEvent> {
    return waitFor(() => this.events.find((event) => event.type === type && match(event)), `baresip event ${type}\n${this.output.slice(-1500)}`, timeoutMs)
  }

  get log(): string {
    return this.output
  }

  /**
   * RMS level (0..1) of what baresip heard from us over the last `seconds`, from the newest
   * decoded-audio dump of its sndfile module (16-bit PCM WAV); 0 when nothing arrived yet.
   * `sinceMs`: only dumps written after this time (a later call's, not an earlier one's).
   */
  playedLevel(seconds = 2, sinceMs = 0): number {
    let wav: Buffer
    try {
      const dumps = fs
        .readdirSync(this.dir)
        .filter((file) => file.endsWith('-dec.wav'))
        .map((file) => ({ file, time: fs.statSync(path.join(this.dir, file)).mtimeMs }))
        .filter((dump) => dump.time > sinceMs)
        .sort((a, b) => b.time - a.time)
      if (!dumps[0]) return 0
      wav = fs.readFileSync(path.join(this.dir, dumps[0].file))
    } catch {
      return 0
    }
    const data = wav.indexOf('data')
    if (data < 0) return 0
    const samples = wav.subarray(data + 8)
    const count = Math.floor(samples.length / 2)
    const from = Math.max(0, count - seconds * 8000)
    if (count - from === 0) return 0
    let sum = 0
    for (let i = from; i < count; i++) sum += samples.readInt16LE(i * 2) ** 2
    return Math.sqrt(sum / (count - from)) / 32768
  }

  close(): Promise<void> {
    return this.stop()
  }

  async stop(): Promise<void> {
    live.delete(this)
    this.control.destroy()
    if (this.child.exitCode === null && this.child.signalCode === null && this.child.pid !== undefined) {
      try {
        process.kill(this.child.pid, 'SIGKILL')
      } catch {
        // gone already
      }
      await this.exited
    }
    fs.rmSync(this.dir, { recursive: true, force: true })
  }
}

const live = new Set<Baresip>()

export async function stopAllBaresip(): Promise<void> {
  await Promise.all([...live].map((baresip) => baresip.stop()))
}
