/**
 * Phone legs with hand-made PCMU RTP from local UDP sockets (as a SIP peer sends it, with an
 * SSRC nobody announced): the audio reaches a browser consumer and a second leg, a browser
 * producing PCMU reaches the peer, DTMF is reported, and a silent peer times out.
 */
import dgram from 'node:dgram'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { InvalidStateError, MediaConflictError } from './errors.js'
import type { MediasoupGateway } from './media-gateway.js'
import type { DtmfEvent } from './plain-audio-leg.js'
import { payloadType, ssrcOf } from './rtp-packet.js'
import type { MediaFailedEvent } from './types.js'
import { BROWSER_TEST_MS, BrowserHarness, nextEvent, startGateway, waitFor } from './test-support/harness.js'

let gateway: MediasoupGateway
let harness: BrowserHarness

beforeAll(async () => {
  gateway = await startGateway()
  harness = await BrowserHarness.start((roomId) => gateway.getRoom(roomId))
})

afterAll(async () => {
  await harness?.close()
  gateway?.close()
})

function mulaw(sample: number): number {
  const BIAS = 0x84
  let s = Math.max(-32635, Math.min(32635, Math.round(sample)))
  const sign = s < 0 ? 0x80 : 0
  if (s < 0) s = -s
  s += BIAS
  let exponent = 7
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--
  const mantissa = (s >> (exponent + 3)) & 0x0f
  return ~(sign | (exponent << 4) | mantissa) & 0xff
}

/** A SIP-like RTP peer: a UDP socket sending 20 ms PCMU frames of a tone, counting what it receives. */
class RtpPeer {
  readonly socket = dgram.createSocket('udp4')
  received = 0
  readonly receivedSsrcs = new Set<number>()
  readonly receivedPayloadTypes = new Set<number>()
  ssrc = 0x1234abcd
  #seq = 100
  #timestamp = 0
  #phase = 0
  #timer: NodeJS.Timeout | undefined

  async bind(): Promise<number> {
    this.socket.on('message', (packet) => {
      if (packet.length < 12) return
      this.received++
      this.receivedSsrcs.add(ssrcOf(packet))
      this.receivedPayloadTypes.add(payloadType(packet))
    })
    await new Promise<void>((resolve) => this.socket.bind(0, '127.0.0.1', resolve))
    return this.socket.address().port
  }

  start(port: number): void {
    this.#timer = setInterval(() => this.send(port), 20)
  }

