import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { DigestVerifier, parseDigestHeader } from './digest-verifier.js'

const md5 = (text: string) => createHash('md5').update(text).digest('hex')

function answer(challenge: string, options: { username: string; password: string; method: string; uri: string; nc?: string; qop?: boolean }): string {
  const params = parseDigestHeader(challenge)!
  const realm = params.get('realm')!
  const nonce = params.get('nonce')!
  const ha1 = md5(`${options.username}:${realm}:${options.password}`)
  const ha2 = md5(`${options.method}:${options.uri}`)
  if (options.qop === false) return `Digest username="${options.username}", realm="${realm}", nonce="${nonce}", uri="${options.uri}", response="${md5(`${ha1}:${nonce}:${ha2}`)}"`
  const nc = options.nc ?? '00000001'
  const response = md5(`${ha1}:${nonce}:${nc}:abc:auth:${ha2}`)
  return `Digest username="${options.username}", realm="${realm}", nonce="${nonce}", uri="${options.uri}", response="${response}", qop=auth, nc=${nc}, cnonce="abc", algorithm=MD5`
}

describe('digest verification (server side)', () => {
  const credentials = { username: 'agent7', password: 'secret7' }
  const base = { ...credentials, method: 'PUBLISH', uri: 'sip:agent7@example.com' }

  it('accepts a correct qop=auth answer once per nonce count, and RFC 2069 answers', () => {
    const verifier = new DigestVerifier('parley')
    const challenge = verifier.challenge()
    expect(challenge).toMatch(/^Digest realm="parley", nonce="[^"]+", algorithm=MD5, qop="auth"$/)
    expect(verifier.verify('PUBLISH', answer(challenge, base), credentials)).toBe('ok')
    expect(verifier.verify('PUBLISH', answer(challenge, base), credentials)).toBe('invalid') // replay
    expect(verifier.verify('PUBLISH', answer(challenge, { ...base, nc: '00000002' }), credentials)).toBe('ok')
    expect(verifier.verify('PUBLISH', answer(challenge, { ...base, qop: false }), credentials)).toBe('ok')
    const ha1 = md5('agent7:parley:secret7')
    expect(verifier.verify('PUBLISH', answer(challenge, { ...base, nc: '00000003' }), { username: 'agent7', ha1 })).toBe('ok')
  })

  it('refuses wrong passwords, users, methods, realms and forged nonces', () => {
    const verifier = new DigestVerifier('parley')
    const challenge = verifier.challenge()
    expect(verifier.verify('PUBLISH', answer(challenge, { ...base, password: 'nope' }), credentials)).toBe('invalid')
    expect(verifier.verify('PUBLISH', answer(challenge, { ...base, username: 'agent8' }), credentials)).toBe('invalid')
    expect(verifier.verify('INVITE', answer(challenge, base), credentials)).toBe('invalid')
    expect(verifier.verify('PUBLISH', answer(new DigestVerifier('parley').challenge(), base), credentials)).toBe('invalid')
    expect(verifier.verify('PUBLISH', answer(challenge.replace('parley', 'other'), base), credentials)).toBe('invalid')
    expect(verifier.verify('PUBLISH', 'Basic YWdlbnQ3OnNlY3JldDc=', credentials)).toBe('invalid')
    expect(verifier.verify('PUBLISH', 'Digest garbage', credentials)).toBe('invalid')
  })

  it('asks again with stale=true for a correct answer to an expired nonce', async () => {
    const verifier = new DigestVerifier('parley', 1)
    const challenge = verifier.challenge()
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect(verifier.verify('PUBLISH', answer(challenge, base), credentials)).toBe('stale')
    expect(verifier.challenge(true)).toMatch(/stale=true/)
  })

  it('parses quoted values with escapes and commas', () => {
    expect(parseDigestHeader('Digest username="a\\"b", uri="sip:x;a=b,c", nc=00000001')).toEqual(
      new Map([
        ['username', 'a"b'],
        ['uri', 'sip:x;a=b,c'],
        ['nc', '00000001'],
      ]),
    )
  })
})
