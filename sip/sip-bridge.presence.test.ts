/**
 * SIP PUBLISH presence from a real client (sipp playing an agent's phone): digest challenge
 * through the server's authorize hook, PIDF parsed into typed presence events, SIP-ETag
 * refresh/modify/remove, and 4xx for bad bodies. Edge cases the sipp scenario does not cover
 * are sent from a raw UDP socket.
 */
import dgram from 'node:dgram'
import { afterEach, describe, expect, it } from 'vitest'
import { buildPidf } from './pidf.js'
import type { PresenceAuthRequest, PresenceEvent } from './presence-inbox.js'
import { cleanup, startBridge, track } from './testing/harness.js'
import { freePort } from './testing/ports.js'
import { Sipp } from './testing/sipp.js'
import { waitFor } from './testing/wait.js'

afterEach(cleanup)

describe('presence by SIP PUBLISH', () => {
  it('challenges, accepts PIDF, emits presence events, handles modify, bad body (400) and removal', async () => {
    const asked: PresenceAuthRequest[] = []
    const bridge = await startBridge(
      { port: 5060 },
      {
        presence: {
          authorize: (request) => {
            asked.push(request)
            return request.user === 'agent7' ? { action: 'digest', credentials: { username: 'agent7', password: 'secret7' } } : { action: 'deny' }
          },
        },
      },
    )
    const events: PresenceEvent[] = []
    bridge.on('presence', (event) => events.push(event))
    const sipp = await Sipp.start({ scenario: 'uac_publish.xml', localPort: await freePort(), remote: `127.0.0.1:${bridge.address('trunk').port}` })
    expect((await sipp.result()).code).toBe(0)
    expect(sipp.logs()).toContain('MALFORMED REJECTED')
    expect(sipp.logs()).toContain('REMOVED')
    expect(events).toEqual([
      { entity: 'sip:agent7@127.0.0.1', user: 'agent7', status: 'open', note: 'Ready for calls', activity: 'unknown', cause: 'publish' },
      { entity: 'sip:agent7@127.0.0.1', user: 'agent7', status: 'closed', note: 'On a break', activity: 'away', cause: 'publish' },
      { entity: 'sip:agent7@127.0.0.1', user: 'agent7', status: 'closed', cause: 'removed' },
    ])
    expect(asked[0]).toMatchObject({ entity: 'sip:agent7@127.0.0.1', user: 'agent7', source: { host: '127.0.0.1', protocol: 'UDP' } })
  })

  it('answers the RFC 3903 error cases from a raw client', async () => {
    const bridge = await startBridge({ port: 5060 }, { presence: { authorize: (request) => (request.user === 'pbx' || request.user === 'other' ? { action: 'allow' } : { action: 'deny' }) } })
    const events: PresenceEvent[] = []
    bridge.on('presence', (event) => events.push(event))
    const port = bridge.address('trunk').port
    const socket = dgram.createSocket('udp4')
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()))
    track({ close: () => socket.close() })
    const replies: string[] = []
    socket.on('message', (message) => replies.push(message.toString()))
    let cseq = 0
    const publish = async (user: string, headers: Record<string, string>, body = ''): Promise<string> => {
      cseq++
      const lines = [
        `PUBLISH sip:${user}@127.0.0.1:${port} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${socket.address().port};branch=z9hG4bKpub${cseq}x${Date.now()};rport`,
        `From: <sip:${user}@127.0.0.1>;tag=f${cseq}`,
        `To: <sip:${user}@127.0.0.1>`,
        `Call-ID: pub-${cseq}-${Date.now()}`,
        `CSeq: ${cseq} PUBLISH`,
        'Max-Forwards: 70',
        ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
        `Content-Length: ${Buffer.byteLength(body)}`,
      ]
      const before = replies.length
      socket.send(`${lines.join('\r\n')}\r\n\r\n${body}`, port, '127.0.0.1')
      return waitFor(() => replies[before], 'a PUBLISH response', 3000)
    }
    const pidf = (entity: string, status: 'open' | 'closed') => buildPidf({ entity, status, note: 'via PBX' })
    const code = (reply: string) => Number(reply.slice(8, 11))

    expect(code(await publish('nobody', { Event: 'presence', 'Content-Type': 'application/pidf+xml' }, pidf('sip:nobody@x', 'open')))).toBe(403)
    const badEvent = await publish('pbx', { Event: 'dialog', 'Content-Type': 'application/pidf+xml' }, pidf('sip:pbx@x', 'open'))
    expect(code(badEvent)).toBe(489)
    expect(badEvent).toMatch(/Allow-Events: presence/)
    const badType = await publish('pbx', { Event: 'presence', 'Content-Type': 'text/plain' }, 'open')
    expect(code(badType)).toBe(415)
    expect(badType).toMatch(/Accept: application\/pidf\+xml/)
    expect(code(await publish('pbx', { Event: 'presence', 'Content-Type': 'application/pidf+xml' }, '<presence><oops'))).toBe(400)
    expect(code(await publish('pbx', { Event: 'presence', 'Content-Type': 'application/pidf+xml' }, '<!DOCTYPE x [<!ENTITY a "aaaa">]><presence/>'))).toBe(400)
    expect(code(await publish('pbx', { Event: 'presence', 'Content-Type': 'application/pidf+xml' }, pidf('sip:someone-else@x', 'open')))).toBe(400)
    expect(code(await publish('pbx', { Event: 'presence' }))).toBe(400)
    const brief = await publish('pbx', { Event: 'presence', Expires: '5', 'Content-Type': 'application/pidf+xml' }, pidf('sip:pbx@x', 'open'))
    expect(code(brief)).toBe(423)
    expect(brief).toMatch(/Min-Expires: 60/)
    expect(code(await publish('pbx', { Event: 'presence', 'SIP-If-Match': 'nosuchtag' }))).toBe(412)
    expect(events).toEqual([])

    const created = await publish('pbx', { Event: 'presence', Expires: '99999', 'Content-Type': 'application/pidf+xml' }, pidf('pres:pbx@x', 'open'))
    expect(code(created)).toBe(200)
    expect(created).toMatch(/Expires: 3600/)
    const etag = /SIP-ETag: (\S+)/.exec(created)?.[1]
    expect(etag).toBeDefined()
    // another entity cannot use pbx's tag
    expect(code(await publish('other', { Event: 'presence', 'SIP-If-Match': etag! }))).toBe(412)
    const refreshed = await publish('pbx', { Event: 'presence', 'SIP-If-Match': etag! })
    expect(code(refreshed)).toBe(200)
    expect(/SIP-ETag: (\S+)/.exec(refreshed)?.[1]).not.toBe(etag)
    // the old tag is gone after a refresh
    expect(code(await publish('pbx', { Event: 'presence', 'SIP-If-Match': etag! }))).toBe(412)
    expect(events).toEqual([{ entity: 'sip:pbx@127.0.0.1', user: 'pbx', status: 'open', note: 'via PBX', cause: 'publish' }])
  })
})
