/**
 * Bad input on the wire never crashes the bridge: datagrams and streams that are not SIP, or
 * SIP with broken headers, get a 4xx where a response is possible and are dropped otherwise;
 * the trunk keeps answering afterwards. Sent from real UDP/TCP sockets.
 */
import dgram from 'node:dgram'
import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { cleanup, startBridge, track } from './testing/harness.js'
import { waitFor } from './testing/wait.js'

afterEach(cleanup)

class Probe {
  readonly received: string[] = []
  private constructor(private readonly socket: dgram.Socket) {
    socket.on('message', (message) => this.received.push(message.toString('utf8')))
  }
  static async open(): Promise<Probe> {
    const socket = dgram.createSocket('udp4')
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()))
    return track(new Probe(socket))
  }
  get port(): number {
    return this.socket.address().port
  }
  send(text: string | Buffer, port: number): void {
    this.socket.send(typeof text === 'string' ? Buffer.from(text) : text, port, '127.0.0.1')
  }
  /** Send and wait for the next datagram back. */
  async exchange(text: string, port: number): Promise<string> {
    const before = this.received.length
    this.send(text, port)
    return waitFor(() => this.received[before], 'a response', 3000)
  }
  close(): void {
    this.socket.close()
  }
}

let n = 0
function request(port: number, probe: number, overrides: { method?: string; ruri?: string; headers?: Record<string, string | undefined>; body?: string } = {}): string {
  n++
  const method = overrides.method ?? 'OPTIONS'
  const body = overrides.body ?? ''
  const headers: Record<string, string | undefined> = {
    Via: `SIP/2.0/UDP 127.0.0.1:${probe};branch=z9hG4bKprobe${n}${Date.now()};rport`,
    From: `<sip:probe@127.0.0.1:${probe}>;tag=p${n}`,
    To: `<sip:parley@127.0.0.1:${port}>`,
    'Call-ID': `probe-${n}-${Date.now()}`,
    CSeq: `1 ${method}`,
    'Max-Forwards': '70',
    'Content-Length': String(Buffer.byteLength(body)),
    ...overrides.headers,
  }
  const lines = [`${method} ${overrides.ruri ?? `sip:127.0.0.1:${port}`} SIP/2.0`]
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) lines.push(`${name}: ${value}`)
  return `${lines.join('\r\n')}\r\n\r\n${body}`
}

const status = (response: string): number => Number(response.slice(8, 11))

describe('garbage on the wire', () => {
  it('answers broken requests with 4xx, drops what cannot be answered, and stays up (UDP)', async () => {
    const bridge = await startBridge({ port: 5060 })
    const port = bridge.address('trunk').port
    const probe = await Probe.open()
    const p = probe.port

    // not SIP at all: dropped silently
    probe.send(Buffer.from([0, 1, 2, 3, 255, 254, 13, 10]), port)
    probe.send('hello there\r\n\r\n', port)
    probe.send('SIP/2.0 200 OK\r\nCSeq: what\r\n\r\n', port)
    probe.send('\r\n\r\n', port) // keep-alive

    expect(status(await probe.exchange(request(port, p, { headers: { Via: 'not a via at all' } }), port))).toBe(400)
    expect(status(await probe.exchange(request(port, p, { headers: { CSeq: 'abc OPTIONS' } }), port))).toBe(400)
    expect(status(await probe.exchange(request(port, p, { headers: { From: '<<<>>>' } }), port))).toBe(400)
    const noCallId = await probe.exchange(request(port, p, { headers: { 'Call-ID': undefined } }), port)
    expect(noCallId).toMatch(/^SIP\/2\.0 400 Missing call-id header/)
    expect(status(await probe.exchange(request(port, p, { headers: { CSeq: '1 INVITE' } }), port))).toBe(400)
    expect(status(await probe.exchange(request(port, p, { headers: { 'Content-Length': '500' }, body: 'short' }), port))).toBe(400)
    expect(status(await probe.exchange(request(port, p, { headers: { 'Max-Forwards': '0' } }), port))).toBe(483)
    expect(status(await probe.exchange(request(port, p, { method: 'MESSAGE', body: 'hi', headers: { 'Content-Type': 'text/plain' } }), port))).toBe(405)
    expect(status(await probe.exchange(request(port, p, { method: 'BYE', headers: { To: `<sip:parley@127.0.0.1:${port}>;tag=nosuchdialog` } }), port))).toBe(481)
    expect(status(await probe.exchange(request(port, p, { method: 'INVITE', ruri: 'sip:+15557654321@127.0.0.1', headers: { 'Content-Type': 'application/sdp', Contact: `<sip:probe@127.0.0.1:${p}>` }, body: 'v=0\r\nm=audio banana\r\n' }), port))).toBe(400)

    // still alive and well
    const ok = await probe.exchange(request(port, p), port)
    expect(status(ok)).toBe(200)
    expect(ok).toMatch(/Allow: .*PUBLISH/)
    expect(bridge.calls()).toHaveLength(0)
  })

  it('closes a TCP stream that lies about Content-Length and keeps serving new connections', async () => {
    const bridge = await startBridge({ port: 5060, transport: 'tcp' })
    const port = bridge.address('trunk').port
    const liar = net.connect(port, '127.0.0.1')
    track({ close: () => liar.destroy() })
    const closed = new Promise<void>((resolve) => liar.once('close', () => resolve()))
    liar.write(request(port, 1, { headers: { 'Content-Length': '99999999' } }))
    await closed

    const honest = net.connect(port, '127.0.0.1')
    track({ close: () => honest.destroy() })
    let reply = ''
    honest.on('data', (chunk) => (reply += chunk.toString()))
    // two messages in one segment, one split across two writes: framing must cope
    const first = request(port, honest.localPort ?? 1)
    const second = request(port, 2)
    honest.write(first + second.slice(0, 40))
    honest.write(second.slice(40))
    await waitFor(() => (reply.match(/SIP\/2\.0 200 OK/g) ?? []).length === 2, 'two 200 OK on the stream')
  })
})
