/**
 * The UDP transport on real sockets: Timers A/E (what sip.js lacks), Via sent-by port and
 * received/rport, the response cache for retransmitted requests (Timer J) and re-ACKing a
 * retransmitted failure response (Timer D).
 */
import dgram from 'node:dgram'
import { afterEach, describe, expect, it } from 'vitest'
import { UdpTransport } from './udp-transport.js'
import { waitFor } from './testing/wait.js'

const open: { close(): unknown }[] = []
afterEach(async () => {
  for (const item of open.splice(0)) await item.close()
})

async function peer() {
  const socket = dgram.createSocket('udp4')
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()))
  const got: { text: string; at: number; port: number }[] = []
  socket.on('message', (message, rinfo) => got.push({ text: message.toString(), at: Date.now(), port: rinfo.port }))
  open.push({ close: () => socket.close() })
  return { socket, got, port: socket.address().port, send: (text: string, port: number) => socket.send(text, port, '127.0.0.1') }
}

async function transport(t1Ms: number, proxyPort?: number) {
  const t = new UdpTransport(undefined, { bindIp: '127.0.0.1', port: 0, t1Ms, outboundProxy: proxyPort ? { host: '127.0.0.1', port: proxyPort } : undefined })
  await t.connect()
  open.push({ close: () => t.dispose() })
  const inbound: string[] = []
  t.onMessage = (message) => inbound.push(message)
  return { t, inbound }
}

const req = (method: string, branch: string, extra = '') =>
  `${method} sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=${branch};rport\r\nTo: <sip:x@y>${extra}\r\nFrom: <sip:a@b>;tag=1\r\nCall-ID: c-${branch}\r\nCSeq: 1 ${method}\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`
const response = (status: string, method: string, branch: string, via = `SIP/2.0/UDP 127.0.0.1;branch=${branch}`) =>
  `SIP/2.0 ${status}\r\nVia: ${via}\r\nTo: <sip:x@y>;tag=2\r\nFrom: <sip:a@b>;tag=1\r\nCall-ID: c-${branch}\r\nCSeq: 1 ${method}\r\nContent-Length: 0\r\n\r\n`

describe('UDP transport', () => {
  it('retransmits an INVITE at T1, 2T1, 4T1... (Timer A) until any response, writing our port into Via', async () => {
    const far = await peer()
    const { t } = await transport(40, far.port)
    await t.send(req('INVITE', 'z9hG4bKa1'))
    await waitFor(() => far.got.length >= 3, 'three copies')
    expect(far.got[0]!.text).toContain(`Via: SIP/2.0/UDP 127.0.0.1:${t.localAddress.port};branch=z9hG4bKa1;rport`)
    const gaps = far.got.slice(1, 3).map((item, i) => item.at - far.got[i]!.at)
    expect(gaps[1]!).toBeGreaterThan(gaps[0]!) // doubling
    far.send(response('100 Trying', 'INVITE', 'z9hG4bKa1'), t.localAddress.port)
    await waitFor(() => t.pendingRetransmissions === 0, 'retransmissions to stop')
    const count = far.got.length
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(far.got.length).toBe(count)
    expect(t.stats.retransmissions).toBeGreaterThanOrEqual(2)
  })

  it('keeps retransmitting a non-INVITE after a provisional (Timer E) and stops on the final response; gives up after 64*T1', async () => {
    const far = await peer()
    const { t } = await transport(5, far.port)
    await t.send(req('OPTIONS', 'z9hG4bKe1'))
    far.send(response('100 Trying', 'OPTIONS', 'z9hG4bKe1'), t.localAddress.port)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(t.pendingRetransmissions).toBe(1)
    far.send(response('200 OK', 'OPTIONS', 'z9hG4bKe1'), t.localAddress.port)
    await waitFor(() => t.pendingRetransmissions === 0, 'the final response to stop it')
    await t.send(req('OPTIONS', 'z9hG4bKe2'))
    await waitFor(() => t.pendingRetransmissions === 0, 'Timer F to give up', 3000)
  })

  it('never retransmits ACK; sends the failure ACK where the INVITE went and repeats it (Timer D)', async () => {
    const far = await peer()
    const { t, inbound } = await transport(20, far.port)
    await t.send(req('INVITE', 'z9hG4bKc1'))
    far.send(response('487 Request Terminated', 'INVITE', 'z9hG4bKc1'), t.localAddress.port)
    await waitFor(() => inbound.length === 1, 'the 487')
    // an in-dialog-looking ACK (To tag) would normally go to its R-URI; with the INVITE's branch it follows the INVITE
    await t.send(req('ACK', 'z9hG4bKc1', ';tag=2').replace('sip:x@127.0.0.1', 'sip:x@192.0.2.99'))
    await new Promise((resolve) => setTimeout(resolve, 150))
    expect(far.got.filter((item) => item.text.startsWith('ACK')).length).toBe(1)
    // Timer D: the failure response comes again (our ACK was lost): ACK again, do not bother sip.js
    far.send(response('487 Request Terminated', 'INVITE', 'z9hG4bKc1'), t.localAddress.port)
    await waitFor(() => far.got.filter((item) => item.text.startsWith('ACK')).length === 2, 'a second ACK')
    expect(t.stats.absorbed).toBe(1)
  })

  it('stamps received/rport on inbound requests and routes the response to the source port', async () => {
    const far = await peer()
    const { t, inbound } = await transport(500)
    far.send(req('OPTIONS', 'z9hG4bKin1').replace('Via: SIP/2.0/UDP 127.0.0.1;', 'Via: SIP/2.0/UDP 10.1.2.3:5099;'), t.localAddress.port)
    await waitFor(() => inbound.length === 1, 'the request')
    expect(inbound[0]).toContain(`Via: SIP/2.0/UDP 10.1.2.3:5099;branch=z9hG4bKin1;rport=${far.port};received=127.0.0.1`)
    await t.send(response('200 OK', 'OPTIONS', 'z9hG4bKin1', `SIP/2.0/UDP 10.1.2.3:5099;branch=z9hG4bKin1;rport=${far.port};received=127.0.0.1`))
    await waitFor(() => far.got.length === 1, 'the response at the source port (not 10.1.2.3:5099)')
  })

  it('answers a retransmitted request from the response cache (Timer J) without passing it up again', async () => {
    const far = await peer()
    const { t, inbound } = await transport(500)
    const bye = req('BYE', 'z9hG4bKj1').replace('Via: SIP/2.0/UDP 127.0.0.1;', `Via: SIP/2.0/UDP 127.0.0.1:${far.port};`)
    far.send(bye, t.localAddress.port)
    await waitFor(() => inbound.length === 1, 'the BYE')
    await t.send(response('200 OK', 'BYE', 'z9hG4bKj1', `SIP/2.0/UDP 127.0.0.1:${far.port};branch=z9hG4bKj1;rport=${far.port}`))
    far.send(bye, t.localAddress.port) // our 200 was "lost"
    await waitFor(() => far.got.length === 2, 'the cached 200 again')
    expect(far.got[1]!.text).toBe(far.got[0]!.text)
    expect(inbound).toHaveLength(1)
    expect(t.stats.absorbed).toBe(1)
  })

  it('is idempotent to start and stop, and refuses to send when stopped', async () => {
    const { t } = await transport(500)
    await t.connect()
    await t.disconnect()
    await t.disconnect()
    await expect(t.send(req('OPTIONS', 'z9hG4bKx'))).rejects.toThrow(/not connected/)
  })
})