  stop(): void {
    clearInterval(this.#timer)
  }

  send(port: number): void {
    const packet = Buffer.alloc(12 + 160)
    packet[0] = 0x80
    packet[1] = 0 // PCMU
    packet.writeUInt16BE(this.#seq++ & 0xffff, 2)
    packet.writeUInt32BE(this.#timestamp >>> 0, 4)
    packet.writeUInt32BE(this.ssrc, 8)
    for (let i = 0; i < 160; i++) {
      packet[12 + i] = mulaw(8000 * Math.sin(this.#phase))
      this.#phase += (2 * Math.PI * 440) / 8000
    }
    this.#timestamp += 160
    this.socket.send(packet, port, '127.0.0.1')
  }

  /** RFC 4733: a key press as start, progress and three end packets (same timestamp). */
  sendDtmf(port: number, event: number, payloadType = 101): void {
    const timestamp = this.#timestamp
    for (const [duration, end] of [[160, false], [480, false], [800, true], [800, true], [800, true]] as const) {
      const packet = Buffer.alloc(16)
      packet[0] = 0x80
      packet[1] = payloadType
      packet.writeUInt16BE(this.#seq++ & 0xffff, 2)
      packet.writeUInt32BE(timestamp, 4)
      packet.writeUInt32BE(this.ssrc, 8)
      packet[12] = event
      packet[13] = (end ? 0x80 : 0) | 10
      packet.writeUInt16BE(duration, 14)
      this.socket.send(packet, port, '127.0.0.1')
    }
  }

  close(): void {
    this.stop()
    this.socket.close()
  }
}

describe('PlainAudioLeg', () => {
  it('bridges PCMU RTP between SIP-like peers, a browser and another leg', async () => {
    const room = await gateway.createRoom('phone-1', { phone: true })
    expect(room.audioCodecFor()).toBe('audio/PCMU')
    const peerA = new RtpPeer()
    const peerB = new RtpPeer()
    const peerAPort = await peerA.bind()
    const peerBPort = await peerB.bind()

    const legA = await room.addPlainAudioLeg({ legId: 'pstn-a' })
    expect(legA.localPort % 2).toBe(0)
    expect(legA.localRtcpPort).toBe(legA.localPort + 1)
    expect(legA.localIp).toBe('127.0.0.1')
    await legA.connect('127.0.0.1', peerAPort)
    const legB = await room.addPlainAudioLeg({ legId: 'pstn-b' })
    await legB.connect('127.0.0.1', peerBPort) // peer B never sends: audio goes to the SDP address
    await expect(room.addPlainAudioLeg({ legId: 'pstn-b' })).rejects.toThrow(MediaConflictError)

    const latched = nextEvent(legA, 'latched')
    peerA.start(legA.localPort)
    expect(await latched).toEqual({ ip: '127.0.0.1', port: peerAPort })

    // Leg A's audio reaches leg B's peer, in PCMU.
    await waitFor('peer B receiving leg A audio', () => peerB.received > 20)
    expect([...peerB.receivedPayloadTypes]).toEqual([0])

    // ...and a browser consumer.
    const bob = await harness.open('phone-1', 'bob')
    await bob.join()
    const consumers = await bob.consumeAll()
    expect(consumers.find((c) => c.participantId === 'pstn-a')).toMatchObject({ kind: 'audio', source: 'phone', mimeType: 'audio/PCMU' })
    const fromLeg = async () => (await bob.inboundStats()).find((s) => s.participantId === 'pstn-a')?.packetsReceived ?? 0
    const first = await waitFor('bob receiving leg A audio', fromLeg)
    await waitFor('more leg A audio at bob', async () => (await fromLeg()) > first)

    // The peer switches SSRC (re-INVITE, transfer): the leg keeps the producer's SSRC, audio keeps flowing.
    const beforeSwitch = await fromLeg()
    peerA.ssrc = 0x0badcafe
    await waitFor('audio after the SSRC change', async () => (await fromLeg()) > beforeSwitch + 10)

    // A browser producing PCMU (what phone rooms ask for) is heard by the SIP peer.
    const alice = await harness.open('phone-1', 'alice')
    await alice.join()
    await alice.produce({ audio: true, video: false, audioMimeType: room.audioCodecFor() })
    const aliceAudio = room.producers().find((p) => p.participantId === 'alice')!
    await waitFor('peer A receiving alice', () => legA.getStats().consumerIds.length === 2 && peerA.received > 20)
    expect(peerA.receivedPayloadTypes.has(0)).toBe(true)
    expect(legA.getStats()).toMatchObject({ latched: true, skippedProducerIds: [] })
    expect(aliceAudio.source).toBe('audio')

    // DTMF from the peer.
    const dtmf = nextEvent<DtmfEvent>(room, 'dtmf')
    peerA.sendDtmf(legA.localPort, 5)
    expect(await dtmf).toMatchObject({ roomId: 'phone-1', legId: 'pstn-a', digit: '5', durationMs: 100 })

    // The peer goes silent mid-call → media-failed 'timeout' for the leg (leg B never sent: not armed, no report).
    const timeout = nextEvent<MediaFailedEvent>(gateway, 'media-failed', (e) => e.participantId.startsWith('pstn'))
    peerA.stop()
    expect(await timeout).toMatchObject({ roomId: 'phone-1', participantId: 'pstn-a', reason: 'timeout' })

    const usage = room.usage()
    expect(usage.find((u) => u.participantId === 'pstn-a')).toMatchObject({ source: 'phone' })

    legA.close()
    legA.close() // idempotent
    await expect(legA.connect('127.0.0.1', peerAPort)).rejects.toThrow(InvalidStateError)
    expect(() => room.leg('pstn-a')).toThrow()
    expect(room.producers().some((p) => p.participantId === 'pstn-a')).toBe(false)
    room.close()
    expect(legB.closed).toBe(true)
    peerA.close()
    peerB.close()
    await Promise.all([alice.close(), bob.close()])
  }, BROWSER_TEST_MS)

  it('is only available in rooms created for the phone', async () => {
    const room = await gateway.createRoom('video-only')
    await expect(room.addPlainAudioLeg({ legId: 'x' })).rejects.toThrow(InvalidStateError)
    expect(room.audioCodecFor()).toBe('audio/opus')
    room.close()
  })
})
