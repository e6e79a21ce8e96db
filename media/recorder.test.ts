/**
 * Recording through ffmpeg: a browser's Opus audio to Ogg/Opus and a phone leg's PCMU to
 * WAV; both files are checked with ffprobe and decoded end to end.
 */
import { execFileSync } from 'node:child_process'
import dgram from 'node:dgram'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { InvalidStateError, MediaConflictError, RecorderError } from './errors.js'
import type { MediasoupGateway } from './media-gateway.js'
import type { RecordingResult } from './recorder.js'
import { BROWSER_TEST_MS, BrowserHarness, nextEvent, startGateway, waitFor } from './test-support/harness.js'

let gateway: MediasoupGateway
let harness: BrowserHarness
let dir: string

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-recordings-'))
  gateway = await startGateway()
  harness = await BrowserHarness.start((roomId) => gateway.getRoom(roomId))
})

afterAll(async () => {
  await harness?.close()
  gateway?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

function probe(file: string): { format: string; duration: number; codec: string; sampleRate: number } {
  const json = JSON.parse(
    execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=format_name,duration:stream=codec_name,sample_rate', '-of', 'json', file], { encoding: 'utf8' }),
  ) as { format: { format_name: string; duration: string }; streams: { codec_name: string; sample_rate: string }[] }
  // Decoding the whole file must work without a single error line.
  const errors = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  expect(errors).toBe('')
  return { format: json.format.format_name, duration: Number(json.format.duration), codec: json.streams[0]!.codec_name, sampleRate: Number(json.streams[0]!.sample_rate) }
}

/** Inbound packets of one participant's audio producer, from the server's stats. */
async function producerPackets(roomId: string, participantId: string): Promise<number> {
  const room = gateway.getRoom(roomId)!
  const { participants, legs } = await room.getStats()
  const p = participants.find((x) => x.participantId === participantId)
  if (p) return p.producers.filter((s) => s.source === 'audio').reduce((n, s) => n + s.packets, 0)
  return legs.find((l) => l.legId === participantId)?.in.packets ?? 0
}

describe('room recording', () => {
  it('records a browser participant to a playable Ogg/Opus file', async () => {
    const room = await gateway.createRoom('rec-1')
    const alice = await harness.open('rec-1', 'alice')
    await alice.join()
    const producers = await alice.produce({ audio: true, video: true })
    await expect(room.stopRecording()).rejects.toThrow(InvalidStateError)

    const file = path.join(dir, 'alice.ogg')
    expect(await room.startRecording({ file })).toEqual({ file, participantId: 'alice', format: 'ogg-opus' })
    expect(room.recording).toBe(true)
    await expect(room.startRecording({ file: path.join(dir, 'again.ogg') })).rejects.toThrow(MediaConflictError)
    // ~2 s of audio (20 ms packets) reach the recorder.
    const start = await producerPackets('rec-1', 'alice')
    await waitFor('100 more audio packets', async () => (await producerPackets('rec-1', 'alice')) > start + 100)
    // Muted when the recording stops: no packet flows, the file must still be complete at once.
    await room.participant('alice').pauseProducer(producers.audio!)
    const t0 = Date.now()
    const result = await room.stopRecording()
    expect(Date.now() - t0).toBeLessThan(3000)
    expect(result).toMatchObject({ file, format: 'ogg-opus', participantId: 'alice', reason: 'stopped' })
    expect(result.bytes).toBeGreaterThan(1000)
    expect(room.recording).toBe(false)

    const info = probe(file)
    expect(info.format).toBe('ogg')
    expect(info.codec).toBe('opus')
    expect(info.duration).toBeGreaterThan(1.5)
    room.close()
    await alice.close()
  }, BROWSER_TEST_MS)

  it('records a phone leg to WAV and stops by itself when the recorded producer goes', async () => {
    const room = await gateway.createRoom('rec-2', { phone: true })
    const leg = await room.addPlainAudioLeg({ legId: 'pstn' })
    const peer = dgram.createSocket('udp4')
    await new Promise<void>((resolve) => peer.bind(0, '127.0.0.1', resolve))
    let seq = 0
    const timer = setInterval(() => {
      const packet = Buffer.alloc(172, 0xff) // PCMU silence
      packet[0] = 0x80
      packet[1] = 0
      packet.writeUInt16BE(seq & 0xffff, 2)
      packet.writeUInt32BE((seq * 160) >>> 0, 4)
      packet.writeUInt32BE(0x5eed, 8)
      for (let i = 0; i < 160; i++) packet[12 + i] = i % 16 < 8 ? 0x10 : 0x90 // a square-ish tone
      seq++
      peer.send(packet, leg.localPort, '127.0.0.1')
    }, 20)
    try {
      await waitFor('the leg relaying', () => leg.getStats().in.packets > 5)
      const file = path.join(dir, 'pstn.wav')
      expect(await room.startRecording({ file, participantId: 'pstn' })).toMatchObject({ format: 'wav-pcm' })
      const start = leg.getStats().in.packets
      await waitFor('100 more leg packets', () => leg.getStats().in.packets > start + 100)
      const stopped = nextEvent<RecordingResult>(room, 'recording-stopped')
      leg.close() // the recorded producer goes away
      const result = await stopped
      expect(result).toMatchObject({ file, format: 'wav-pcm', participantId: 'pstn', reason: 'producer-closed' })
      const info = probe(file)
      expect(info.format).toBe('wav')
      expect(info.codec).toBe('pcm_s16le')
      expect(info.sampleRate).toBe(8000)
      expect(info.duration).toBeGreaterThan(1.5)
    } finally {
      clearInterval(timer)
      peer.close()
    }
    await expect(room.startRecording({ file: path.join(dir, 'none.wav') })).rejects.toThrow(InvalidStateError) // no audio left
    room.close()
  }, BROWSER_TEST_MS)

  it('fails clearly when no audio ever arrived', async () => {
    const room = await gateway.createRoom('rec-3', { phone: true })
    await room.addPlainAudioLeg({ legId: 'silent' })
    await room.startRecording({ file: path.join(dir, 'silent.wav') })
    await expect(room.stopRecording()).rejects.toThrow(RecorderError)
    room.close()
  }, BROWSER_TEST_MS)
})
