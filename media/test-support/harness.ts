/**
 * Test harness for the media layer: a gateway on a free port range, Debian's Chromium
 * (playwright-core, fake devices) loading a mediasoup-client bundle built with esbuild at
 * test time, served with a /rpc endpoint that drives MediaRoom/MediaParticipant the way
 * the server's socket handlers will. Waits poll conditions; nothing relies on sleeps.
 */
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { build } from 'esbuild'
import { type Browser, type Page, chromium } from 'playwright-core'
import { MediaConflictError } from '../errors.js'
import { MediasoupGateway } from '../media-gateway.js'
import type { MediaConfigInput } from '../media-config.js'
import type { MediaRoom } from '../media-room.js'

const here = path.dirname(new URL(import.meta.url).pathname)

/** Time limit of a test driving Chromium (generous: the suite may share 2 cores with others). */
export const BROWSER_TEST_MS = 120_000

/** Start a gateway on a random port range below the ephemeral ports (retrying if taken). */
export async function startGateway(options: MediaConfigInput = {}): Promise<MediasoupGateway> {
  let lastError: unknown
  for (let attempt = 0; attempt < 8; attempt++) {
    const rtcMinPort = 20000 + Math.floor(Math.random() * 120) * 100
    try {
      return await MediasoupGateway.start({ numWorkers: 1, mediaTimeoutMs: 3000, statsIntervalMs: 250, rtcMinPort, rtcMaxPort: rtcMinPort + 99, ...options })
    } catch (error) {
      lastError = error
    }
  }
  throw lastError
}

