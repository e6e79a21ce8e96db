import { describe, expect, it } from 'vitest'
import { buildRawResponse, cseqMethod, formatVia, hasToTag, headerValues, parseRequestLine, parseVia, replaceTopVia, splitList, splitMessage, topVia, uriPeer } from './raw-message.js'

const raw = [
  'INVITE sip:+15551230000@trunk.example.com SIP/2.0',
  'v: SIP/2.0/UDP [2001:db8::1]:5070;branch=z9hG4bK1;rport, SIP/2.0/TCP proxy:5060;branch=z9hG4bK0',
  'Via: SIP/2.0/UDP other;branch=z9hG4bKz',
  'f: "A, B" <sip:a@b>;tag=9',
  't: <sip:c@d>',
  'i: abc',
  'CSeq: 7 INVITE',
  'Subject: folded',
  '  continuation',
  '',
  'body',
].join('\r\n')

describe('raw SIP text for the transport layer', () => {
  it('splits, unfolds and reads compact headers', () => {
    const message = splitMessage(raw)!
    expect(message.body).toBe('body')
    expect(headerValues(message, 'subject')).toEqual(['folded continuation'])
    expect(headerValues(message, 'call-id')).toEqual(['abc'])
    expect(cseqMethod(message)).toBe('INVITE')
    expect(hasToTag(message)).toBe(false)
    expect(parseRequestLine(message.lines[0]!)).toEqual({ method: 'INVITE', uri: 'sip:+15551230000@trunk.example.com' })
    expect(splitList('"A, B" <sip:a@b,c>, <sip:d>')).toEqual(['"A, B" <sip:a@b,c>', '<sip:d>'])
  })

  it('parses and rewrites the top Via only', () => {
    const message = splitMessage(raw)!
    const via = topVia(message)!
    expect(via).toMatchObject({ protocol: 'UDP', host: '2001:db8::1', port: 5070 })
    expect(via.params.get('rport')).toBe(true)
    via.params.set('received', '192.0.2.1')
    replaceTopVia(message, formatVia(via))
    expect(headerValues(message, 'via')[0]).toBe('SIP/2.0/UDP [2001:db8::1]:5070;branch=z9hG4bK1;rport;received=192.0.2.1, SIP/2.0/TCP proxy:5060;branch=z9hG4bK0')
    expect(parseVia('SIP/2.0/UDP host:99999;branch=x')).toBeUndefined()
    expect(parseVia('garbage')).toBeUndefined()
  })

  it('finds where URIs point', () => {
    expect(uriPeer('sip:+1555@10.0.0.1:5080;user=phone', 5060)).toEqual({ host: '10.0.0.1', port: 5080 })
    expect(uriPeer('"X" <sips:trunk.example.com;transport=tls>', 5061)).toEqual({ host: 'trunk.example.com', port: 5061 })
    expect(uriPeer('tel:+1555', 5060)).toBeUndefined()
  })

  it('builds a stateless 400 from whatever headers are there', () => {
    const response = buildRawResponse(splitMessage(raw)!, 400, 'Bad Request')
    expect(response).toMatch(/^SIP\/2\.0 400 Bad Request\r\n/)
    expect(response).toContain('Via: SIP/2.0/UDP [2001:db8::1]:5070;branch=z9hG4bK1;rport, SIP/2.0/TCP proxy:5060;branch=z9hG4bK0\r\nVia: SIP/2.0/UDP other;branch=z9hG4bKz')
    expect(response).toMatch(/To: <sip:c@d>;tag=\w+/)
    expect(response).toContain('CSeq: 7 INVITE')
    expect(response.endsWith('Content-Length: 0\r\n\r\n')).toBe(true)
  })
})
