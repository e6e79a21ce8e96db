/**
 * Records one audio producer to a file with Debian's ffmpeg: a PlainTransport consumer sends
 * the producer's RTP on loopback, ffmpeg reads it through an SDP file and writes Ogg/Opus
 * (stream copy, for Opus producers) or 16-bit PCM WAV (decoded, for PCMU producers).
 *
 * NOTE: ffmpeg's RTP input blocks while no packet arrives, ignores 'q' and SIGINT until the
 * next one, and ends the input after 10 s without any packet. A muted (paused) producer sends
 * nothing, so the consumer's RTP passes through a loopback relay in this process that
 *  - sends ffmpeg an RTCP receiver report every second while no RTP flows (keeps the input
 *    alive through long mutes), and
 *  - on stop, after SIGINT, sends one silent frame continuing the stream (seq + 1), which
 *    wakes ffmpeg up so it writes the trailer at once: the file is complete and playable.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import type dgram from 'node:dgram'
import { EventEmitter } from 'node:events'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { InvalidStateError, RecorderError } from './errors.js'
import { isRtp } from './rtp-packet.js'
import type { ProducerAppData, ms } from './types.js'
import { bindUdp, findFreeUdpPortPair, udpPortBound } from './udp-port-pair.js'

export interface RecorderOptions {
  router: ms.Router
  producer: ms.Producer<ProducerAppData>
  /** output path; its folder must exist; written as Ogg/Opus or WAV whatever its extension */
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
  /** RTP packets handed to ffmpeg */
  packets: number
  /** why it stopped: asked to, or the recorded producer went away */
  reason: 'stopped' | 'producer-closed'
}

export type RecorderEvents = {
  /** the recording ended on its own (its producer closed); same result stop() returns */
  stopped: [RecordingResult]
  /** it ended on its own and no file could be made */
  error: [RecorderError]
}

const LOOPBACK = '127.0.0.1'
const READY_TIMEOUT_MS = 5000
const EXIT_GRACE_MS = 5000
const KEEPALIVE_MS = 1000
const WAKE_INTERVAL_MS = 200
/** A 20 ms Opus silence frame (CELT, one frame) and 20 ms of PCMU silence. */
const SILENCE = { 'ogg-opus': { payload: Buffer.from([0xf8, 0xff, 0xfe]), samples: 960 }, 'wav-pcm': { payload: Buffer.alloc(160, 0xff), samples: 160 } }

export class Recorder extends EventEmitter<RecorderEvents> {
  readonly file: string
  readonly format: RecordingFormat
  readonly participantId: string
  readonly producerId: string
  readonly #transport: ms.PlainTransport
  readonly #relay: dgram.Socket
  readonly #ffmpegPort: number
  readonly #process: ChildProcess
  readonly #exited: Promise<number | null>
  readonly #sdpDir: string
  readonly #keepalive: NodeJS.Timeout
  #stderr = ''
  #packets = 0
  #lastRtp: { seq: number; timestamp: number; ssrc: number; payloadType: number; at: number } | undefined
  #stopping: Promise<RecordingResult> | undefined

