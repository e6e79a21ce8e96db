import { describe, expect, it } from 'vitest'
import { DtmfReceiver, DtmfSender, dtmfPackets, parseRtp, parseTelephoneEvent } from './rfc4733.js'
import { waitFor } from './testing/wait.js'

describe('RFC 4733 telephone-events', () => {
  it('encodes a digit as a marked start, growing durations, and three End packets', () => {
    const packets = dtmfPackets('5', { payloadType: 101, ssrc: 7, toneMs: 100 }, { sequence: 65534, timestamp: 1000 })
    const parsed = packets.map((item) => ({ at: item.atMs, rtp: parseRtp(item.packet)!, event: parseTelephoneEvent(parseRtp(item.packet)!.payload)! }))
    expect(parsed).toHaveLength(5 + 3)
    expect(parsed[0]!.rtp).toMatchObject({ payloadType: 101, marker: true, ssrc: 7, timestamp: 1000, sequence: 65534 })
    expect(parsed[1]!.rtp.sequence).toBe(65535)
    expect(parsed[2]!.rtp.sequence).toBe(0) // wraps
    expect(parsed.map((p) => p.event.duration)).toEqual([160, 320, 480, 640, 800, 800, 800, 800])
    expect(parsed.map((p) => p.event.end)).toEqual([false, false, false, false, false, true, true, true])
    expect(parsed.every((p) => p.event.event === 5 && p.rtp.timestamp === 1000)).toBe(true)
    expect(parsed.map((p) => p.at)).toEqual([0, 20, 40, 60, 80, 100, 100, 100])
  })

  it('gives each digit its own timestamp and maps * # A-D', () => {
    const packets = dtmfPackets('*#a', { payloadType: 96 }, { sequence: 0, timestamp: 0 })
    const events = packets.map((item) => parseTelephoneEvent(parseRtp(item.packet)!.payload)!.event)
    expect(new Set(events)).toEqual(new Set([10, 11, 12]))
    expect(new Set(packets.map((item) => parseRtp(item.packet)!.timestamp)).size).toBe(3)
  })

  it('reports each digit once, even with redundant End packets, and ignores other payload types', () => {
    const digits: string[] = []
    const receiver = new DtmfReceiver((digit) => digits.push(digit))
    for (const item of dtmfPackets('19', { payloadType: 101 }, { sequence: 1, timestamp: 5 })) {
      receiver.push(item.packet, new Set([101]))
      receiver.push(item.packet, new Set([101])) // duplicated on the wire
    }
    for (const item of dtmfPackets('3', { payloadType: 100 }, { sequence: 1, timestamp: 99_999 })) receiver.push(item.packet, new Set([101]))
    receiver.push(Buffer.from('not rtp'), new Set([101]))
    expect(digits).toEqual(['1', '9'])
    receiver.close()
  })

  it('still reports a digit whose End packets were all lost', async () => {
    const digits: string[] = []
    const receiver = new DtmfReceiver((digit) => digits.push(digit), 50)
    for (const item of dtmfPackets('7', { payloadType: 101 }, { sequence: 1, timestamp: 5 }).filter((item) => !parseTelephoneEvent(parseRtp(item.packet)!.payload)!.end)) receiver.push(item.packet, new Set([101]))
    await waitFor(() => digits.length === 1, 'the quiet timeout')
    expect(digits).toEqual(['7'])
    receiver.close()
  })

  it('parses RTP with CSRCs, a header extension and padding', () => {
    const packet = Buffer.alloc(12 + 4 + 8 + 4 + 3)
    packet[0] = 0x80 | 0x20 | 0x10 | 1 // padding, extension, 1 CSRC
    packet[1] = 101
    packet.writeUInt16BE(1, 12 + 4 + 2) // extension length 1 word
    Buffer.from([4, 0x8a, 0, 160]).copy(packet, 12 + 4 + 8)
    packet[packet.length - 1] = 3
    const rtp = parseRtp(packet)!
    expect(parseTelephoneEvent(rtp.payload)).toEqual({ event: 4, end: true, volume: 10, duration: 160 })
  })

  it('sends in order through the sink and stops cleanly on close', async () => {
    const sent: Buffer[] = []
    const sender = new DtmfSender((packet) => sent.push(packet))
    await sender.send('12', { payloadType: 101, toneMs: 40, gapMs: 20 })
    expect(sent.length).toBe(2 * (2 + 3))
    const pending = sender.send('3456', { payloadType: 101 })
    sender.close()
    await pending // resolves although the rest is cancelled
  })
})
