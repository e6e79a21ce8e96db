/**
 * A room with two real Chromium participants through a real mediasoup worker: audio and
 * video both ways, pause, failure detection, close, usage. Every wait polls a condition.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { InvalidStateError, MediaNotFoundError, MediaRequestError } from './errors.js'
import type { MediasoupGateway } from './media-gateway.js'
import type { ActiveSpeakerEvent } from './media-room.js'
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

describe('MediaRoom with two browsers', () => {
  it('carries audio and video both ways, pauses audio, detects failures and closes everything', async () => {
    const room = await gateway.createRoom('call-1')
    const activeSpeaker = nextEvent<ActiveSpeakerEvent>(room, 'active-speaker')
    const alice = await harness.open('call-1', 'alice')
    const bob = await harness.open('call-1', 'bob')
    await alice.join()
    await bob.join()
    const aliceProducers = await alice.produce({ audio: true, video: true })
    expect(Object.keys(await bob.produce({ audio: true, video: true })).sort()).toEqual(['audio', 'video'])
    expect(Object.keys(aliceProducers).sort()).toEqual(['audio', 'video'])
    expect(room.producers().map((p) => `${p.participantId}:${p.source}`).sort()).toEqual(['alice:audio', 'alice:video', 'bob:audio', 'bob:video'])

    const aliceConsumers = await alice.consumeAll()
    const bobConsumers = await bob.consumeAll()
    expect(aliceConsumers.map((c) => `${c.participantId}:${c.kind}`).sort()).toEqual(['bob:audio', 'bob:video'])
    expect(bobConsumers.map((c) => `${c.participantId}:${c.kind}`).sort()).toEqual(['alice:audio', 'alice:video'])
    expect(bobConsumers.find((c) => c.kind === 'audio')?.mimeType).toBe('audio/opus')

    // Browser side: inbound-rtp counters grow for both kinds on both pages.
    const aliceFirst = await alice.waitForGrowth(['audio', 'video'])
    const bobFirst = await bob.waitForGrowth(['audio', 'video'])
    await alice.waitForGrowth(['audio', 'video'], aliceFirst)
    await bob.waitForGrowth(['audio', 'video'], bobFirst)

    // Server side: every producer received and every consumer sent packets.
    const stats = await waitFor('server stats for both participants', async () => {
      const { participants } = await room.getStats()
      const ok = participants.length === 2 && participants.every((p) => p.producers.length === 2 && p.consumers.length === 2 && [...p.producers, ...p.consumers].every((s) => s.packets > 0))
      return ok ? participants : undefined
    })
    for (const p of stats) expect(p.in.bytes).toBeGreaterThan(0)

    // The fake microphone's beeps make someone the active speaker.
    expect(['alice', 'bob']).toContain((await activeSpeaker).participantId)

    // Pausing alice's audio producer stops audio packets at bob, while video keeps flowing.
    const aliceAudio = room.participant('alice')
    const told = nextEvent<{ producerId: string; change: string }>(room.participant('bob'), 'consumer-changed', (e) => e.change === 'producer-paused')
    await aliceAudio.pauseProducer(aliceProducers.audio!)
    expect((await told).producerId).toBe(aliceProducers.audio)
    // let in-flight packets land, then take a baseline once two reads agree
    const paused = await waitFor('audio to stop at bob', async () => {
      const first = await bob.packetsByKind()
      await new Promise((resolve) => setTimeout(resolve, 500))
      const second = await bob.packetsByKind()
      return second.audio === first.audio && second.video! > first.video! ? second : undefined
    })
    const later = await bob.waitForGrowth(['video'], paused)
    expect(later.audio).toBe(paused.audio)
    await aliceAudio.resumeProducer(aliceProducers.audio!)
    await bob.waitForGrowth(['audio'], paused)

    // A browser that stops sending (track removed, DTLS still up) → media-failed 'timeout'.
    const timeout = nextEvent<MediaFailedEvent>(gateway, 'media-failed', (e) => e.participantId === 'bob' && e.reason === 'timeout')
    await bob.stopSending('audio')
    await bob.stopSending('video')
    expect(await timeout).toMatchObject({ roomId: 'call-1', participantId: 'bob', reason: 'timeout' })

    // A page that goes away → media-failed for alice within a few seconds (DTLS close or timeout).
    const gone = nextEvent<MediaFailedEvent>(gateway, 'media-failed', (e) => e.participantId === 'alice')
    const t0 = Date.now()
    await alice.close()
    // (Chromium sends no DTLS close alert when a page goes: here it is the media timeout.)
    expect(['dtls', 'ice', 'timeout']).toContain((await gone).reason)
    expect(Date.now() - t0).toBeLessThan(10_000)

    // Usage: both participants have audio and video time.
    const usage = room.usage()
    expect(usage.map((u) => `${u.participantId}:${u.source}`).sort()).toEqual(['alice:audio', 'alice:video', 'bob:audio', 'bob:video'])
    for (const u of usage) expect(u.seconds).toBeGreaterThan(0)

    // Closing the room closes every transport, on the server and (DTLS close) in the browser.
    const { transportIds } = room.participant('bob').ids()
    expect(transportIds).toHaveLength(2)
    const closed = nextEvent<{ reason: string; usage: unknown[] }>(room, 'close')
    gateway.closeRoom('call-1')
    expect((await closed).reason).toBe('closed')
    expect(room.closed).toBe(true)
    expect(gateway.getRoom('call-1')).toBeUndefined()
    expect(gateway.workers()[0]?.rooms).toBe(0)
    await waitFor('bob transports closed in the browser', async () => {
      const states = await bob.connectionStates()
      return states.send !== 'connected' && states.recv !== 'connected' ? states : undefined
    })
    expect(() => room.participant('bob')).toThrow(InvalidStateError)
    expect(() => room.join('carol')).toThrow(InvalidStateError)
    room.close() // idempotent
    await bob.close()
  }, BROWSER_TEST_MS)

  it('refuses ids and requests that do not belong to the participant', async () => {
    const room = await gateway.createRoom('call-2')
    const alice = room.join('alice')
    expect(() => room.participant('nobody')).toThrow(MediaNotFoundError)
    await expect(alice.connectTransport('not-a-transport', { fingerprints: [] })).rejects.toThrow(MediaNotFoundError)
    await expect(alice.consume('not-a-producer')).rejects.toThrow(MediaNotFoundError) // no recv transport yet
    await alice.createTransport('recv')
    await expect(alice.consume('not-a-producer')).rejects.toThrow(InvalidStateError) // no rtpCapabilities yet
    alice.setRtpCapabilities(room.rtpCapabilities)
    await expect(alice.consume('not-a-producer')).rejects.toThrow(MediaNotFoundError)
    const send = await alice.createTransport('send')
    await expect(alice.produce({ transportId: send.id, kind: 'audio', rtpParameters: { codecs: [] }, source: 'video' })).rejects.toThrow(MediaRequestError)
    await expect(alice.setMaxIncomingBitrate(500_000)).resolves.toBeUndefined()
    room.leave('alice')
    expect(alice.closed).toBe(true)
    await expect(alice.createTransport('recv')).rejects.toThrow(InvalidStateError)
    room.close()
  })
})
