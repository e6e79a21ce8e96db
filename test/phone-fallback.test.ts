/**
 * Automatic fallback at the socket level (e2e/phone-fallback.test.ts does it in Chromium): a
 * visitor in a call whose connection drops is called on the number they gave for it, within
 * the grace period, into the same call with the same agent; back online, they chat next to
 * the phone leg and their browser may not join the call's media again. Without their consent
 * nothing is dialled. Shutting Parley down hangs the phone up (BYE).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Parley } from '../server/app.js'
import { stopAllSipp } from '../sip/testing/sipp.js'
import { AGENT_EMAILS, ask, connectVisitor, eventually, mediaOverrides, nextSession, startChat, startTestParley } from './support/parley-harness.js'
import { adminFetch, createTrunk, phoneEvents, sippTrunk, VISITOR_NUMBER } from './support/phone-harness.js'

let parley: Parley
const sockets: { close(): void }[] = []

beforeAll(async () => {
  parley = await startTestParley({ ...mediaOverrides(), PHONE_FALLBACK_GRACE_MS: '300' })
})

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close()
  const { body } = await adminFetch(parley, 'GET', '/api/admin/trunks')
  for (const trunk of body?.trunks ?? []) await adminFetch(parley, 'DELETE', `/api/admin/trunks/${trunk.id}`)
  await stopAllSipp()
})

afterAll(async () => {
  await parley?.close()
})

/** A chat upgraded to a call the visitor's "browser" joined (media:join puts it in the room). */
async function callInProgress(clientRequestId: string, fallback: boolean) {
  const { agent, visitor, visitorSession, channel } = await startChat(parley, { clientRequestId, agentEmail: AGENT_EMAILS.anna })
  sockets.push(agent, visitor)
  await ask(visitor, 'phone:set', { number: VISITOR_NUMBER, fallback })
  const asked = await ask(agent, 'call:request', { channelId: channel.id, video: false })
  const callId = asked.ok && asked.data.call.id
  await ask(visitor, 'call:answer', { channelId: channel.id, callId, accept: true })
  const joined = await ask(visitor, 'media:join', { channelId: channel.id, callId })
  expect(joined.ok && joined.data.audioMimeType).toBe('audio/PCMU') // a phone room: the tenant has a trunk
  await ask(agent, 'media:join', { channelId: channel.id, callId })
  return { agent, visitor, token: visitorSession.visitorToken, channelId: channel.id, callId: callId as string }
}

describe('fallback to the phone', () => {
  it('calls the visitor when their connection drops, in the same call; back online they chat beside the phone leg', async () => {
    const { sipp, port } = await sippTrunk('uas_answer.xml')
    await createTrunk(parley, { port, username: null, password: null })
    const { agent, visitor, token, channelId, callId } = await callInProgress('fb-1', true)
    const dropped = Date.now()
    visitor.disconnect()
    await eventually(async () => expect((await phoneEvents(parley, channelId)).map((e) => e.type)).toEqual(expect.arrayContaining(['phone.dialing', 'phone.answered'])), 10_000)
    const dialing = (await phoneEvents(parley, channelId)).find((e) => e.type === 'phone.dialing')!
    expect(dialing.payload).toMatchObject({ purpose: 'fallback', callId })
    const row = await parley.db.phoneCall.findUniqueOrThrow({ where: { id: dialing.payload.phoneCallId as string } })
    expect(row.createdAt.getTime() - dropped).toBeLessThan(3000)
    // same call, same agent; the dead browser is out of the room
    expect(parley.services.calls.callOf(channelId)?.id).toBe(callId)
    const room = await parley.services.media.roomOf(callId)
    const visitorParticipant = parley.services.channels.participantsOf(channelId).find((p) => p.role === 'visitor')!
    expect(room!.participantIds()).not.toContain(visitorParticipant.id)

    // the browser comes back: the chat resumes next to the phone leg
    const back = connectVisitor(parley.url, parley.shopUrl!, { visitorToken: token })
    sockets.push(back)
    const session = await nextSession.visitor(back)
    expect(session.channels[0]?.call).toMatchObject({ id: callId, status: 'active' })
    expect(await ask(back, 'media:join', { channelId, callId })).toMatchObject({ ok: false, error: { code: 'invalid_state', message: expect.stringContaining('on your phone') } })
    expect((await ask(back, 'chat:send', { channelId, clientMsgId: 'fb-chat', text: 'I am back in the chat' })).ok).toBe(true)
    expect(parley.services.phone.legOfCall(callId)?.status).toBe('answered')

    await ask(agent, 'channel:leave', { channelId })
    expect((await sipp.result()).code).toBe(0) // our BYE
    await eventually(async () => expect((await phoneEvents(parley, channelId)).find((e) => e.type === 'phone.ended')?.payload).toMatchObject({ reason: 'call_ended' }))
  })

  it('does not dial without the visitor\'s consent, and not when they come back in time', async () => {
    const { port } = await sippTrunk('uas_answer.xml')
    await createTrunk(parley, { port, username: null, password: null })
    const first = await callInProgress('fb-2', false)
    first.visitor.disconnect()
    await new Promise((resolve) => setTimeout(resolve, 1000))
    expect((await phoneEvents(parley, first.channelId)).map((e) => e.type)).not.toContain('phone.dialing')
    await ask(first.agent, 'channel:leave', { channelId: first.channelId })

    const second = await callInProgress('fb-3', true)
    second.visitor.disconnect()
    // a blink: back within the grace period (a page reload presents the same token)
    const back = connectVisitor(parley.url, parley.shopUrl!, { visitorToken: second.token })
    sockets.push(back)
    await nextSession.visitor(back)
    await new Promise((resolve) => setTimeout(resolve, 1000))
    expect((await phoneEvents(parley, second.channelId)).map((e) => e.type)).not.toContain('phone.dialing')
    await ask(second.agent, 'channel:leave', { channelId: second.channelId })
  })
})

describe('shutdown', () => {
  it('hangs up phone calls in progress (BYE)', async () => {
    const own = await startTestParley(mediaOverrides())
    try {
      const { sipp, port } = await sippTrunk('uas_answer.xml')
      await createTrunk(own, { port, username: null, password: null })
      const { agent, visitor, channel } = await startChat(own, { clientRequestId: 'sd-1' })
      sockets.push(agent, visitor)
      await ask(visitor, 'phone:call', { channelId: channel.id, number: VISITOR_NUMBER })
      await eventually(async () => expect((await phoneEvents(own, channel.id)).map((e) => e.type)).toContain('phone.answered'))
      await own.close()
      expect((await sipp.result()).code).toBe(0)
    } finally {
      await own.close()
    }
  })
})
