/**
 * DTMF as RTP telephone-events (RFC 4733): what trunks expect for digits typed during a call
 * (IVR menus, PINs), and what they send us when the caller presses keys.
 *
 * Sending: each digit is a run of packets 20 ms apart sharing one RTP timestamp, the first
 * with the marker bit, the duration field growing by 160 samples (8 kHz) each time, then three
 * copies of the final packet with the End bit (redundancy against loss, RFC 4733 2.5.1.4).
 * Receiving: a digit is reported once, when its first End packet arrives; if every End packet
 * is lost, when the next event starts or after a quiet period.
 */
import { randomInt } from 'node:crypto'

export const DTMF_DIGITS = '0123456789*#ABCD'

export interface RtpHeader {
  payloadType: number
  marker: boolean
  sequence: number
  timestamp: number
  ssrc: number
  payload: Buffer
}

/** Parse an RTP packet (RFC 3550 5.1); undefined for anything that is not RTP v2. */
export function parseRtp(packet: Buffer): RtpHeader | undefined {
  if (packet.length < 12 || packet[0]! >> 6 !== 2) return undefined
  const csrcCount = packet[0]! & 0x0f
  let offset = 12 + csrcCount * 4
  if (packet[0]! & 0x10) {
    if (packet.length < offset + 4) return undefined
    offset += 4 + packet.readUInt16BE(offset + 2) * 4
  }
  let end = packet.length
  if (packet[0]! & 0x20) end -= packet[packet.length - 1]!
  if (offset > end) return undefined
  return {
    payloadType: packet[1]! & 0x7f,
    marker: (packet[1]! & 0x80) !== 0,
    sequence: packet.readUInt16BE(2),
    timestamp: packet.readUInt32BE(4),
    ssrc: packet.readUInt32BE(8),
    payload: packet.subarray(offset, end),
  }
}

export interface TelephoneEvent {
  event: number
  end: boolean
  volume: number
  duration: number
}

export function parseTelephoneEvent(payload: Buffer): TelephoneEvent | undefined {
  if (payload.length < 4) return undefined
  return { event: payload[0]!, end: (payload[1]! & 0x80) !== 0, volume: payload[1]! & 0x3f, duration: payload.readUInt16BE(2) }
}

export function digitOf(event: number): string | undefined {
  return event < DTMF_DIGITS.length ? DTMF_DIGITS[event] : undefined
}

/** Turns incoming RTP into digits, each reported once. */
export class DtmfReceiver {
  private current: { key: string; digit: string | undefined; reported: boolean } | undefined
  private quietTimer: NodeJS.Timeout | undefined
  private closed = false

  constructor(
    private readonly onDigit: (digit: string) => void,
    /** an event whose End packets were all lost is reported after this much silence */
    private readonly quietMs = 400,
  ) {}

  /** Feed one RTP packet; `payloadTypes` are the telephone-event PTs in use. */
  push(packet: Buffer, payloadTypes: ReadonlySet<number>): void {
    if (this.closed) return
    const rtp = parseRtp(packet)
    if (!rtp || !payloadTypes.has(rtp.payloadType)) return
    const event = parseTelephoneEvent(rtp.payload)
    if (!event) return
    const key = `${rtp.ssrc}:${rtp.timestamp}`
    if (this.current?.key !== key) {
      this.flush()
      this.current = { key, digit: digitOf(event.event), reported: false }
    }
    if (event.end) this.flush()
    else this.armQuietTimer()
  }

  private armQuietTimer(): void {
    if (this.quietTimer) clearTimeout(this.quietTimer)
    this.quietTimer = setTimeout(() => this.flush(), this.quietMs)
    this.quietTimer.unref()
  }

  private flush(): void {
    if (this.quietTimer) clearTimeout(this.quietTimer)
    this.quietTimer = undefined
    const current = this.current
    if (!current || current.reported) return
    current.reported = true
    if (current.digit !== undefined) this.onDigit(current.digit)
  }

  close(): void {
    this.closed = true
    if (this.quietTimer) clearTimeout(this.quietTimer)
  }
}