  private constructor(init: {
    options: RecorderOptions
    format: RecordingFormat
    transport: ms.PlainTransport
    relay: dgram.Socket
    ffmpegPort: number
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
    this.#relay = init.relay
    this.#ffmpegPort = init.ffmpegPort
    this.#process = init.process
    this.#exited = init.exited
    this.#sdpDir = init.sdpDir
    this.#process.stderr?.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString()).slice(-4000)
    })
    this.#relay.on('message', (packet) => this.#forward(packet))
    this.#relay.on('error', () => {})
    this.#keepalive = setInterval(() => this.#sendKeepalive(), KEEPALIVE_MS)
    this.#keepalive.unref()
    init.options.producer.observer.once('close', () => {
      if (this.#stopping) return
      this.#stop('producer-closed').then(
        (result) => this.emit('stopped', result),
        (error: RecorderError) => {
          if (this.listenerCount('error') > 0) this.emit('error', error)
        },
      )
    })
  }

  /** Start ffmpeg, wait until it listens, then send it the producer's audio. */
  static async start(options: RecorderOptions): Promise<Recorder> {
    const { router, producer, file } = options
    if (producer.kind !== 'audio') throw new RecorderError('only audio producers can be recorded')
    const codec = producer.rtpParameters.codecs[0]
    const mime = codec?.mimeType.toLowerCase()
    if (mime !== 'audio/opus' && mime !== 'audio/pcmu') throw new RecorderError(`cannot record ${codec?.mimeType ?? 'unknown codec'}`)
    if (!fs.existsSync(path.dirname(path.resolve(file)))) throw new RecorderError(`folder of ${file} does not exist`)
    const format: RecordingFormat = mime === 'audio/opus' ? 'ogg-opus' : 'wav-pcm'

    const sdpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-rec-'))
    let transport: ms.PlainTransport | undefined
    let relay: dgram.Socket | undefined
    let child: ChildProcess | undefined
    try {
      relay = await bindUdp(LOOPBACK, 0)
      transport = await router.createPlainTransport({ listenIp: LOOPBACK, rtcpMux: true, comedia: false })
      // Paused until ffmpeg listens; its payload type and codec go into the SDP.
      const consumer = await transport.consume({
        producerId: producer.id,
        rtpCapabilities: { codecs: router.rtpCapabilities.codecs?.filter((c) => c.mimeType.toLowerCase() === mime) ?? [], headerExtensions: [] },
        paused: true,
      })
      const consumed = consumer.rtpParameters.codecs[0]
      if (!consumed) throw new RecorderError('the recording consumer has no codec')
      const ffmpegPort = await findFreeUdpPortPair(LOOPBACK)
      const sdpFile = path.join(sdpDir, 'input.sdp')
      fs.writeFileSync(sdpFile, sdp(ffmpegPort, consumed))
      const output = format === 'ogg-opus' ? ['-c:a', 'copy', '-f', 'ogg'] : ['-c:a', 'pcm_s16le', '-f', 'wav']
      child = spawn(
        options.ffmpegPath ?? 'ffmpeg',
        ['-hide_banner', '-nostdin', '-loglevel', 'error', '-protocol_whitelist', 'file,udp,rtp', '-i', sdpFile, '-map', '0:a:0', ...output, '-y', file],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      )
      const started = child
      const exited = new Promise<number | null>((resolve) => started.once('exit', (code) => resolve(code)))
      const spawnError = new Promise<never>((_, reject) =>
        started.once('error', (error) => reject(new RecorderError(`cannot run ffmpeg (apt-get install ffmpeg): ${error.message}`, { cause: error }))),
      )
      spawnError.catch(() => {})
      await Promise.race([waitForListener(ffmpegPort, exited), spawnError])
      await transport.connect({ ip: LOOPBACK, port: relay.address().port })
      const recorder = new Recorder({ options, format, transport, relay, ffmpegPort, process: started, exited, sdpDir })
      await consumer.resume()
      return recorder
    } catch (error) {
      transport?.close()
      relay?.close()
      child?.kill('SIGKILL')
      fs.rmSync(sdpDir, { recursive: true, force: true })
      throw error instanceof RecorderError ? error : new RecorderError(`could not start recording: ${(error as Error).message}`, { cause: error })
    }
  }

  /** Whether stop() was called or the recording ended on its own. */
  get stopped(): boolean {
    return this.#stopping !== undefined
  }

  /** RTP packets handed to ffmpeg so far. */
  get packets(): number {
    return this.#packets
  }

  /** Let ffmpeg finish the file, and describe it. Throws RecorderError if no audio was recorded. */
  stop(): Promise<RecordingResult> {
    if (this.#stopping) throw new InvalidStateError(`recording ${this.file} is already stopped`)
    return this.#stop('stopped')
  }

  /** Stop without waiting (the room is closing). Idempotent. */
  close(): void {
    if (!this.#stopping) this.#stop('stopped').catch(() => {})
  }

  #stop(reason: RecordingResult['reason']): Promise<RecordingResult> {
    this.#stopping ??= (async () => {
      clearInterval(this.#keepalive)
      let code: number | null | undefined
      if (this.#lastRtp) {
        // SIGINT is ffmpeg's clean stop, acted on at its next packet: while none flows (muted,
        // producer gone), send silent frames continuing the stream until ffmpeg is done.
        this.#process.kill('SIGINT')
        const deadline = Date.now() + EXIT_GRACE_MS
        while (code === undefined && Date.now() < deadline) {
          code = await within(this.#exited, WAKE_INTERVAL_MS)
          if (code === undefined && Date.now() - (this.#lastRtp?.at ?? 0) >= WAKE_INTERVAL_MS) this.#sendSilence()
        }
      }
      if (code === undefined) {
        this.#process.kill('SIGKILL')
        await this.#exited
      }
      this.#transport.close()
      this.#relay.close()
      fs.rmSync(this.#sdpDir, { recursive: true, force: true })
      const bytes = fs.existsSync(this.file) ? fs.statSync(this.file).size : 0
      if (this.#packets === 0 || bytes === 0 || code === undefined) {
        if (this.#packets === 0) fs.rmSync(this.file, { force: true })
        const detail = this.#stderr.trim().split('\n').slice(-3).join(' | ')
        throw new RecorderError(
          this.#packets === 0 ? `nothing was recorded to ${this.file}: no audio arrived` : `ffmpeg did not finish ${this.file} cleanly${detail ? `: ${detail}` : ''}`,
        )
      }
      return { file: this.file, format: this.format, participantId: this.participantId, producerId: this.producerId, bytes, packets: this.#packets, reason }
    })()
    return this.#stopping
  }

  #forward(packet: Buffer): void {
    const second = packet[1] ?? 0
    if (second >= 192 && second <= 223) {
      // RTCP (rtcp-mux from mediasoup): to ffmpeg's RTCP port.
      this.#relay.send(packet, this.#ffmpegPort + 1, LOOPBACK)
      return
    }
    if (!isRtp(packet)) return
    this.#packets++
    this.#lastRtp = { seq: packet.readUInt16BE(2), timestamp: packet.readUInt32BE(4), ssrc: packet.readUInt32BE(8), payloadType: second & 0x7f, at: Date.now() }
    this.#relay.send(packet, this.#ffmpegPort, LOOPBACK)
  }

  /** An RTCP RR with no report blocks: keeps ffmpeg's input from timing out during a mute. */
  #sendKeepalive(): void {
    if (this.#lastRtp && Date.now() - this.#lastRtp.at < KEEPALIVE_MS) return
    const rr = Buffer.alloc(8)
    rr[0] = 0x80
    rr[1] = 201
    rr.writeUInt16BE(1, 2)
    rr.writeUInt32BE(0x7ec07de5, 4)
    this.#relay.send(rr, this.#ffmpegPort + 1, LOOPBACK)
  }

  /** One silent frame right after the last packet (same SSRC, next seq and timestamp). */
  #sendSilence(): void {
    const last = this.#lastRtp
    if (!last) return
    const { payload, samples } = SILENCE[this.format]
    const packet = Buffer.alloc(12 + payload.length)
    packet[0] = 0x80
    packet[1] = last.payloadType
    packet.writeUInt16BE((last.seq + 1) & 0xffff, 2)
    packet.writeUInt32BE((last.timestamp + samples) >>> 0, 4)
    packet.writeUInt32BE(last.ssrc, 8)
    payload.copy(packet, 12)
    this.#lastRtp = { ...last, seq: (last.seq + 1) & 0xffff, timestamp: (last.timestamp + samples) >>> 0, at: Date.now() }
    this.#relay.send(packet, this.#ffmpegPort, LOOPBACK)
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

/** Resolves when some process (ffmpeg) has bound `port`; rejects if ffmpeg exits first. */
async function waitForListener(port: number, exited: Promise<number | null>): Promise<void> {
  let exitCode: number | undefined
  void exited.then((code) => (exitCode = code ?? -1))
  const deadline = Date.now() + READY_TIMEOUT_MS
  for (;;) {
    if (exitCode !== undefined) throw new RecorderError(`ffmpeg exited (${exitCode}) before listening`)
    const bound = udpPortBound(port)
    if (bound === undefined) {
      // No /proc to look at: give ffmpeg a moment (packets before it binds are lost, not harmful).
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
  return Promise.race([promise, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)))]).finally(() =>
    clearTimeout(timer),
  )
}
