/**
 * Inbound calls from sipp playing the PSTN side of a trunk: INVITE to a DID, the server's
 * handler rings and answers, RTP flows (sipp echoes it), DTMF in, BYE from the caller; and the
 * INVITEs the edge must refuse without ever bothering the handler.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { CallEnded } from './call.js'
import type { IncomingCall } from './incoming-call.js'
import { cleanup, DID, rtpSocket, startBridge, trunkOf } from './testing/harness.js'
import { freePort } from './testing/ports.js'
import { Sipp } from './testing/sipp.js'
import { nextEvent, waitFor } from './testing/wait.js'

afterEach(cleanup)

async function caller(scenario: string, bridgePort: number, options: Partial<Parameters<typeof Sipp.start>[0]> = {}) {
  return Sipp.start({
    scenario,
    localPort: await freePort(),
    mediaPort: await freePort({ span: 4, even: true }),
    remote: `127.0.0.1:${bridgePort}`,
    service: DID,
    rtpEcho: true,
    ...options,
  })
}

describe('inbound calls to DIDs', () => {
  it('rings, answers, carries RTP, hears DTMF and ends when the caller hangs up', async () => {
    const bridge = await startBridge({ port: 5060 })
    const rtp = await rtpSocket()
    const offered: IncomingCall[] = []
    bridge.onIncomingCall(async (call) => {
      offered.push(call)
      await call.ring()
      await call.answer({ rtp: rtp.endpoint })
      rtp.startAudio()
    })
    const sipp = await caller('uac_inbound.xml', bridge.address('trunk').port, { extraArgs: ['-d', '1500'] })
    await waitFor(() => offered[0]?.state === 'answered', 'the call to be answered')
    const call = offered[0]!
    expect(call).toMatchObject({ direction: 'inbound', did: DID, to: DID, from: '+15550009999', callerE164: '+15550009999', callerName: 'Shop Visitor' })
    expect(call.remoteRtp).toMatchObject({ ip: '127.0.0.1', dtmfPayloadType: 101 })
    const dtmf = await nextEvent<{ digit: string }>(call, 'dtmf')
    expect(dtmf).toEqual({ digit: '5', via: 'rfc4733' })
    await waitFor(() => rtp.countOf(0) >= 10, 'our PCMU echoed by the caller')
    expect(await nextEvent<CallEnded>(call, 'ended')).toEqual({ reason: 'hangup-remote' })
    expect((await sipp.result()).code).toBe(0)
  })

  it("takes calls from sipp's built-in uac, which sends ACK and BYE to the DID instead of our Contact", async () => {
    const bridge = await startBridge({ port: 5060 })
    const rtp = await rtpSocket()
    const ended: CallEnded[] = []
    bridge.onIncomingCall(async (call) => {
      call.on('ended', (event) => ended.push(event))
      await call.answer({ rtp: rtp.endpoint })
    })
    const sipp = await caller('uac', bridge.address('trunk').port, { extraArgs: ['-d', '300'] })
    expect((await sipp.result()).code).toBe(0)
    await waitFor(() => ended.length === 1, 'the call to end')
    expect(ended).toEqual([{ reason: 'hangup-remote' }])
  })

  it('lets the handler reject (486) and reports it as hangup-local', async () => {
    const bridge = await startBridge({ port: 5060 })
    const ended: CallEnded[] = []
    bridge.onIncomingCall(async (call) => {
      call.on('ended', (event) => ended.push(event))
      await call.reject(486)
    })
    const sipp = await caller('uac_inbound_refused.xml', bridge.address('trunk').port, { keys: { ctype: 'application/sdp', codec: '0', codecname: 'PCMU' } })
    expect((await sipp.result()).code).toBe(0)
    expect(sipp.logs()).toContain('FINAL 486')
    expect(ended).toEqual([{ reason: 'hangup-local', sipStatus: 486 }])
  })

  it('answers 480 when no handler is registered', async () => {
    const bridge = await startBridge({ port: 5060 })
    const sipp = await caller('uac_inbound_refused.xml', bridge.address('trunk').port, { keys: { ctype: 'application/sdp', codec: '0', codecname: 'PCMU' } })
    expect((await sipp.result()).code).toBe(0)
    expect(sipp.logs()).toContain('FINAL 480')
  })

  it.each([
    ['an unknown DID', { service: '+15550000000' }, {}, 404],
    ['SDP without PCMU', {}, { codec: '8', codecname: 'PCMA' }, 488],
    ['a body that is not SDP', {}, { ctype: 'text/plain' }, 415],
  ])('refuses %s statelessly, without calling the handler', async (_what, sippOptions, keys, status) => {
    const bridge = await startBridge({ port: 5060 })
    let offered = 0
    bridge.onIncomingCall(() => {
      offered++
    })
    const sipp = await caller('uac_inbound_refused.xml', bridge.address('trunk').port, { ...sippOptions, keys: { ctype: 'application/sdp', codec: '0', codecname: 'PCMU', ...keys } })
    expect((await sipp.result()).code).toBe(0)
    expect(sipp.logs()).toContain(`FINAL ${status}`)
    expect(offered).toBe(0)
    expect(trunkOf(bridge).gateStats.answered.get(status)).toBeGreaterThanOrEqual(1)
  })

  it('refuses INVITEs from addresses that are not the trunk (403)', async () => {
    const bridge = await startBridge({ port: 5060, allowFrom: ['192.0.2.7'] })
    let offered = 0
    bridge.onIncomingCall(() => {
      offered++
    })
    const sipp = await caller('uac_inbound_refused.xml', bridge.address('trunk').port, { keys: { ctype: 'application/sdp', codec: '0', codecname: 'PCMU' } })
    expect((await sipp.result()).code).toBe(0)
    expect(sipp.logs()).toContain('FINAL 403')
    expect(offered).toBe(0)
  })

  it('answers a trunk OPTIONS keep-alive with 200 and an Allow list', async () => {
    const bridge = await startBridge({ port: 5060 })
    const sipp = await Sipp.start({ scenario: 'uac_options.xml', localPort: await freePort(), remote: `127.0.0.1:${bridge.address('trunk').port}` })
    expect((await sipp.result()).code).toBe(0)
    expect(sipp.logs()).toMatch(/ALLOW PUBLISH/)
  })
})
