/**
 * The client's address for a socket handshake, by the same rule as the express app's
 * `trust proxy` (TRUST_PROXY): X-Forwarded-For counts only for hops added by a trusted proxy,
 * so a client cannot pick its own address (and its own rate-limit bucket).
 */
import { BlockList, isIP } from 'node:net'

/** express's (proxy-addr's) names for address ranges */
const NAMED: Record<string, string[]> = {
  loopback: ['127.0.0.1/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
}

const strip = (address: string) => address.trim().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '')

export class ProxyTrustError extends Error {
  override name = 'ProxyTrustError'
}

/** A predicate over addresses from a TRUST_PROXY list: names above, addresses and CIDR ranges, comma-separated. */
export function proxyTrust(spec: string): (address: string) => boolean {
  const list = new BlockList()
  for (const item of spec.split(',').map((part) => part.trim()).filter(Boolean)) {
    for (const range of NAMED[item] ?? [item]) {
      const [network, bits] = range.split('/')
      const family = isIP(network ?? '')
      if (!family) throw new ProxyTrustError(`"${item}" is not loopback, linklocal, uniquelocal, an IP address or a CIDR range`)
      const type = family === 4 ? 'ipv4' : 'ipv6'
      if (bits === undefined) list.addAddress(network!, type)
      else list.addSubnet(network!, Number(bits), type)
    }
  }
  return (address) => {
    const family = isIP(address)
    return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6')
  }
}

const loopbackOnly = proxyTrust('loopback')

/** `remote`: the TCP peer; `forwardedFor`: the X-Forwarded-For header, if any. */
export function clientAddress(remote: string | undefined, forwardedFor: string | string[] | undefined, trusted: (address: string) => boolean = loopbackOnly): string {
  let address = strip(remote ?? '') || 'unknown'
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? '')
  const hops = header.split(',').map(strip).filter(Boolean).reverse()
  // walk from the nearest hop outwards while the hop we came from is a trusted proxy
  for (const hop of hops) {
    if (!trusted(address)) break
    address = hop
  }
  return address
}
