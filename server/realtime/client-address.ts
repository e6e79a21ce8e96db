/**
 * The client's address for a socket handshake, by the same rule as the express app's
 * `trust proxy: loopback`: X-Forwarded-For counts only when it was added by a proxy on this
 * host, so a client cannot pick its own address (and its own rate-limit bucket).
 */
import { isIP } from 'node:net'

const strip = (address: string) => address.trim().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '')

const isLoopback = (address: string) => address === '::1' || (isIP(address) === 4 && address.startsWith('127.'))

/** `remote`: the TCP peer; `forwardedFor`: the X-Forwarded-For header, if any. */
export function clientAddress(remote: string | undefined, forwardedFor: string | string[] | undefined): string {
  let address = strip(remote ?? '') || 'unknown'
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? '')
  const hops = header.split(',').map(strip).filter(Boolean).reverse()
  // walk from the nearest hop outwards while the hop we came from is a trusted (local) proxy
  for (const hop of hops) {
    if (!isLoopback(address)) break
    address = hop
  }
  return address
}
