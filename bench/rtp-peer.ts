/**
 * One synthetic phone peer of the media forwarding bench: a UDP socket pair on 127.0.0.1
 * sending PCMU RTP (160-byte frames every 20 ms, the G.711 ptime) to its SFU endpoint and
 * counting the RTP the SFU forwards to it from the room's other peers.
 */
import dgram from 'node:dgram'

const PCMU_FRAME = 160
const HEADER = 12

export class RtpPeer {
  readonly ssrc = (Math.floor(Math.random() * 0xfffffff0) + 1) >>> 0
  /** RTP packets received from the SFU */
  received = 0
  sent = 0
  #seq = Math.floor(Math.random() * 0xffff)
  #timestamp = Math.floor(Math.random() * 0xffffffff)
  #target: { port: number; rtcpPort: number } | undefined

  private constructor(
    readonly rtp: dgram.Socket,
    readonly rtcp: dgram.Socket,
  ) {
    rtp.on('message', (packet) => {
      // RTCP would have payload types 200-204 (72-76 without the marker bit); it arrives on the other socket
      if (packet.length >= HEADER && packet[0]! >> 6 === 2) this.received++
    })
    rtcp.on('message', () => {})
    for (const socket of [rtp, rtcp]) socket.on('error', () => {})
  }

  static async open(): Promise<RtpPeer> {
    const bind = () =>
      new Promise<dgram.Socket>((resolve, reject) => {
        const socket = dgram.createSocket('udp4')
        socket.once('error', reject)
        socket.bind(0, '127.0.0.1', () => {
          socket.removeListener('error', reject)
          resolve(socket)
        })
      })
    return new RtpPeer(await bind(), await bind())
  }

  get address(): { ip: string; rtpPort: number; rtcpPort: number; ssrc: number } {
    return { ip: '127.0.0.1', rtpPort: this.rtp.address().port, rtcpPort: this.rtcp.address().port, ssrc: this.ssrc }
  }

  /** Where to send (the SFU's endpoint for this peer). */
  target(port: number, rtcpPort: number): void {
    this.#target = { port, rtcpPort }
  }

  /** Send one 20 ms PCMU frame (silence). */
  sendFrame(): void {
    if (!this.#target) return
    const packet = Buffer.allocUnsafe(HEADER + PCMU_FRAME)
    packet[0] = 0x80 // version 2
    packet[1] = 0 // PCMU
    packet.writeUInt16BE(this.#seq, 2)
    packet.writeUInt32BE(this.#timestamp >>> 0, 4)
    packet.writeUInt32BE(this.ssrc, 8)
    packet.fill(0xff, HEADER)
    this.#seq = (this.#seq + 1) & 0xffff
    this.#timestamp = (this.#timestamp + PCMU_FRAME) >>> 0
    this.sent++
    this.rtp.send(packet, this.#target.port, '127.0.0.1')
  }

  close(): void {
    for (const socket of [this.rtp, this.rtcp]) {
      try {
        socket.close()
      } catch {
        // already closed
      }
    }
  }
}
