/**
 * Records one audio producer to a file: a PlainTransport consumer sends its RTP on loopback
 * to Debian's ffmpeg, which reads an SDP file and writes Ogg/Opus (stream copy, for Opus
 * producers) or 16-bit PCM WAV (for PCMU producers, decoded). Stopping asks ffmpeg to quit
 * ('q'), so it writes the trailer and the file is playable; SIGINT then SIGKILL if it hangs.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { EventEmitter } from 'node:events'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { InvalidStateError, RecorderError } from './errors.js'
import type { ProducerAppData, ms } from './types.js'
import { findFreeUdpPortPair, udpPortBound } from './udp-port-pair.js'

export interface RecorderOptions {
  router: ms.Router
  producer: ms.Producer<ProducerAppData>
  /** output path; its folder must exist */
  file: string
  /** ffmpeg program (default 'ffmpeg') */
  ffmpegPath?: string
}

export type RecordingFormat = 'ogg-opus' | 'wav-pcm'

export interface RecordingResult {
  file: string
  format: RecordingFormat
  participantId: string
  producerId: string
  bytes: number
  /** why it stopped: asked to, or the recorded producer went away */
  reason: 'stopped' | 'producer-closed'
}

export type RecorderEvents = {
  /** the recording ended on its own (producer closed); carries the same result stop() returns */
  stopped: [RecordingResult]
}

const LOOPBACK = '127.0.0.1'
const READY_TIMEOUT_MS = 5000
const QUIT_GRACE_MS = 5000

export class Recorder extends EventEmitter<RecorderEvents> {
  readonly file: string
  readonly format: RecordingFormat
  readonly participantId: string
  readonly producerId: string
  readonly #transport: ms.PlainTransport
  readonly #consumer: ms.Consumer
  readonly #process: ChildProcess
  readonly #exited: Promise<number | null>
  readonly #sdpDir: string
  #stderr = ''
  #sentAtClose = 0
  #stopping: Promise<RecordingResult> | undefined

