/**
 * One webhook POST over node:http(s), with a hard timeout and a guarded DNS lookup: unless
 * private targets are allowed, a tenant's URL may not reach loopback, private, link-local
 * (cloud metadata) or other internal addresses, checked on the address actually connected
 * to (so a DNS answer that changes between check and connect does not get through).
 */
import dns from 'node:dns'
import http from 'node:http'
import https from 'node:https'
import net from 'node:net'

export interface PostResult {
  status: number
  /** the start of the answer, for the deliveries view */
  text: string
}

/** A target refused before sending (never retried). */
export class TargetRefusedError extends Error {
  override name = 'TargetRefusedError'
}

export class PostTimeoutError extends Error {
  override name = 'TimeoutError'
}

const internal = new net.BlockList()
for (const [address, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const)
  internal.addSubnet(address, prefix, 'ipv4')
for (const [address, prefix] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  internal.addSubnet(address, prefix, 'ipv6')

/** Loopback, private, link-local, multicast and other non-public addresses. */
export function isInternalAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1]
  if (mapped) return internal.check(mapped, 'ipv4')
  const family = net.isIP(address)
  if (family === 0) return false
  return internal.check(address, family === 4 ? 'ipv4' : 'ipv6')
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void

function guardedLookup(hostname: string, options: dns.LookupOptions, callback: LookupCallback): void {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '')
    const list = addresses as dns.LookupAddress[]
    const refused = list.find((a) => isInternalAddress(a.address))
    if (refused) return callback(new TargetRefusedError(`${hostname} resolves to the internal address ${refused.address}`), '')
    if (options.all) return callback(null, list)
    callback(null, list[0]!.address, list[0]!.family)
  })
}

/** POST `body`; resolves with the status and the start of the answer. */
export function postJson(url: string, headers: Record<string, string>, body: string, options: { timeoutMs: number; allowPrivate: boolean }): Promise<PostResult> {
  return new Promise((resolve, reject) => {
    const target = new URL(url)
    if (!options.allowPrivate && net.isIP(target.hostname.replace(/^\[|\]$/g, '')) && isInternalAddress(target.hostname.replace(/^\[|\]$/g, ''))) {
      return reject(new TargetRefusedError(`${target.hostname} is an internal address`))
    }
    const client = target.protocol === 'https:' ? https : http
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        ...(options.allowPrivate ? {} : { lookup: guardedLookup as unknown as typeof dns.lookup }),
      },
      (response) => {
        let text = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => {
          if (text.length < 300) text += chunk
        })
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: text.slice(0, 300) }))
        response.on('error', reject)
      },
    )
    const timer = setTimeout(() => request.destroy(new PostTimeoutError(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs)
    request.on('close', () => clearTimeout(timer))
    request.on('error', reject)
    request.end(body)
  })
}
