/**
 * Server side of SIP digest authentication (RFC 3261 22.4, RFC 2617 with qop=auth), for
 * requests we accept from agents' phones or presence servers (PUBLISH). sip.js only does the
 * client side.
 *
 * Nonces are stateless: a timestamp and an HMAC over it with a per-process secret, so any
 * number of challenges costs no memory and a forged or expired nonce is detected. Replays
 * within a nonce's lifetime are refused by tracking the highest nonce-count seen (bounded).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

export interface DigestCredentials {
  username: string
  /** plain password, or */
  password?: string
  /** MD5(username:realm:password), for stores that keep no plain passwords */
  ha1?: string
}

export type DigestResult = 'ok' | 'stale' | 'invalid'

const md5 = (text: string): string => createHash('md5').update(text).digest('hex')
const MAX_TRACKED_NONCES = 10_000

/** Parse `Digest a="b", c=d` into lower-cased keys; undefined when it is not Digest. */
export function parseDigestHeader(header: string): Map<string, string> | undefined {
  const match = /^\s*Digest\s+(.*)$/is.exec(header)
  if (!match) return undefined
  const params = new Map<string, string>()
  const re = /\s*([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))\s*(?:,|$)/gy
  const rest = match[1]!
  let last = 0
  for (let m = re.exec(rest); m; m = re.exec(rest)) {
    params.set(m[1]!.toLowerCase(), m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!)
    last = re.lastIndex
    if (last >= rest.length) break
  }
  if (last < rest.trimEnd().length) return undefined
  return params
}

export class DigestVerifier {
  private readonly secret: Buffer
  /** nonce → highest nc accepted */
  private readonly counts = new Map<string, number>()

  constructor(
    readonly realm: string,
    private readonly nonceTtlMs = 5 * 60 * 1000,
    secret?: Buffer,
  ) {
    this.secret = secret ?? randomBytes(32)
  }

  private sign(timestamp: string): string {
    return createHmac('sha256', this.secret).update(`${timestamp}:${this.realm}`).digest('base64url').slice(0, 22)
  }

  /** Value for WWW-Authenticate (401) or Proxy-Authenticate (407). */
  challenge(stale = false): string {
    const timestamp = Date.now().toString(16)
    const nonce = `${timestamp}.${this.sign(timestamp)}`
    return `Digest realm="${this.realm}", nonce="${nonce}", algorithm=MD5, qop="auth"${stale ? ', stale=true' : ''}`
  }

  private checkNonce(nonce: string): DigestResult {
    const [timestamp, signature, extra] = nonce.split('.')
    if (!timestamp || !signature || extra !== undefined || !/^[0-9a-f]{1,13}$/.test(timestamp)) return 'invalid'
    const expected = Buffer.from(this.sign(timestamp))
    const given = Buffer.from(signature)
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid'
    const age = Date.now() - parseInt(timestamp, 16)
    return age < 0 || age > this.nonceTtlMs ? 'stale' : 'ok'
  }

  /** Check an Authorization header for `method` against the credentials the server holds. */
  verify(method: string, authorization: string, credentials: DigestCredentials): DigestResult {
    const params = parseDigestHeader(authorization)
    if (!params) return 'invalid'
    const username = params.get('username')
    const realm = params.get('realm')
    const nonce = params.get('nonce')
    const uri = params.get('uri')
    const response = params.get('response')?.toLowerCase()
    const algorithm = params.get('algorithm')
    if (!username || !nonce || !uri || !response || realm !== this.realm || username !== credentials.username) return 'invalid'
    if (algorithm !== undefined && algorithm.toUpperCase() !== 'MD5') return 'invalid'
    const nonceState = this.checkNonce(nonce)
    if (nonceState === 'invalid') return 'invalid'
    const ha1 = credentials.ha1?.toLowerCase() ?? (credentials.password === undefined ? undefined : md5(`${username}:${this.realm}:${credentials.password}`))
    if (!ha1) return 'invalid'
    const ha2 = md5(`${method}:${uri}`)
    const qop = params.get('qop')
    let expected: string
    let nc: number | undefined
    if (qop === undefined) {
      expected = md5(`${ha1}:${nonce}:${ha2}`)
    } else {
      const cnonce = params.get('cnonce')
      const ncHex = params.get('nc')
      if (qop.toLowerCase() !== 'auth' || !cnonce || !ncHex || !/^[0-9a-f]{8}$/i.test(ncHex)) return 'invalid'
      nc = parseInt(ncHex, 16)
      expected = md5(`${ha1}:${nonce}:${ncHex}:${cnonce}:${qop}:${ha2}`)
    }
    if (response.length !== expected.length || !timingSafeEqual(Buffer.from(response), Buffer.from(expected))) return 'invalid'
    // a correct answer to an old nonce: ask again with stale=true (no password prompt on the phone)
    if (nonceState === 'stale') return 'stale'
    if (nc !== undefined) {
      const seen = this.counts.get(nonce) ?? 0
      if (nc <= seen) return 'invalid'
      this.counts.delete(nonce)
      this.counts.set(nonce, nc)
      if (this.counts.size > MAX_TRACKED_NONCES) this.counts.delete(this.counts.keys().next().value!)
    }
    return 'ok'
  }
}