  private constructor(init: {
    options: RecorderOptions
    format: RecordingFormat
    transport: ms.PlainTransport
    consumer: ms.Consumer
    process: ChildProcess
    exited: Promise<number | null>
    sdpDir: string
  }) {
    super()
    this.file = init.options.file
    this.format = init.format
    this.participantId = init.options.producer.appData.participantId
    this.producerId = init.options.producer.id
    this.#transport = init.transport
    this.#consumer = init.consumer
    this.#process = init.process
    this.#exited = init.exited
    this.#sdpDir = init.sdpDir
    this.#process.stderr?.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString()).slice(-4000)
    })
    init.options.producer.observer.once('close', () => {
      if (!this.#stopping) void this.#stop('producer-closed').then((result) => this.emit('stopped', result), () => {})
    })
  }

  /** Start ffmpeg, wait until it listens, then start sending it the producer's audio. */
  static async start(options: RecorderOptions): Promise<Recorder> {
    const { router, producer, file } = options
    if (producer.kind !== 'audio') throw new RecorderError('only audio producers can be recorded')
    const codec = producer.rtpParameters.codecs[0]
    const mime = codec?.mimeType.toLowerCase()
    if (mime !== 'audio/opus' && mime !== 'audio/pcmu') throw new RecorderError(`cannot record ${codec?.mimeType ?? 'unknown codec'}`)
    if (!fs.existsSync(path.dirname(path.resolve(file)))) throw new RecorderError(`folder of ${file} does not exist`)
    const format: RecordingFormat = mime === 'audio/opus' ? 'ogg-opus' : 'wav-pcm'

    const transport = await router.createPlainTransport({ listenIp: LOOPBACK, rtcpMux: false, comedia: false })
    let child: ChildProcess | undefined
    const sdpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-rec-'))
    try {
      // Paused until ffmpeg listens; its payload type and codec go into the SDP.
      const consumer = await transport.consume({
        producerId: producer.id,
        rtpCapabilities: { codecs: router.rtpCapabilities.codecs?.filter((c) => c.mimeType.toLowerCase() === mime) ?? [], headerExtensions: [] },
        paused: true,
      })
      const consumed = consumer.rtpParameters.codecs[0]
      if (!consumed) throw new RecorderError('the recording consumer has no codec')
      const port = await findFreeUdpPortPair(LOOPBACK)
      const sdpFile = path.join(sdpDir, 'input.sdp')
      fs.writeFileSync(sdpFile, sdp(port, consumed))
      const output = format === 'ogg-opus' ? ['-c:a', 'copy', '-f', 'ogg'] : ['-c:a', 'pcm_s16le', '-f', 'wav']
      child = spawn(
        options.ffmpegPath ?? 'ffmpeg',
        ['-hide_banner', '-loglevel', 'error', '-protocol_whitelist', 'file,udp,rtp', '-i', sdpFile, '-map', '0:a:0', ...output, '-y', file],
        { stdio: ['pipe', 'ignore', 'pipe'] },
      )
      const started = child
      const exited = new Promise<number | null>((resolve) => started.once('exit', (code) => resolve(code)))
      const spawnError = new Promise<never>((_, reject) => started.once('error', (error) => reject(new RecorderError(`cannot run ffmpeg (apt-get install ffmpeg): ${error.message}`, { cause: error }))))
      spawnError.catch(() => {})
      await Promise.race([waitForListener(port, exited), spawnError])
      await transport.connect({ ip: LOOPBACK, port, rtcpPort: port + 1 })
      await consumer.resume()
      return new Recorder({ options, format, transport, consumer, process: started, exited, sdpDir })
    } catch (error) {
      transport.close()
      child?.kill('SIGKILL')
      fs.rmSync(sdpDir, { recursive: true, force: true })
      throw error instanceof RecorderError ? error : new RecorderError(`could not start recording: ${(error as Error).message}`, { cause: error })
    }
  }

  /** Whether stop() was called or the recording ended on its own. */
  get stopped(): boolean {
    return this.#stopping !== undefined
  }

  /** RTP packets sent to ffmpeg so far. */
  async packetsSent(): Promise<number> {
    if (this.#consumer.closed) return this.#sentAtClose
    const stats = await this.#consumer.getStats().catch(() => [])
    this.#sentAtClose = stats.reduce((sum, s) => sum + (s.type === 'outbound-rtp' ? s.packetCount : 0), 0)
    return this.#sentAtClose
  }

  /** Stop sending, let ffmpeg finish the file, and describe it. Throws if no audio was recorded. */
  stop(): Promise<RecordingResult> {
    if (this.#stopping) throw new InvalidStateError(`recording ${this.file} is already stopped`)
    return this.#stop('stopped')
  }

  /** Kill ffmpeg without waiting (the room is closing). Idempotent. */
  close(): void {
    if (!this.#stopping) void this.#stop('stopped').catch(() => {})
  }

  #stop(reason: RecordingResult['reason']): Promise<RecordingResult> {
    this.#stopping ??= (async () => {
      const sent = await this.packetsSent()
      this.#transport.close()
      // 'q' makes ffmpeg finish the trailer; it is ignored while ffmpeg still waits for its
      // first packets (then nothing is recorded anyway), so SIGINT (also a clean stop) follows,
      // and SIGKILL last.
      let code: number | null | undefined
      if (sent > 0) {
        this.#process.stdin?.end('q')
        code = await within(this.#exited, QUIT_GRACE_MS)
      }
      if (code === undefined) {
        this.#process.kill('SIGINT')
        code = await within(this.#exited, QUIT_GRACE_MS)
      }
      if (code === undefined) {
        this.#process.kill('SIGKILL')
        await this.#exited
      }
      fs.rmSync(this.#sdpDir, { recursive: true, force: true })
      const bytes = fs.existsSync(this.file) ? fs.statSync(this.file).size : 0
      if (bytes === 0) {
        throw new RecorderError(`nothing was recorded to ${this.file} (no audio arrived?) ${this.#stderr.trim().split('\n').slice(-3).join(' | ')}`)
      }
      return { file: this.file, format: this.format, participantId: this.participantId, producerId: this.producerId, bytes, reason }
    })()
    return this.#stopping
  }
}

function sdp(port: number, codec: ms.RtpCodecParameters): string {
  const name = codec.mimeType.split('/')[1] ?? ''
  const channels = codec.channels && codec.channels > 1 ? `/${codec.channels}` : ''
  return [
    'v=0',
    `o=- 0 0 IN IP4 ${LOOPBACK}`,
    's=parley-recording',
    `c=IN IP4 ${LOOPBACK}`,
    't=0 0',
    `m=audio ${port} RTP/AVP ${codec.payloadType}`,
    `a=rtpmap:${codec.payloadType} ${name}/${codec.clockRate}${channels}`,
    'a=recvonly',
    '',
  ].join('\n')
}

/** Resolves when some process (ffmpeg) has bound `port`, rejects if ffmpeg exits first. */
async function waitForListener(port: number, exited: Promise<number | null>): Promise<void> {
  let exitCode: number | null | undefined
  void exited.then((code) => (exitCode = code ?? -1))
  const deadline = Date.now() + READY_TIMEOUT_MS
  for (;;) {
    if (exitCode !== undefined) throw new RecorderError(`ffmpeg exited (${exitCode}) before listening`)
    const bound = udpPortBound(port)
    if (bound === undefined) {
      // No /proc: give ffmpeg a moment (RTP before it binds is lost, not harmful).
      await new Promise((resolve) => setTimeout(resolve, 300))
      return
    }
    if (bound) return
    if (Date.now() > deadline) throw new RecorderError('ffmpeg did not start listening')
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

function within<T>(promise: Promise<T>, timeoutMs: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined
  return Promise.race([promise, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)))]).finally(() => clearTimeout(timer))
}
