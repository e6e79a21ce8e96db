/**
 * An RTP/RTCP pair of UDP sockets on consecutive ports (RTP even, RTCP = RTP + 1), the
 * layout plain SIP peers assume when the SDP has no a=rtcp line.
 */
import dgram from 'node:dgram'
import fs from 'node:fs'
import net from 'node:net'
import { MediaUnavailableError } from './errors.js'

export interface UdpPortPair {
  rtp: dgram.Socket
  rtcp: dgram.Socket
  port: number
}

/** Bind one UDP socket (port 0: any free port). */
export function bindUdp(ip: string, port: number): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket({ type: net.isIPv6(ip) ? 'udp6' : 'udp4' })
    socket.once('error', (error) => {
      socket.close()
      reject(error)
    })
    socket.bind(port, ip, () => {
      socket.removeAllListeners('error')
      resolve(socket)
    })
  })
}

/** Bind an even/odd pair somewhere in [min, max], starting at a random even port; tries every pair once. */
export async function bindUdpPortPair(ip: string, min: number, max: number): Promise<UdpPortPair> {
  const first = min % 2 === 0 ? min : min + 1
  const pairs = Math.floor((max - first + 1) / 2)
  if (pairs < 1) throw new MediaUnavailableError(`no RTP port pair fits in ${min}-${max}`)
  const start = Math.floor(Math.random() * pairs)
  for (let i = 0; i < pairs; i++) {
    const port = first + ((start + i) % pairs) * 2
    let rtp: dgram.Socket | undefined
    try {
      rtp = await bindUdp(ip, port)
      const rtcp = await bindUdp(ip, port + 1)
      return { rtp, rtcp, port }
    } catch {
      rtp?.close()
    }
  }
  throw new MediaUnavailableError(`no free RTP port pair in ${min}-${max} on ${ip}`)
}

/** A port pair that was free a moment ago on `ip` (for a child process to bind; may race). */
export async function findFreeUdpPortPair(ip: string): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const rtp = await bindUdp(ip, 0)
    const port = rtp.address().port
    try {
      const rtcp = await bindUdp(ip, port + 1)
      rtcp.close()
      return port
    } catch {
      // RTCP neighbour taken: try another
    } finally {
      rtp.close()
    }
  }
  throw new MediaUnavailableError(`no free UDP port pair on ${ip}`)
}

/** Whether some process has a UDP socket bound to `port` (Linux /proc; undefined where unknown). */
export function udpPortBound(port: number): boolean | undefined {
  const hex = port.toString(16).toUpperCase().padStart(4, '0')
  let known = false
  for (const table of ['/proc/net/udp', '/proc/net/udp6']) {
    let text: string
    try {
      text = fs.readFileSync(table, 'utf8')
    } catch {
      continue
    }
    known = true
    for (const line of text.split('\n').slice(1)) {
      const local = line.trim().split(/\s+/)[1]
      if (local && local.slice(local.lastIndexOf(':') + 1) === hex) return true
    }
  }
  return known ? false : undefined
}
