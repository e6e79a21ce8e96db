/**
 * Call control during an answered call, against sipp: DTMF out as RFC 4733 (checked on the
 * wire: sipp echoes our RTP and we decode our own events) and as SIP INFO when the trunk has
 * no telephone-event, hold/unhold re-INVITEs (sipp checks the offered directions), and blind
 * transfer with REFER + NOTIFY.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { CallEnded } from './call.js'
import { InvalidStateError, SipValidationError } from './errors.js'
import { CALLEE, cleanup, rtpSocket, startBridge } from './testing/harness.js'
import { freePort } from './testing/ports.js'
import { Sipp } from './testing/sipp.js'
import { nextEvent, waitFor } from './testing/wait.js'

afterEach(cleanup)

async function answeredCall(scenario: string) {
  const localPort = await freePort()
  const mediaPort = await freePort({ span: 4, even: true })
  const sipp = await Sipp.start({ scenario, localPort, mediaPort, rtpEcho: true })
  const bridge = await startBridge({ port: localPort })
  const rtp = await rtpSocket()
  const call = bridge.placeCall({ trunk: 'trunk', to: CALLEE, rtp: rtp.endpoint })
  await nextEvent(call, 'answered')
  return { sipp, bridge, rtp, call }
}

describe('mid-call control', () => {
  it('sends DTMF as RFC 4733 events (sipp echoes them back and we decode our own digits)', async () => {
    const { sipp, rtp, call } = await answeredCall('uas_answer.xml')
    const heard: string[] = []
    call.on('dtmf', (event) => heard.push(`${event.digit}/${event.via}`))
    // the echo has to come back to us: start audio so sipp learns our address both ways
    rtp.startAudio()
    await waitFor(() => rtp.countOf(0) > 0, 'echoed audio')
    expect(await call.sendDtmf('1*9#')).toEqual({ via: 'rfc4733' })
    await waitFor(() => heard.length >= 4, 'our four digits back from the echo')
    expect(heard).toEqual(['1/rfc4733', '*/rfc4733', '9/rfc4733', '#/rfc4733'])
    expect(rtp.countOf(101)).toBeGreaterThanOrEqual(4 * 8)
    await call.hangup()
    expect((await sipp.result()).code).toBe(0)
  })

  it('falls back to SIP INFO (application/dtmf-relay) when the trunk has no telephone-event', async () => {
    const { sipp, call } = await answeredCall('uas_dtmf_info.xml')
    expect(call.remoteRtp?.dtmfPayloadType).toBeUndefined()
    expect(await call.sendDtmf('5#')).toEqual({ via: 'info' })
    await call.hangup()
    expect((await sipp.result()).code).toBe(0)
    expect(sipp.logs()).toMatch(/INFO Signal=5/)
    expect(sipp.logs()).toMatch(/INFO Signal=#/)
  })

  it('holds (sendonly) and unholds (sendrecv) with re-INVITEs', async () => {
    const { sipp, call } = await answeredCall('uas_hold.xml')
    const media: { localDirection: string; remote: { direction: string } }[] = []
    call.on('media', (event) => media.push(event))
    await call.hold()
    expect(call.onHold).toBe(true)
    await call.hold() // already held: no second re-INVITE
    await call.unhold()
    expect(call.onHold).toBe(false)
    expect(media.map((event) => `${event.localDirection}/${event.remote.direction}`)).toEqual(['sendonly/recvonly', 'sendrecv/sendrecv'])
    await call.hangup()
    expect((await sipp.result()).code).toBe(0)
    expect(sipp.logs()).toMatch(/HOLD a=sendonly/)
    expect(sipp.logs()).toMatch(/UNHOLD a=sendrecv/)
  })

  it('transfers blind with REFER; NOTIFY 200 ends our leg with reason transferred', async () => {
    const { sipp, call } = await answeredCall('uas_refer.xml')
    const ended = nextEvent<CallEnded>(call, 'ended')
    expect(await call.blindTransfer('+15559990000')).toEqual({ sipStatus: 200 })
    expect(await ended).toEqual({ reason: 'transferred' })
    expect((await sipp.result()).code).toBe(0)
    expect(sipp.logs()).toMatch(/REFER-TO sip:\+15559990000@/)
  })

  it('refuses controls in the wrong state or with bad input', async () => {
    const { sipp, call } = await answeredCall('uas_answer.xml')
    await expect(call.sendDtmf('12x')).rejects.toBeInstanceOf(SipValidationError)
    await expect(call.blindTransfer('not a number')).rejects.toBeInstanceOf(SipValidationError)
    await call.hangup()
    await expect(call.hold()).rejects.toBeInstanceOf(InvalidStateError)
    await expect(call.sendDtmf('1')).rejects.toBeInstanceOf(InvalidStateError)
    await expect(call.blindTransfer('+15559990000')).rejects.toBeInstanceOf(InvalidStateError)
    expect((await sipp.result()).code).toBe(0)
  })
})
