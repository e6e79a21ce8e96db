/**
 * Outbound calls (phone callback, fallback to the phone) against sipp playing the trunk:
 * digest auth, the call events, RTP on real sockets, and how each way a call can end maps to
 * an end reason. Every sipp runs bounded and is killed in afterEach.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { CallEnded } from './call.js'
import { CALLEE, CALLER_ID, cleanup, rtpSocket, startBridge, track, trunkOf } from './testing/harness.js'
import { LossyRelay } from './testing/lossy-relay.js'
import { freePort } from './testing/ports.js'
import { Sipp } from './testing/sipp.js'
import { nextEvent, waitFor } from './testing/wait.js'

afterEach(cleanup)

async function sippTrunk(scenario: string, options: Partial<Parameters<typeof Sipp.start>[0]> = {}) {
  const localPort = await freePort()
  const mediaPort = await freePort({ span: 4, even: true })
  const sipp = await Sipp.start({ scenario, localPort, mediaPort, rtpEcho: true, ...options })
  return { sipp, port: localPort, mediaPort }
}

describe('outbound calls through a sipp trunk', () => {
  it('authenticates with digest (qop=auth), rings, answers, carries RTP both ways and DTMF in, BYE from us', async () => {
    const { sipp, port, mediaPort } = await sippTrunk('uas_auth.xml', { keys: { authparams: ', qop="auth", opaque="abc123"' } })
    const bridge = await startBridge({ port })
    const rtp = await rtpSocket()
    const call = bridge.placeCall({ trunk: 'trunk', to: CALLEE, rtp: rtp.endpoint })
    expect(call).toMatchObject({ direction: 'outbound', from: CALLER_ID, to: CALLEE, state: 'new' })
    const digits: string[] = []
    call.on('dtmf', (event) => digits.push(event.digit))
    const ringing = nextEvent(call, 'ringing')
    const answered = await nextEvent<{ remote: { ip: string; port: number } }>(call, 'answered')
    expect(await ringing).toMatchObject({ sipStatus: 180 })
    expect(answered.remote).toMatchObject({ ip: '127.0.0.1', port: mediaPort, rtcpPort: mediaPort + 1, direction: 'sendrecv', dtmfPayloadType: 101 })
    rtp.startAudio()
    // sipp -rtp_echo returns our PCMU: it left our socket, reached the trunk's media port and came back
    await waitFor(() => rtp.countOf(0) >= 10, 'echoed PCMU')
    expect(rtp.stats.sources).toContain(`127.0.0.1:${mediaPort}`)
    await waitFor(() => digits.length >= 2, 'two RFC 4733 digits from the trunk')
    expect(digits).toEqual(['1', '#'])
    const ended = nextEvent<CallEnded>(call, 'ended')
    await call.hangup()
    expect(await ended).toEqual({ reason: 'hangup-local' })
    expect(call.state).toBe('ended')
    expect((await sipp.result()).code).toBe(0)
    expect(sipp.logs()).toContain('AUTH OK')
    expect(sipp.logs()).toMatch(/qop=auth/)
  })

  it('authenticates without qop (RFC 2069 style digest) and ends with reason hangup-local', async () => {
    const { sipp, port } = await sippTrunk('uas_auth.xml', { keys: { authparams: '' } })
    const bridge = await startBridge({ port })
    const rtp = await rtpSocket()
    const call = bridge.placeCall({ trunk: 'trunk', to: CALLEE, rtp: rtp.endpoint })
    const digits: string[] = []
    call.on('dtmf', (event) => digits.push(event.digit))
    await nextEvent(call, 'answered')
    await waitFor(() => digits.length === 2, 'the trunk to finish its digits')
    await call.hangup()
    expect(call.ended).toEqual({ reason: 'hangup-local' })
    expect((await sipp.result()).code).toBe(0)
    expect(sipp.logs()).toContain('AUTH OK')
    expect(sipp.logs()).not.toMatch(/qop=/)
  })

  it('reports a wrong password as failed with the trunk status (403)', async () => {
    const { sipp, port } = await sippTrunk('uas_auth.xml', { keys: { authparams: ', qop="auth"' } })
    const bridge = await startBridge({ port, password: 'wrong-password' })
    const rtp = await rtpSocket()
    const call = bridge.placeCall({ trunk: 'trunk', to: CALLEE, rtp: rtp.endpoint })
    expect(await nextEvent(call, 'ended')).toEqual({ reason: 'failed', sipStatus: 403 })
    expect((await sipp.result()).code).toBe(0)
  })

  it('ends with hangup-remote when the trunk sends BYE', async () => {
    const { sipp, port } = await sippTrunk('uas_answer_bye.xml', { extraArgs: ['-d', '500'] })
    const bridge = await startBridge({ port })
    const rtp = await rtpSocket()
    const call = bridge.placeCall({ trunk: 'trunk', to: CALLEE, rtp: rtp.endpoint })
    await nextEvent(call, 'answered')
    expect(await nextEvent(call, 'ended')).toEqual({ reason: 'hangup-remote' })
    expect((await sipp.result()).code).toBe(0)
    expect(bridge.calls()).toHaveLength(0)
  })

  it.each([
    [486, 'Busy Here', 'busy'],
    [603, 'Decline', 'busy'],
    [480, 'Temporarily Unavailable', 'no-answer'],
    [503, 'Service Unavailable', 'failed'],
    [404, 'Not Found', 'failed'],
  ])('maps a %i %s final response to reason %s', async (status, phrase, reason) => {
    const { sipp, port } = await sippTrunk('uas_reject.xml', { substitute: { '486 Busy Here': `${status} ${phrase}` } })
    const bridge = await startBridge({ port })
    const rtp = await rtpSocket()
    const call = bridge.placeCall({ trunk: 'trunk', to: CALLEE, rtp: rtp.endpoint })
    const ringing = nextEvent(call, 'ringing')
    expect(await nextEvent(call, 'ended')).toEqual({ reason, sipStatus: status })
    await ringing
    expect((await sipp.result()).code).toBe(0)
  })

  it('cancels after the ring timeout and reports no-answer (the trunk sees the CANCEL)', async () => {
    const { sipp, port } = await sippTrunk('uas_ring.xml')
    const bridge = await startBridge({ port })
    const rtp = await rtpSocket()
    const call = bridge.placeCall({ trunk: 'trunk', to: CALLEE, rtp: rtp.endpoint, ringTimeoutSec: 1 })
    await nextEvent(call, 'ringing')
    expect(await nextEvent(call, 'ended')).toEqual({ reason: 'no-answer', sipStatus: 487 })
    expect((await sipp.result()).code).toBe(0)
  })

  it('reports cancelled when we hang up while it rings', async () => {
    const { sipp, port } = await sippTrunk('uas_ring.xml')
    const bridge = await startBridge({ port })
    const rtp = await rtpSocket()
    const call = bridge.placeCall({ trunk: 'trunk', to: CALLEE, rtp: rtp.endpoint })
    await nextEvent(call, 'ringing')
    await call.hangup()
    expect(call.ended).toEqual({ reason: 'cancelled', sipStatus: 487 })
    await call.hangup() // idempotent
    expect((await sipp.result()).code).toBe(0)
  })

  it('retransmits the INVITE over UDP when the first one is lost (Timer A)', async () => {
    const { sipp, port } = await sippTrunk('uas_answer.xml')
    const relay = track(await LossyRelay.start({ host: '127.0.0.1', port }))
    const bridge = await startBridge({ port: relay.port })
    const rtp = await rtpSocket()
    const call = bridge.placeCall({ trunk: 'trunk', to: CALLEE, rtp: rtp.endpoint })
    await nextEvent(call, 'answered')
    expect(relay.dropped).toBe(1)
    expect(trunkOf(bridge).transportStats.retransmissions).toBeGreaterThanOrEqual(1)
    await call.hangup()
    expect((await sipp.result()).code).toBe(0)
  })

  it('places a call over TCP (Content-Length framing) and takes the BYE on the same connection', async () => {
    const { sipp, port } = await sippTrunk('uas_answer_bye.xml', { transport: 'tcp', extraArgs: ['-d', '300'] })
    const bridge = await startBridge({ port, transport: 'tcp' })
    const rtp = await rtpSocket()
    const call = bridge.placeCall({ trunk: 'trunk', to: CALLEE, rtp: rtp.endpoint })
    await nextEvent(call, 'answered')
    expect(await nextEvent(call, 'ended')).toEqual({ reason: 'hangup-remote' })
    expect((await sipp.result()).code).toBe(0)
    expect(sipp.messages()).toMatch(/Via: SIP\/2\.0\/TCP 127\.0\.0\.1:\d+;branch=/)
  })

  it('validates placeCall input at the edge and names the field', async () => {
    const bridge = await startBridge({ port: 5060 })
    const rtp = await rtpSocket()
    expect(() => bridge.placeCall({ trunk: 'trunk', to: '5551230000', rtp: rtp.endpoint })).toThrow(/to: must be an E\.164 number/)
    expect(() => bridge.placeCall({ trunk: 'trunk', to: '+1234567', rtp: rtp.endpoint })).toThrow(/E\.164/)
    expect(() => bridge.placeCall({ trunk: 'trunk', to: '+1234567890123456', rtp: rtp.endpoint })).toThrow(/E\.164/)
    expect(() => bridge.placeCall({ trunk: 'trunk', to: CALLEE, rtp: { localIp: 'not-an-ip', localPort: 4000 } })).toThrow(/rtp\.localIp/)
    expect(() => bridge.placeCall({ trunk: 'trunk', to: CALLEE, rtp: { localIp: '127.0.0.1', localPort: 70000 } })).toThrow(/rtp\.localPort/)
    expect(() => bridge.placeCall({ trunk: 'nope', to: CALLEE, rtp: rtp.endpoint })).toThrow(/unknown SIP trunk "nope"/)
    expect(() => bridge.placeCall({ trunk: 'trunk', to: CALLEE, rtp: rtp.endpoint, extra: 1 } as never)).toThrow(/extra/)
    expect(bridge.calls()).toHaveLength(0)
  })
})
