/**
 * A real SIP phone (baresip) on the other end: calls both ways with PCMU flowing both ways,
 * RFC 4733 DTMF both ways, hold/unhold re-INVITEs answered by a real UA, hangups both ways.
 * baresip is observed through its ctrl_tcp events, never through timing.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { CallEnded } from './call.js'
import type { IncomingCall } from './incoming-call.js'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Baresip, selfSignedCertificate } from './testing/baresip.js'
import { CALLEE, cleanup, DID, rtpSocket, startBridge, track } from './testing/harness.js'
import { nextEvent, waitFor } from './testing/wait.js'

afterEach(cleanup)

describe('with baresip as the phone', () => {
  it('calls baresip: audio both ways, DTMF both ways, hold/unhold, hangup from us', async () => {
    const phone = await Baresip.start({ user: CALLEE })
    const bridge = await startBridge({ port: phone.sipPort, username: undefined, password: undefined })
    const rtp = await rtpSocket()
    const call = bridge.placeCall({ trunk: 'trunk', to: CALLEE, rtp: rtp.endpoint })
    const heard: string[] = []
    call.on('dtmf', (event) => heard.push(event.digit))
    await nextEvent(call, 'answered')
    rtp.startAudio()
    await phone.event('CALL_ESTABLISHED')
    // baresip's tone reaches our socket; ours reaches baresip (it reports RTP established)
    await waitFor(() => rtp.countOf(0) >= 25, 'PCMU from baresip')
    await phone.event('CALL_RTPESTAB')

    expect(await call.sendDtmf('42')).toEqual({ via: 'rfc4733' })
    await phone.event('CALL_DTMF_START', (event) => event.param === '4')
    await phone.event('CALL_DTMF_START', (event) => event.param === '2')

    phone.command('sndcode', '7')
    await waitFor(() => heard.includes('7'), 'the digit baresip sent')

    await call.hold()
    await call.unhold()
    expect(call.state).toBe('answered')
    await call.hangup()
    expect(call.ended).toEqual({ reason: 'hangup-local' })
    await phone.event('CALL_CLOSED')
  })

  it('takes a call from baresip to a DID and ends when baresip hangs up', async () => {
    const phone = await Baresip.start({ user: 'visitor' })
    const bridge = await startBridge({ port: phone.sipPort, username: undefined, password: undefined })
    const rtp = await rtpSocket()
    const offered: IncomingCall[] = []
    bridge.onIncomingCall(async (call) => {
      offered.push(call)
      await call.ring()
      await call.answer({ rtp: rtp.endpoint })
      rtp.startAudio()
    })
    phone.command('dial', `sip:${DID}@127.0.0.1:${bridge.address('trunk').port}`)
    await waitFor(() => offered[0]?.state === 'answered', 'the call from baresip to be answered')
    const call = offered[0]!
    expect(call.did).toBe(DID)
    expect(call.from).toBe('visitor')
    await phone.event('CALL_ESTABLISHED')
    await waitFor(() => rtp.countOf(0) >= 25, 'PCMU from baresip')
    await phone.event('CALL_RTPESTAB')
    const ended = nextEvent<CallEnded>(call, 'ended')
    phone.command('hangup')
    expect(await ended).toEqual({ reason: 'hangup-remote' })
  })

  it('talks SIP over TLS both ways (certificates verified against our CA)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-tls-'))
    track({ close: () => fs.rmSync(dir, { recursive: true, force: true }) })
    const pki = selfSignedCertificate(dir)
    const phone = await Baresip.start({ user: CALLEE, tls: { certAndKeyFile: pki.bundleFile, caFile: pki.certFile } })
    const bridge = await startBridge({
      port: phone.sipPort + 1,
      transport: 'tls',
      username: undefined,
      password: undefined,
      tls: { ca: pki.cert, cert: pki.cert, key: pki.key, rejectUnauthorized: true },
    })
    const rtp = await rtpSocket()
    const call = bridge.placeCall({ trunk: 'trunk', to: CALLEE, rtp: rtp.endpoint })
    await nextEvent(call, 'answered')
    rtp.startAudio()
    await waitFor(() => rtp.countOf(0) >= 10, 'PCMU from baresip')
    await call.hangup()
    await phone.event('CALL_CLOSED')

    // and baresip calling our DID over TLS (it opens its own TLS connection to our port)
    const offered: IncomingCall[] = []
    bridge.onIncomingCall(async (incoming) => {
      offered.push(incoming)
      await incoming.answer({ rtp: rtp.endpoint })
    })
    phone.command('dial', `sip:${DID}@127.0.0.1:${bridge.address('trunk').port};transport=tls`)
    await waitFor(() => offered[0]?.state === 'answered', 'the TLS call from baresip')
    const ended = nextEvent<CallEnded>(offered[0]!, 'ended')
    phone.command('hangup')
    expect(await ended).toEqual({ reason: 'hangup-remote' })
  })
})