/** Poll `probe` until it returns a truthy value (returned), or fail after `timeoutMs` naming `what`. */
export async function waitFor<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 20_000, intervalMs = 100): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const value = await probe()
      if (value) return value as NonNullable<T>
      last = value
    } catch (error) {
      last = error
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`)
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}

/** Resolve with the first event `name` whose payload passes `match`. */
export function nextEvent<T>(emitter: { on(e: string, l: (x: T) => void): unknown; off(e: string, l: (x: T) => void): unknown }, name: string, match: (x: T) => boolean = () => true, timeoutMs = 20_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(name, listener)
      reject(new Error(`timed out waiting for event ${name}`))
    }, timeoutMs)
    const listener = (x: T) => {
      if (!match(x)) return
      clearTimeout(timer)
      emitter.off(name, listener)
      resolve(x)
    }
    emitter.on(name, listener)
  })
}

export interface InboundStat {
  consumerId: string
  kind: string
  source: string
  participantId: string
  packetsReceived: number
  bytesReceived: number
}

/** One browser page acting as one participant. */
export class BrowserParticipant {
  constructor(
    readonly page: Page,
    readonly participantId: string,
  ) {}

  join(): Promise<{ handler: string }> {
    return this.page.evaluate(() => (window as any).mediaTest.join())
  }

  produce(options: { audio?: boolean; video?: boolean; audioMimeType?: string } = {}): Promise<Record<string, string>> {
    return this.page.evaluate((o) => (window as any).mediaTest.produce(o), options)
  }

  consumeAll(): Promise<{ id: string; kind: string; source: string; participantId: string; mimeType: string }[]> {
    return this.page.evaluate(() => (window as any).mediaTest.consumeAll())
  }

  inboundStats(): Promise<InboundStat[]> {
    return this.page.evaluate(() => (window as any).mediaTest.inboundStats())
  }

  stopSending(source: 'audio' | 'video'): Promise<void> {
    return this.page.evaluate((s) => (window as any).mediaTest.stopSending(s), source)
  }

  connectionStates(): Promise<{ send?: string; recv?: string }> {
    return this.page.evaluate(() => (window as any).mediaTest.connectionStates())
  }

  reset(): Promise<void> {
    return this.page.evaluate(() => (window as any).mediaTest.reset())
  }

  /** Packets received so far per kind (summed over consumers). */
  async packetsByKind(): Promise<Record<string, number>> {
    const out: Record<string, number> = {}
    for (const s of await this.inboundStats()) out[s.kind] = (out[s.kind] ?? 0) + s.packetsReceived
    return out
  }

  /** Wait until every kind in `kinds` received more packets than in `since`. */
  async waitForGrowth(kinds: string[], since: Record<string, number> = {}, timeoutMs = 20_000): Promise<Record<string, number>> {
    return waitFor(
      `${this.participantId} receiving ${kinds.join('+')}`,
      async () => {
        const now = await this.packetsByKind()
        return kinds.every((k) => (now[k] ?? 0) > (since[k] ?? 0)) ? now : undefined
      },
      timeoutMs,
    )
  }

  close(): Promise<void> {
    return this.page.close()
  }
}

/** Chromium plus a tiny http server serving the client bundle and the /rpc endpoint. */
export class BrowserHarness {
  readonly #server: http.Server
  readonly #browser: Browser
  readonly #dir: string
  readonly #rooms: (roomId: string) => MediaRoom | undefined

  private constructor(server: http.Server, browser: Browser, dir: string, rooms: (roomId: string) => MediaRoom | undefined) {
    this.#server = server
    this.#browser = browser
    this.#dir = dir
    this.#rooms = rooms
  }

  /** `rooms` finds the room a page talks to (usually gateway.getRoom). */
  static async start(rooms: (roomId: string) => MediaRoom | undefined): Promise<BrowserHarness> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-media-test-'))
    await build({
      entryPoints: [path.join(here, 'browser-client.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'chrome110',
      outfile: path.join(dir, 'client.js'),
      logLevel: 'silent',
    })
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>media test</title><script type="module" src="/client.js"></script>')
    let harness: BrowserHarness | undefined
    const server = http.createServer((req, res) => void harness?.handle(req, res))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream',
        '--autoplay-policy=no-user-gesture-required',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-renderer-backgrounding',
        '--disable-background-timer-throttling',
        '--disable-backgrounding-occluded-windows',
      ],
    })
    harness = new BrowserHarness(server, browser, dir, rooms)
    return harness
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`
  }

  /** Open a page for `participantId` in `roomId` (not joined yet). */
  async open(roomId: string, participantId: string): Promise<BrowserParticipant> {
    const page = await this.#browser.newPage()
    page.on('pageerror', (error) => console.error(`[${participantId}] page error: ${error.message}`))
    await page.goto(`${this.url}/?room=${encodeURIComponent(roomId)}&participant=${encodeURIComponent(participantId)}`)
    await page.waitForFunction(() => (window as any).mediaTest !== undefined)
    return new BrowserParticipant(page, participantId)
  }

  async close(): Promise<void> {
    await this.#browser.close().catch(() => {})
    await new Promise((resolve) => this.#server.close(resolve))
    this.#server.closeAllConnections()
    fs.rmSync(this.#dir, { recursive: true, force: true })
  }

  async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (req.method === 'POST' && req.url === '/rpc') {
      let body = ''
      for await (const chunk of req) body += chunk
      const { roomId, participantId, method, args } = JSON.parse(body) as { roomId: string; participantId: string; method: string; args: any }
      try {
        const result = await this.#rpc(roomId, participantId, method, args)
        res.setHeader('content-type', 'application/json')
        res.end(JSON.stringify({ result: result ?? null }))
      } catch (error) {
        res.end(JSON.stringify({ error: (error as Error).message }))
      }
      return
    }
    const file = req.url === '/' || req.url?.startsWith('/?') ? 'index.html' : path.basename(req.url ?? '')
    const full = path.join(this.#dir, file)
    if (!fs.existsSync(full)) {
      res.statusCode = 404
      res.end()
      return
    }
    res.setHeader('content-type', file.endsWith('.js') ? 'text/javascript' : 'text/html')
    fs.createReadStream(full).pipe(res)
  }

  /** What the server's socket handlers will do, one line each. */
  #rpc(roomId: string, participantId: string, method: string, args: any): unknown {
    const room = this.#rooms(roomId)
    if (!room) throw new Error(`no room ${roomId}`)
    switch (method) {
      case 'rtpCapabilities':
        return room.rtpCapabilities
      case 'join':
        try {
          room.join(participantId, { rtpCapabilities: args.rtpCapabilities })
        } catch (error) {
          if (!(error instanceof MediaConflictError)) throw error
          room.participant(participantId).setRtpCapabilities(args.rtpCapabilities)
        }
        return
      case 'createTransport':
        return room.participant(participantId).createTransport(args.direction)
      case 'connectTransport':
        return room.participant(participantId).connectTransport(args.transportId, args.dtlsParameters)
      case 'produce':
        return room.participant(participantId).produce(args)
      case 'consumeAll':
        return room.participant(participantId).consumeAll()
      case 'resumeConsumer':
        return room.participant(participantId).resumeConsumer(args.consumerId)
      default:
        throw new Error(`unknown method ${method}`)
    }
  }
}
