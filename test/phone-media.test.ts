/**
 * A phone leg survives its media server: with baresip on the phone, the mediasoup worker of
 * the call's room is killed; the call gets a new room on the replacement worker, the phone
 * leg is bridged into it and re-INVITEs baresip to the new port, and the phone's RTP flows
 * into the new room. The call and the phone stay up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Parley } from '../server/app.js'
import { Baresip } from '../sip/testing/baresip.js'
import { ask, eventually, mediaOverrides, startChat, startTestParley } from './support/parley-harness.js'
import { createTrunk, phoneEvents, VISITOR_NUMBER } from './support/phone-harness.js'

let parley: Parley
let phone: Baresip

beforeAll(async () => {
  parley = await startTestParley(mediaOverrides(1))
  phone = await Baresip.start({ user: VISITOR_NUMBER, maxSeconds: 60 })
  await createTrunk(parley, { port: phone.sipPort, username: null, password: null })
})

afterAll(async () => {
  await phone?.stop()
  await parley?.close()
})

describe('a phone call when the media server dies', () => {
  it('moves the phone leg to the new room and re-INVITEs the phone there', { timeout: 60_000 }, async () => {
    const { agent, visitor, channel } = await startChat(parley, { clientRequestId: 'worker-1' })
    expect((await ask(visitor, 'phone:call', { channelId: channel.id, number: VISITOR_NUMBER })).ok).toBe(true)
    await phone.event('CALL_ESTABLISHED', () => true, 20_000)
    const leg = await (async () => {
      let found
      await eventually(() => {
        found = parley.services.phone.liveLegs()[0]
        expect(found?.status).toBe('answered')
      })
      return found!
    })()
    await eventually(() => expect(leg.media.getStats().in.packets).toBeGreaterThan(20), 10_000)
    const deadPid = leg.room.workerPid
    const firstPort = leg.media.localPort
    process.kill(deadPid, 'SIGKILL')

    await eventually(() => expect(leg.room.workerPid).not.toBe(deadPid), 20_000)
    expect(leg.room.closed).toBe(false)
    expect(leg.media.localPort).not.toBe(firstPort)
    // baresip follows the re-INVITE: its RTP reaches the new room's leg
    await eventually(() => expect(leg.media.getStats().in.packets).toBeGreaterThan(20), 15_000)
    expect(leg.status).toBe('answered')
    expect(phone.events.some((event) => event.type === 'CALL_CLOSED')).toBe(false)
    expect(parley.services.calls.callOf(channel.id)?.id).toBe(leg.callId)
    expect((await parley.services.media.roomOf(leg.callId))?.id).toBe(leg.room.id)

    await ask(agent, 'phone:hangup', { channelId: channel.id, phoneCallId: leg.id })
    await phone.event('CALL_CLOSED', () => true, 10_000)
    await eventually(async () => expect((await phoneEvents(parley, channel.id)).find((e) => e.type === 'phone.ended')?.payload).toMatchObject({ reason: 'agent_hangup' }))
    agent.close()
    visitor.close()
  })
})
