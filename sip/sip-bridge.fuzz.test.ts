/**
 * Fuzzing the entry of inbound SIP (transport framing → parser → inbound gate): a corpus of
 * broken messages made from valid ones (truncated, bytes flipped, headers dropped, doubled or
 * given absurd values, bodies that lie about their length, binary junk), seeded so a failure
 * replays. Over real UDP and TCP sockets, and straight into the gate for volume. The process
 * must not throw, anything answered must be a 4xx (or a 2xx for what is still valid), never a
 * 5xx, no junk becomes a call, and the trunk still answers a clean OPTIONS afterwards.
 */
import dgram from 'node:dgram'
import net from 'node:net'
import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { cleanup, DID, startBridge, track, trunkOf } from './testing/harness.js'
import { waitFor } from './testing/wait.js'

afterEach(cleanup)

/** Deterministic PRNG (mulberry32): a failing seed replays the same corpus. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SDP = ['v=0', 'o=fuzz 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 40000 RTP/AVP 0 101', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000', ''].join('\r\n')

function seedMessages(port: number): string[] {
  const head = (method: string, ruri: string, n: number, extra: string[] = [], body = '') =>
    [
      `${method} ${ruri} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:5099;branch=z9hG4bKfuzz${n};rport`,
      `From: "Fuzz" <sip:+15550009999@127.0.0.1:5099>;tag=f${n}`,
      `To: <sip:${DID}@127.0.0.1:${port}>`,
      `Call-ID: fuzz-${n}@127.0.0.1`,
      `CSeq: ${n} ${method}`,
      'Max-Forwards: 70',
      'Contact: <sip:fuzz@127.0.0.1:5099>',
      ...extra,
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ].join('\r\n')
  return [
    head('OPTIONS', `sip:127.0.0.1:${port}`, 1),
    head('INVITE', `sip:${DID}@127.0.0.1:${port}`, 2, ['Content-Type: application/sdp'], SDP),
    head('BYE', `sip:parley@127.0.0.1:${port}`, 3),
    head('PUBLISH', `sip:agent@127.0.0.1:${port}`, 4, ['Event: presence', 'Expires: 60', 'Content-Type: application/pidf+xml'], '<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:agent@x"><tuple id="t"><status><basic>open</basic></status></tuple></presence>'),
    head('REGISTER', `sip:127.0.0.1:${port}`, 5, ['Expires: 60']),
    head('INFO', `sip:parley@127.0.0.1:${port}`, 6, ['Content-Type: application/dtmf-relay'], 'Signal=5\r\nDuration=160\r\n'),
    `SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bKnope\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`,
  ]
}

const JUNK_VALUES = ['', ' ', '\t', '-1', '99999999999999999999', 'NaN', '<<<>>>', ';;;;', '\u0000', '\u00ff\u00fe', 'é€漢字', 'a'.repeat(5000), '"', '%00%ff', 'sip:', '<sip:@>', '1 2 3', 'SIP/2.0/UDP']

/** One broken message from a valid one. */
function mutate(message: string, random: () => number): string | Buffer {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
  const lines = message.split('\r\n')
  const headerEnd = lines.indexOf('')
  const headerIndex = () => 1 + Math.floor(random() * Math.max(1, headerEnd - 1))
  switch (Math.floor(random() * 11)) {
    case 0: // truncated anywhere
      return message.slice(0, Math.floor(random() * message.length))
    case 1: {
      // bytes flipped
      const bytes = Buffer.from(message)
      for (let i = 0, n = 1 + Math.floor(random() * 8); i < n; i++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256)
      return bytes
    }
    case 2: // a header dropped
      lines.splice(headerIndex(), 1)
      return lines.join('\r\n')
    case 3: // a header doubled
      lines.splice(headerIndex(), 0, lines[headerIndex()]!)
      return lines.join('\r\n')
    case 4: {
      // a header value replaced by junk
      const i = headerIndex()
      const name = lines[i]!.split(':')[0]
      lines[i] = `${name}: ${pick(JUNK_VALUES)}`
      return lines.join('\r\n')
    }
    case 5: // the request line broken
      lines[0] = pick([`${lines[0]} extra`, lines[0]!.replace('SIP/2.0', 'SIP/3.0'), lines[0]!.replace(/^\S+/, pick(JUNK_VALUES)), pick(JUNK_VALUES), lines[0]!.toLowerCase()])
      return lines.join('\r\n')
    case 6: // Content-Length lies
      return message.replace(/Content-Length: \d+/, `Content-Length: ${pick(['0', '5', '100000', '-4', 'x', '2147483648'])}`)
    case 7: // line endings mangled
      return pick([message.replace(/\r\n/g, '\n'), message.replace(/\r\n/g, '\r'), message.replace('\r\n\r\n', '\r\n'), message.replace(/: /g, ':')])
    case 8: // binary junk
      return Buffer.from(Array.from({ length: 1 + Math.floor(random() * 600) }, () => Math.floor(random() * 256)))
    case 9: // the SDP body broken
      return message.replace(/m=audio \d+/, `m=audio ${pick(JUNK_VALUES)}`).replace('c=IN IP4 127.0.0.1', `c=${pick(JUNK_VALUES)}`)
    default: // header folding and odd whitespace
      lines.splice(headerIndex(), 0, ` ${pick(JUNK_VALUES)}`)
      return lines.join('\r\n')
  }
}

