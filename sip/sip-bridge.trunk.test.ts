/**
 * Trunk housekeeping against sipp: OPTIONS pings (on demand and as a keep-alive with
 * reachability events), REGISTER with digest and the unregistration close() must send, and
 * close() BYEing every live call so no dialog outlives the bridge.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { CallEnded } from './call.js'
import { InvalidStateError } from './errors.js'
import { CALLEE, cleanup, rtpSocket, startBridge, trunkOf } from './testing/harness.js'
import { freePort } from './testing/ports.js'
import { Sipp } from './testing/sipp.js'
import { nextEvent } from './testing/wait.js'

afterEach(cleanup)

describe('trunk housekeeping', () => {
  it('pings the trunk with OPTIONS', async () => {
    const port = await freePort()
    const sipp = await Sipp.start({ scenario: 'uas_options.xml', localPort: port })
    const bridge = await startBridge({ port })
    const result = await bridge.ping('trunk')
    expect(result.sipStatus).toBe(200)
    expect(result.rttMs).toBeGreaterThanOrEqual(0)
    expect((await sipp.result()).code).toBe(0)
  })

  it('reports reachability from the OPTIONS keep-alive', async () => {
    const port = await freePort()
    const sipp = await Sipp.start({ scenario: 'uas_options.xml', localPort: port })
    const bridge = await startBridge({ port, optionsPingSec: 60 })
    expect(await nextEvent(bridge as never, 'trunk-reachability')).toEqual({ trunk: 'trunk', reachable: true, sipStatus: 200 })
    expect((await sipp.result()).code).toBe(0)
  })

  it('registers with digest auth and unregisters on close()', async () => {
    const port = await freePort()
    const sipp = await Sipp.start({ scenario: 'uas_register.xml', localPort: port })
    const bridge = await startBridge({ port, register: true })
    expect(await nextEvent(bridge as never, 'trunk-registration')).toEqual({ trunk: 'trunk', registered: true })
    expect(trunkOf(bridge).registered).toBe(true)
    await bridge.close()
    expect((await sipp.result()).code).toBe(0)
    expect(sipp.logs()).toMatch(/REGISTER contact <sip:parley@127\.0\.0\.1:\d+;transport=udp>/)
    expect(sipp.logs()).toMatch(/UNREGISTER (expires=0|Expires: *0)/)
  })

  it('close() BYEs a live call (sipp sees the BYE), ends it as hangup-local, and is idempotent', async () => {
    const port = await freePort()
    const sipp = await Sipp.start({ scenario: 'uas_answer.xml', localPort: port, mediaPort: await freePort({ span: 4, even: true }), rtpEcho: true })
    const bridge = await startBridge({ port })
    const rtp = await rtpSocket()
    const call = bridge.placeCall({ trunk: 'trunk', to: CALLEE, rtp: rtp.endpoint })
    await nextEvent(call, 'answered')
    const ended = nextEvent<CallEnded>(call, 'ended')
    await bridge.close()
    expect(await ended).toEqual({ reason: 'hangup-local' })
    expect((await sipp.result()).code).toBe(0)
    await bridge.close()
    expect(() => bridge.placeCall({ trunk: 'trunk', to: CALLEE, rtp: rtp.endpoint })).toThrow(InvalidStateError)
  })

  it('refuses to start on a port that is taken, leaving nothing open', async () => {
    const first = await startBridge({ port: 5060 })
    const taken = first.address('trunk').port
    await expect(startBridge({ port: 5060, localPort: taken })).rejects.toThrow(/cannot listen on UDP 127\.0\.0\.1:\d+/)
  })

  it('validates trunk configuration and names the field', async () => {
    await expect(startBridge({ port: 5060, callerId: '555' })).rejects.toThrow(/callerId: must be an E\.164 number/)
    await expect(startBridge({ port: 5060, dids: ['+1555', DIDS_OK] })).rejects.toThrow(/dids\.0/)
    await expect(startBridge({ port: 5060, password: undefined })).rejects.toThrow(/username and password go together/)
    await expect(startBridge({ port: 5060, transport: 'sctp' as never })).rejects.toThrow(/transport/)
    await expect(startBridge({ port: 5060, host: 'bad host!' })).rejects.toThrow(/host/)
  })
})

const DIDS_OK = '+15557654321'
