/** RTP header fields and RFC 4733 telephone events, on hand-made packets. */
import { describe, expect, it } from 'vitest'
import { dtmfDigit, isRtp, parseTelephoneEvent, payloadType, setSsrc, ssrcOf } from './rtp-packet.js'

function packet(options: { pt: number; ssrc: number; csrcs?: number; extensionWords?: number; payload: number[] }): Buffer {
  const csrcs = options.csrcs ?? 0
  const ext = options.extensionWords
  const header = 12 + csrcs * 4 + (ext === undefined ? 0 : 4 + ext * 4)
  const buf = Buffer.alloc(header + options.payload.length)
  buf[0] = 0x80 | (ext === undefined ? 0 : 0x10) | csrcs
  buf[1] = options.pt
  buf.writeUInt32BE(1234, 4)
  buf.writeUInt32BE(options.ssrc, 8)
  if (ext !== undefined) buf.writeUInt16BE(ext, 12 + csrcs * 4 + 2)
  Buffer.from(options.payload).copy(buf, header)
  return buf
}

describe('rtp-packet', () => {
  it('reads and rewrites the SSRC', () => {
    const p = packet({ pt: 0, ssrc: 0xdeadbeef, payload: [1, 2, 3] })
    expect(isRtp(p)).toBe(true)
    expect(payloadType(p)).toBe(0)
    expect(ssrcOf(p)).toBe(0xdeadbeef)
    setSsrc(p, 42)
    expect(ssrcOf(p)).toBe(42)
  })

  it('rejects what is not RTP', () => {
    expect(isRtp(Buffer.alloc(8))).toBe(false)
    expect(isRtp(Buffer.from([0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))).toBe(false) // version 1
    const truncated = packet({ pt: 0, ssrc: 1, extensionWords: 4, payload: [] }).subarray(0, 18)
    expect(isRtp(truncated)).toBe(false)
  })

  it('parses telephone events after CSRCs and a header extension', () => {
    const p = packet({ pt: 101, ssrc: 7, csrcs: 2, extensionWords: 1, payload: [11, 0x80 | 10, 0x03, 0x20] })
    expect(parseTelephoneEvent(p)).toEqual({ event: 11, end: true, duration: 800, timestamp: 1234 })
    expect(dtmfDigit(11)).toBe('#')
    expect(dtmfDigit(5)).toBe('5')
    expect(dtmfDigit(16)).toBeUndefined()
    expect(parseTelephoneEvent(packet({ pt: 101, ssrc: 7, payload: [1] }))).toBeUndefined()
  })
})
