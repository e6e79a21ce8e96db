/**
 * Time from "start video" to the first decoded remote frame, in Debian's Chromium (fake
 * camera and microphone) through a real MediaRoom. Two pages, a sender and a receiver, each
 * running the product's CallClient (bench/first-frame-client.ts) over socket.io; this
 * process answers their media:* requests as server/services/media-signaling.ts does (new
 * producer → every other participant consumes it, paused, and is sent media:consume).
 *
 * Two measures, each over several runs:
 * - cameraOn: both are in a connected voice call; the sender turns its camera on
 *   (CallClient.setVideo(true): getUserMedia, produce) → the receiver's first frame of the new
 *   track (requestVideoFrameCallback). The sender turns it off again between runs.
 * - joinWithVideo: the receiver waits in the call; the sender's page loads afresh and joins
 *   with camera and microphone (device, transports, ICE + DTLS, produce) → the first frame.
 */
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { build } from 'esbuild'
import type { Browser, Page } from 'playwright-core'
import { Server, type Socket } from 'socket.io'
import { launchChromium } from '../e2e/support/browser.js'
import { type ConsumerParams, type MediaRoom, MediasoupGateway } from '../media/index.js'
import type { FirstFrame } from './first-frame-client.js'

export interface FirstFrameOptions {
  cameraOnRuns: number
  joinRuns: number
}

const CHANNEL_ID = 'bench-channel'
const FRAME_TIMEOUT_MS = 15_000

type Handler = (payload: any) => Promise<unknown> | unknown

/** Start a one-worker gateway on a random 100-port range below the ephemeral ports. */
async function startGateway(): Promise<MediasoupGateway> {
  let lastError: unknown
  for (let attempt = 0; attempt < 8; attempt++) {
    const rtcMinPort = 20000 + Math.floor(Math.random() * 120) * 100
    try {
      return await MediasoupGateway.start({ numWorkers: 1, rtcMinPort, rtcMaxPort: rtcMinPort + 99 })
    } catch (error) {
      lastError = error
    }
  }
  throw lastError
}

/** The media:* requests of one participant's socket, answered from the room. */
function serveParticipant(room: MediaRoom, socket: Socket, sockets: Map<string, Socket>): void {
  const participantId = String(socket.handshake.auth.participantId)
  sockets.set(participantId, socket)
  const on = (event: string, handler: Handler) =>
    socket.on(event, async (payload: unknown, ack: (result: unknown) => void) => {
      try {
        ack({ ok: true, data: (await handler(payload)) ?? {} })
      } catch (error) {
        ack({ ok: false, error: { code: 'media', message: (error as Error).message } })
      }
    })
  const participant = () => room.participant(participantId)
  on('media:join', () => {
    if (room.participantIds().includes(participantId)) room.leave(participantId)
    room.join(participantId).on('consumer-changed', (change) => socket.emit('media:consumer-changed', { channelId: CHANNEL_ID, ...change }))
    return { routerRtpCapabilities: room.rtpCapabilities, audioMimeType: room.audioCodecFor() }
  })
  on('media:setup', async ({ rtpCapabilities }) => {
    participant().setRtpCapabilities(rtpCapabilities)
    const send = await participant().createTransport('send')
    const recv = await participant().createTransport('recv')
    const consumers = (await participant().consumeAll()).map((params) => ({ channelId: CHANNEL_ID, ...params }))
    return { send, recv, consumers }
  })
  on('media:connect', ({ transportId, dtlsParameters }) => participant().connectTransport(transportId, dtlsParameters))
  on('media:produce', async (input) => ({ producerId: await participant().produce({ ...input, paused: input.paused === true }) }))
  on('media:producer', async ({ producerId, action }) => {
    if (action === 'pause') await participant().pauseProducer(producerId)
    else if (action === 'resume') await participant().resumeProducer(producerId)
    else participant().closeProducer(producerId)
  })
  on('media:consumer', ({ consumerId, action }) => (action === 'pause' ? participant().pauseConsumer(consumerId) : participant().resumeConsumer(consumerId)))
  socket.on('disconnect', () => {
    if (sockets.get(participantId) !== socket) return
    sockets.delete(participantId)
    room.leave(participantId)
  })
}

/** New producer: the others consume it and are told, as MediaSignaling.offerToOthers does. */
function offerToOthers(room: MediaRoom, sockets: Map<string, Socket>): void {
  room.on('producer-added', async (producer) => {
    for (const participantId of room.participantIds()) {
      if (participantId === producer.participantId) continue
      const participant = room.participant(participantId)
      if (!participant.rtpCapabilities) continue
      let params: ConsumerParams
      try {
        params = await participant.consume(producer.producerId)
      } catch {
        continue // left meanwhile
      }
      sockets.get(participantId)?.emit('media:consume', { channelId: CHANNEL_ID, ...params })
    }
  })
}

