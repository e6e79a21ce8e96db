import { describe, expect, it } from 'vitest'
import { SdpError } from './errors.js'
import { acceptableAudio, answerDirection, buildAnswer, buildOffer, chooseAudio, holdDirection, parseSdp } from './sdp.js'

const offer = (media: string, connection = 'c=IN IP4 203.0.113.5') =>
  ['v=0', 'o=- 1 1 IN IP4 203.0.113.5', 's=-', connection, 't=0 0', ...media.split('\n'), ''].join('\r\n')

const local = { ip: '198.51.100.7', port: 40000, direction: 'sendrecv' as const, dtmfPayloadType: 101, sessionId: '42', version: 1 }

describe('SDP', () => {
  it('picks PCMU and telephone-event from a typical trunk offer', () => {
    const choice = acceptableAudio(offer('m=audio 30000 RTP/AVP 8 0 18 101\na=rtpmap:101 telephone-event/8000\na=fmtp:101 0-15\na=ptime:20'))
    expect(choice).toMatchObject({ ip: '203.0.113.5', port: 30000, rtcpPort: 30001, pcmuPayloadType: 0, dtmfPayloadType: 101, direction: 'sendrecv', index: 0 })
  })

  it('honours media-level c=, a=rtcp, direction and dynamic PCMU mappings', () => {
    const choice = acceptableAudio(offer('m=audio 30000 RTP/AVP 96\nc=IN IP4 192.0.2.9\na=rtpmap:96 pcmu/8000\na=rtcp:30011\na=sendonly'))
    expect(choice).toMatchObject({ ip: '192.0.2.9', rtcpPort: 30011, pcmuPayloadType: 96, direction: 'sendonly' })
    expect(acceptableAudio(offer('m=audio 30000 RTP/AVP 0', 'c=IN IP4 0.0.0.0'))).toMatchObject({ direction: 'inactive', nullAddress: true })
  })

  it('answers 488 for offers without PCMU, SRTP-only offers and no audio; 400 for broken SDP', () => {
    const status = (sdp: string) => {
      try {
        acceptableAudio(sdp)
        return 0
      } catch (error) {
        return error instanceof SdpError ? error.sipStatus : -1
      }
    }
    expect(status(offer('m=audio 30000 RTP/AVP 8\na=rtpmap:8 PCMA/8000'))).toBe(488)
    expect(status(offer('m=audio 30000 RTP/SAVP 0'))).toBe(488)
    expect(status(offer('m=video 30000 RTP/AVP 96'))).toBe(488)
    expect(status(offer('m=audio 0 RTP/AVP 0'))).toBe(488)
    expect(status('hello')).toBe(400)
    expect(status(offer('m=audio banana'))).toBe(400)
    expect(status(offer('m=audio 99999 RTP/AVP 0'))).toBe(400)
    expect(status(offer('m=audio 3000 RTP/AVP 0', 'c=IN IP4 example.com'))).toBe(400)
    expect(status(offer('m=audio 3000 RTP/AVP 0', ''))).toBe(400)
    expect(status('v=0\r\n' + 'a=x\r\n'.repeat(20_000))).toBe(400)
  })

  it('declines extra streams with port 0 and mirrors the offerer payload types', () => {
    const sdp = offer('m=audio 30000 RTP/AVP 0 96\na=rtpmap:96 telephone-event/8000\nm=video 30002 RTP/AVP 97\na=rtpmap:97 H264/90000')
    const parsed = parseSdp(sdp)
    const answer = buildAnswer(parsed, chooseAudio(parsed), local)
    expect(answer).toContain('m=audio 40000 RTP/AVP 0 96\r\n')
    expect(answer).toContain('a=rtpmap:96 telephone-event/8000')
    expect(answer).toContain('m=video 0 RTP/AVP 97\r\n')
    expect(answer).toContain('c=IN IP4 198.51.100.7')
    expect(parseSdp(answer).media).toHaveLength(2)
  })

  it('offers PCMU + telephone-event without rtcp-mux, with a=rtcp only when not port + 1', () => {
    const plain = buildOffer(local)
    expect(plain).toContain('m=audio 40000 RTP/AVP 0 101')
    expect(plain).not.toContain('rtcp-mux')
    expect(plain).not.toContain('a=rtcp:')
    expect(buildOffer({ ...local, rtcpPort: 40005 })).toContain('a=rtcp:40005 IN IP4 198.51.100.7')
    expect(buildOffer({ ...local, ip: '2001:db8::1' })).toContain('c=IN IP6 2001:db8::1')
  })

  it('negotiates directions for hold (RFC 3264, RFC 6337)', () => {
    expect(answerDirection('sendonly', 'sendrecv')).toBe('recvonly')
    expect(answerDirection('recvonly', 'sendrecv')).toBe('sendonly')
    expect(answerDirection('inactive', 'sendrecv')).toBe('inactive')
    expect(answerDirection('sendrecv', 'sendonly')).toBe('sendonly')
    expect(answerDirection('sendonly', 'sendonly')).toBe('inactive')
    expect(holdDirection('sendrecv')).toBe('sendonly')
    expect(holdDirection('sendonly')).toBe('inactive')
  })
})
