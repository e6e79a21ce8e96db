/**
 * What a caller hears while their call waits in the queue: a ringback cadence (440 + 480 Hz,
 * 2 s on, 4 s off, as North American ringback) in PCMU, 20 ms frames, injected into the
 * caller's phone leg (PlainAudioLeg.sendToPeer) until an agent takes the call.
 */
import { linearToPcmu } from '../../sip/rtp-socket.js'

const RATE = 8000
const FRAME = 160
const CYCLE_SEC = 6
const ON_SEC = 2

/** One cadence cycle, encoded once per process. */
const CYCLE = Buffer.from(
  Array.from({ length: RATE * CYCLE_SEC }, (_, i) => {
    if (i >= RATE * ON_SEC) return linearToPcmu(0)
    const t = i / RATE
    return linearToPcmu(3500 * (Math.sin(2 * Math.PI * 440 * t) + Math.sin(2 * Math.PI * 480 * t)))
  }),
)

export interface RtpSink {
  sendToPeer(packet: Buffer): void
  readonly closed: boolean
}

export class HoldTone {
  private readonly timer: NodeJS.Timeout
  private offset = 0
  private sequence = 0
  private timestamp = 0
  private stopped = false

  constructor(private readonly sink: RtpSink) {
    this.timer = setInterval(() => this.frame(), 20)
    this.timer.unref()
  }

  private frame(): void {
    if (this.sink.closed) return this.stop()
    const packet = Buffer.alloc(12 + FRAME)
    packet[0] = 0x80
    packet[1] = 0 // PCMU
    packet.writeUInt16BE(this.sequence, 2)
    packet.writeUInt32BE(this.timestamp >>> 0, 4)
    CYCLE.copy(packet, 12, this.offset, this.offset + FRAME)
    this.offset = (this.offset + FRAME) % CYCLE.length
    this.sequence = (this.sequence + 1) & 0xffff
    this.timestamp = (this.timestamp + FRAME) >>> 0
    this.sink.sendToPeer(packet)
  }

  /** Stop playing. Idempotent. */
  stop(): void {
    if (this.stopped) return
    this.stopped = true
    clearInterval(this.timer)
  }
}
