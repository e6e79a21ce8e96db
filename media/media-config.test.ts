/** Media options: defaults, strict validation, the port layout. */
import os from 'node:os'
import { describe, expect, it } from 'vitest'
import { MediaConfigError, WorkerBinaryMissingError } from './errors.js'
import { parseMediaConfig, rtpRangeStart, webRtcServerPort } from './media-config.js'
import { MediaRoom } from './media-room.js'
import { assertWorkerBinary, workerBinaryExists } from './worker-binary.js'

describe('parseMediaConfig', () => {
  it('fills in defaults: one worker per core on 127.0.0.1, Opus/VP8/H264', () => {
    const config = parseMediaConfig()
    expect(config.numWorkers).toBe(os.availableParallelism())
    expect(config).toMatchObject({ listenIp: '127.0.0.1', rtcMinPort: 40000, rtcMaxPort: 49999, logLevel: 'warn', codecs: ['opus', 'VP8', 'H264'] })
    expect(config.mediaTimeoutMs).toBeGreaterThanOrEqual(3000)
    expect(config.mediaTimeoutMs).toBeLessThanOrEqual(5000)
  })

  it('gives worker i the WebRtcServer port rtcMinPort + i and keeps the rest for RTP', () => {
    const config = parseMediaConfig({ numWorkers: 4, rtcMinPort: 41000, rtcMaxPort: 41100 })
    expect([0, 1, 2, 3].map((i) => webRtcServerPort(config, i))).toEqual([41000, 41001, 41002, 41003])
    expect(rtpRangeStart(config)).toBe(41004)
  })

  it('names every bad field', () => {
    expect(() => parseMediaConfig({ numWorkers: 0 })).toThrow(MediaConfigError)
    expect(() => parseMediaConfig({ listenIp: 'localhost' })).toThrow(/listenIp/)
    expect(() => parseMediaConfig({ listenIp: '0.0.0.0' })).toThrow(/announcedIp/)
    expect(parseMediaConfig({ listenIp: '0.0.0.0', announcedIp: '203.0.113.7' }).announcedIp).toBe('203.0.113.7')
    expect(() => parseMediaConfig({ numWorkers: 4, rtcMinPort: 40000, rtcMaxPort: 40004 })).toThrow(/rtcMaxPort/)
    expect(() => parseMediaConfig({ codecs: ['VP8'] })).toThrow(/audio codec/)
    expect(() => parseMediaConfig({ bogus: 1 } as never)).toThrow(MediaConfigError)
  })

  it('adds PCMU (payload type 0) to the codecs of phone rooms only', () => {
    const config = parseMediaConfig()
    expect(MediaRoom.codecsFor(config, {}).map((c) => c.mimeType)).toEqual(['audio/opus', 'video/VP8', 'video/H264'])
    const phone = MediaRoom.codecsFor(config, { phone: true })
    expect(phone.find((c) => c.mimeType === 'audio/PCMU')).toMatchObject({ clockRate: 8000, preferredPayloadType: 0 })
  })
})

describe('worker binary', () => {
  it('is installed at mediasoup\'s path, and a missing one says how to build it', () => {
    expect(workerBinaryExists()).toBe(true)
    expect(() => assertWorkerBinary('/nonexistent/mediasoup-worker')).toThrow(WorkerBinaryMissingError)
    expect(() => assertWorkerBinary('/nonexistent/mediasoup-worker')).toThrow('run bash media/build-worker.sh')
  })
})