function statusOf(reply: string): number | undefined {
  const match = /^SIP\/2\.0 (\d{3})/.exec(reply)
  return match ? Number(match[1]) : undefined
}

describe('fuzzing inbound SIP', () => {
  it('answers a corpus of broken messages over UDP and TCP with 4xx (never 5xx), creates no calls and stays up', async () => {
    // sip.js throwing on a message is caught by the transport and logged: that must not happen either
    const logged: string[] = []
    const log = pino({ level: 'error' }, { write: (line: string) => logged.push(line) })
    const bridge = await startBridge({ port: 5060 }, { log })
    let offered = 0
    bridge.onIncomingCall(async (call) => {
      offered++
      await call.reject(486)
    })
    const uncaught: unknown[] = []
    const onUncaught = (error: unknown) => uncaught.push(error)
    process.on('uncaughtException', onUncaught)
    process.on('unhandledRejection', onUncaught)
    try {
      const port = bridge.address('trunk').port
      const seeds = seedMessages(port)
      const random = prng(Number(process.env.SIP_FUZZ_SEED ?? 20261201))
      const socket = dgram.createSocket('udp4')
      await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()))
      track({ close: () => socket.close() })
      const replies: string[] = []
      socket.on('message', (message) => replies.push(message.toString('utf8')))
      const corpus = Array.from({ length: 3000 }, () => mutate(random() < 0.8 ? seeds[Math.floor(random() * seeds.length)]! : seeds[1]!, random))
      for (let i = 0; i < corpus.length; i++) {
        const datagram = corpus[i]!
        socket.send(typeof datagram === 'string' ? Buffer.from(datagram) : datagram, port, '127.0.0.1')
        if (i % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 5))
      }

      // and straight into the gate, for volume (same code path as the sockets, no network)
      const gate = (trunkOf(bridge) as unknown as { gate: { receive(raw: string, source: { host: string; port: number; protocol: 'UDP' }): void } }).gate
      for (let i = 0; i < 20_000; i++) {
        const message = mutate(seeds[Math.floor(random() * seeds.length)]!, random)
        try {
          gate.receive(typeof message === 'string' ? message : message.toString('utf8'), { host: '127.0.0.1', port: 9, protocol: 'UDP' })
        } catch (error) {
          uncaught.push(error)
        }
      }

      // TCP: broken messages on 20 streams (framing by Content-Length), then a clean one
      const tcpBridge = await startBridge({ port: 5060, transport: 'tcp' }, { log })
      const tcpPort = tcpBridge.address('trunk').port
      const tcpSeeds = seedMessages(tcpPort)
      for (let k = 0; k < 20; k++) {
        const client = net.connect(tcpPort, '127.0.0.1')
        client.on('error', () => undefined)
        track({ close: () => client.destroy() })
        await new Promise<void>((resolve) => client.once('connect', () => resolve()))
        for (let j = 0; j < 25; j++) client.write(mutate(tcpSeeds[Math.floor(random() * 6)]!, random))
        client.end()
      }
      const tcpProbe = net.connect(tcpPort, '127.0.0.1')
      track({ close: () => tcpProbe.destroy() })
      let tcpReply = ''
      tcpProbe.on('data', (chunk) => (tcpReply += chunk.toString()))
      tcpProbe.write(tcpSeeds[0]!)
      await waitFor(() => /SIP\/2\.0 200 OK/.test(tcpReply), 'the TCP trunk to answer a clean OPTIONS', 5000)

      // still up: a clean OPTIONS gets its 200
      const before = replies.length
      socket.send(Buffer.from(seeds[0]!.replace('fuzz1', `fuzzok${Date.now()}`).replace('fuzz-1@', `fuzz-ok-${Date.now()}@`)), port, '127.0.0.1')
      await waitFor(() => replies.slice(before).some((reply) => /^SIP\/2\.0 200 OK/.test(reply) && reply.includes('fuzzok')), 'a 200 for a clean OPTIONS', 5000)

      const statuses = replies.map(statusOf).filter((status): status is number => status !== undefined)
      expect(statuses.length).toBeGreaterThan(500)
      expect(statuses.filter((status) => status >= 500)).toEqual([])
      expect(statuses.filter((status) => status === 400).length).toBeGreaterThan(100)
      expect(uncaught).toEqual([])
      expect(logged.filter((line) => line.includes('error handling an inbound message'))).toEqual([])
      expect(trunkOf(bridge).gateStats.unparseable).toBeGreaterThan(0)
      await waitFor(() => bridge.calls().length === 0, 'junk INVITEs that got through to be refused', 5000)
      expect(offered).toBeLessThan(corpus.length / 5) // only the few still-valid INVITEs reach the handler
    } finally {
      process.off('uncaughtException', onUncaught)
      process.off('unhandledRejection', onUncaught)
    }
  })
})