export interface DtmfSendOptions {
  payloadType: number
  ssrc?: number
  /** tone length per digit (RFC 4733 suggests at least 40 ms; 100 ms is what phones send) */
  toneMs?: number
  /** pause between digits */
  gapMs?: number
  /** dBm0 below 0, 0..63 */
  volume?: number
}

export interface ScheduledPacket {
  atMs: number
  packet: Buffer
}

/** The packets for a string of digits, with their send times relative to the start. */
export function dtmfPackets(digits: string, options: DtmfSendOptions, start: { sequence: number; timestamp: number }): ScheduledPacket[] {
  const toneMs = Math.max(40, Math.min(options.toneMs ?? 100, 2000))
  const gapMs = Math.max(20, options.gapMs ?? 60)
  const ssrc = options.ssrc ?? 0
  const volume = options.volume ?? 10
  const out: ScheduledPacket[] = []
  let sequence = start.sequence
  let at = 0
  let timestamp = start.timestamp
  for (const char of digits.toUpperCase()) {
    const event = DTMF_DIGITS.indexOf(char)
    if (event < 0) continue
    const steps = Math.ceil(toneMs / 20)
    const packet = (step: number, end: boolean, marker: boolean): Buffer => {
      const buffer = Buffer.alloc(16)
      buffer[0] = 0x80
      buffer[1] = (marker ? 0x80 : 0) | (options.payloadType & 0x7f)
      buffer.writeUInt16BE(sequence++ & 0xffff, 2)
      buffer.writeUInt32BE(timestamp >>> 0, 4)
      buffer.writeUInt32BE(ssrc >>> 0, 8)
      buffer[12] = event
      buffer[13] = (end ? 0x80 : 0) | (volume & 0x3f)
      buffer.writeUInt16BE(Math.min(step * 160, 0xffff), 14)
      return buffer
    }
    for (let step = 1; step <= steps; step++) out.push({ atMs: at + (step - 1) * 20, packet: packet(step, false, step === 1) })
    const endAt = at + steps * 20
    for (let copy = 0; copy < 3; copy++) out.push({ atMs: endAt, packet: packet(steps, true, false) })
    at = endAt + gapMs
    timestamp = (timestamp + (steps * 20 + gapMs) * 8) >>> 0
  }
  return out
}

/** Sends digit strings through a packet sink, one string at a time. */
export class DtmfSender {
  private readonly ssrc = randomInt(0, 2 ** 32)
  private sequence = randomInt(0, 2 ** 16)
  private timestamp = randomInt(0, 2 ** 32)
  private readonly timers = new Set<NodeJS.Timeout>()
  /** resolvers of sends in flight, released by close() */
  private readonly inFlight = new Set<() => void>()
  private queue: Promise<void> = Promise.resolve()
  private closed = false

  constructor(private readonly sink: (packet: Buffer) => void) {}

  /** Resolves when the last End packet is out. */
  send(digits: string, options: DtmfSendOptions): Promise<void> {
    const run = (): Promise<void> => {
      if (this.closed) return Promise.resolve()
      const schedule = dtmfPackets(digits, { ...options, ssrc: this.ssrc }, { sequence: this.sequence, timestamp: this.timestamp })
      this.sequence = (this.sequence + schedule.length) & 0xffff
      const lastAt = schedule.at(-1)?.atMs ?? 0
      this.timestamp = (this.timestamp + (lastAt + 100) * 8) >>> 0
      return new Promise<void>((resolve) => {
        if (schedule.length === 0) return resolve()
        const done = (): void => {
          this.inFlight.delete(done)
          resolve()
        }
        this.inFlight.add(done)
        for (const [i, item] of schedule.entries()) {
          const timer = setTimeout(() => {
            this.timers.delete(timer)
            this.sink(item.packet)
            if (i === schedule.length - 1) done()
          }, item.atMs)
          this.timers.add(timer)
        }
      })
    }
    this.queue = this.queue.then(run, run)
    return this.queue
  }

  close(): void {
    this.closed = true
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
    for (const done of [...this.inFlight]) done()
  }
}