async function bundle(root: string, dir: string): Promise<void> {
  await build({
    entryPoints: [path.join(root, 'bench/first-frame-client.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome110',
    outfile: path.join(dir, 'client.js'),
    logLevel: 'silent',
  })
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>first frame</title><script type="module" src="/client.js"></script>')
}

function serveFiles(dir: string): http.Server {
  return http.createServer((req, res) => {
    const file = req.url?.startsWith('/client.js') ? 'client.js' : 'index.html'
    res.setHeader('content-type', file.endsWith('.js') ? 'text/javascript' : 'text/html')
    fs.createReadStream(path.join(dir, file)).pipe(res)
  })
}

async function openPage(browser: Browser, url: string, participantId: string, problems: string[]): Promise<Page> {
  const page = await (await browser.newContext()).newPage()
  page.on('pageerror', (error) => problems.push(`${participantId}: ${error.message}`))
  await page.goto(`${url}/?participant=${participantId}`)
  await page.waitForFunction(() => (window as any).firstFrame?.connected())
  return page
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!
}

const round1 = (value: number) => Math.round(value * 10) / 10

function distribution(samples: number[]): { samplesMs: number[]; p50Ms: number; p90Ms: number; minMs: number; maxMs: number } {
  const sorted = [...samples].sort((a, b) => a - b)
  return { samplesMs: samples.map(round1), p50Ms: round1(percentile(sorted, 50)), p90Ms: round1(percentile(sorted, 90)), minMs: round1(sorted[0]!), maxMs: round1(sorted.at(-1)!) }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function waitFrame(receiver: Page, what: string): Promise<FirstFrame> {
  const frame = await receiver.evaluate((timeoutMs) => (window as any).firstFrame.nextFirstFrame(timeoutMs) as Promise<FirstFrame | null>, FRAME_TIMEOUT_MS)
  if (!frame) throw new Error(`no remote video frame within ${FRAME_TIMEOUT_MS} ms (${what})`)
  return frame
}

export async function measureFirstFrame(root: string, options: FirstFrameOptions) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-first-frame-'))
  const gateway = await startGateway()
  const server = serveFiles(dir)
  const io = new Server(server)
  let browser: Browser | undefined
  const problems: string[] = []
  try {
    await bundle(root, dir)
    const room = await gateway.createRoom('bench-call')
    const sockets = new Map<string, Socket>()
    offerToOthers(room, sockets)
    io.on('connection', (socket) => serveParticipant(room, socket, sockets))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    browser = await launchChromium()
    const receiver = await openPage(browser, url, 'receiver', problems)
    let sender = await openPage(browser, url, 'sender', problems)
    const joined = await receiver.evaluate(() => (window as any).firstFrame.join(false))
    if (joined.state !== 'connected') throw new Error(`receiver could not join: ${joined.error}`)
    const senderJoined = await sender.evaluate(() => (window as any).firstFrame.join(false))
    if (senderJoined.state !== 'connected') throw new Error(`sender could not join: ${senderJoined.error}`)

    const cameraOn: { totalMs: number; produceMs: number; signalledMs: number; toFrameMs: number; receiveToPresentMs: number | null }[] = []
    for (let run = 0; run < options.cameraOnRuns; run++) {
      await receiver.evaluate(() => (window as any).firstFrame.arm())
      const started = await sender.evaluate(() => (window as any).firstFrame.startVideo())
      if (!started.ok) throw new Error(`the sender's camera did not start: ${started.error}`)
      const frame = await waitFrame(receiver, `camera on, run ${run + 1}`)
      cameraOn.push({
        totalMs: frame.presentedAt - started.startedAt,
        produceMs: started.producedAt - started.startedAt,
        signalledMs: frame.addedAt - started.startedAt,
        toFrameMs: frame.presentedAt - frame.addedAt,
        receiveToPresentMs: frame.receivedAt === null ? null : frame.presentedAt - frame.receivedAt,
      })
      await sender.evaluate(() => (window as any).firstFrame.stopVideo())
      for (let i = 0; i < 100 && (await receiver.evaluate(() => (window as any).firstFrame.remoteVideos())) > 0; i++) await sleep(20)
      await sleep(300)
    }

    const joinWithVideo: number[] = []
    for (let run = 0; run < options.joinRuns; run++) {
      await sender.context().close()
      for (let i = 0; i < 100 && room.participantIds().includes('sender'); i++) await sleep(20)
      sender = await openPage(browser, url, 'sender', problems)
      await receiver.evaluate(() => (window as any).firstFrame.arm())
      const started = await sender.evaluate(() => (window as any).firstFrame.join(true))
      if (started.state !== 'connected') throw new Error(`sender could not join: ${started.error}`)
      const frame = await waitFrame(receiver, `join with video, run ${run + 1}`)
      joinWithVideo.push(frame.presentedAt - started.startedAt)
      await sleep(300)
    }

    const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50)
    const nullable = cameraOn.map((r) => r.receiveToPresentMs).filter((v): v is number => v !== null)
    return {
      what: 'Chromium (fake devices) ↔ MediaRoom on one mediasoup worker, product CallClient over socket.io, everything on 127.0.0.1; times on the pages\' clocks, first frame by requestVideoFrameCallback (presentationTime)',
      cameraOn: {
        what: 'connected voice call; sender CallClient.setVideo(true) (getUserMedia 640×360, produce) → receiver: media:consume, consume, resume, keyframe, decode → first frame presented',
        runs: cameraOn.length,
        ...distribution(cameraOn.map((r) => r.totalMs)),
        medianPhasesMs: {
          cameraAndProduce: round1(median(cameraOn.map((r) => r.produceMs))),
          untilTrackAtReceiver: round1(median(cameraOn.map((r) => r.signalledMs))),
          trackToFirstFrame: round1(median(cameraOn.map((r) => r.toFrameMs))),
          lastPacketToPresented: nullable.length ? round1(median(nullable)) : null,
        },
      },
      joinWithVideo: {
        what: "sender's page loaded afresh; CallClient.join({ audio, video }) (devices, Device.load, transports, ICE + DTLS, produce) → receiver's first frame",
        runs: joinWithVideo.length,
        ...distribution(joinWithVideo),
      },
      pageErrors: problems,
    }
  } finally {
    await browser?.close().catch(() => {})
    io.close()
    server.closeAllConnections()
    gateway.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
