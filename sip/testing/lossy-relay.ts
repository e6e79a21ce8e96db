/**
 * A UDP relay between the bridge and a sipp trunk that loses the first INVITE datagram, to
 * prove our Timer A retransmission on a real lossy path.
 *
 * Why not a sipp scenario that ignores the first INVITE: sipp detects retransmissions itself
 * (a datagram identical to the last one received is answered with its last response, or
 * swallowed), so a correct retransmission never reaches the scenario's second <recv>.
 */
import dgram from 'node:dgram'
import type { Peer } from '../raw-message.js'

export class LossyRelay {
  /** INVITE datagrams dropped so far */
  dropped = 0
  forwarded = 0
  private client: Peer | undefined

  private constructor(
    private readonly front: dgram.Socket,
    private readonly back: dgram.Socket,
    private readonly target: Peer,
    private readonly dropInvites: number,
  ) {
    front.on('message', (message, rinfo) => {
      this.client = { host: rinfo.address, port: rinfo.port }
      if (message.subarray(0, 7).toString('latin1') === 'INVITE ' && this.dropped < this.dropInvites) {
        this.dropped++
        return
      }
      this.forwarded++
      back.send(message, target.port, target.host)
    })
    back.on('message', (message) => {
      if (this.client) front.send(message, this.client.port, this.client.host)
    })
  }

  /** Listen on an ephemeral port; forward to `target`, dropping the first `dropInvites` INVITEs. */
  static async start(target: Peer, dropInvites = 1): Promise<LossyRelay> {
    const bind = (): Promise<dgram.Socket> =>
      new Promise((resolve) => {
        const socket = dgram.createSocket('udp4')
        socket.bind(0, '127.0.0.1', () => resolve(socket))
      })
    return new LossyRelay(await bind(), await bind(), target, dropInvites)
  }

  get port(): number {
    return this.front.address().port
  }

  close(): void {
    this.front.close()
    this.back.close()
  }
}
