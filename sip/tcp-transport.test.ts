import { describe, expect, it } from 'vitest'
import { MAX_BODY_BYTES, StreamFramer } from './tcp-transport.js'

const message = (body: string) => `MESSAGE sip:a@b SIP/2.0\r\nl: ${Buffer.byteLength(body)}\r\nCall-ID: x\r\n\r\n${body}`

describe('stream framing by Content-Length', () => {
  it('cuts back-to-back messages, waits for partial ones, and counts bytes not characters', () => {
    const framer = new StreamFramer()
    const a = message('héllo')
    const b = message('')
    const whole = Buffer.from(a + b + a)
    const items = [...framer.push(whole.subarray(0, 10)), ...framer.push(whole.subarray(10, a.length + 20)), ...framer.push(whole.subarray(a.length + 20))]
    expect(items).toEqual([
      { kind: 'message', text: a },
      { kind: 'message', text: b },
      { kind: 'message', text: a },
    ])
  })

  it('answers CRLFCRLF keep-alive pings and skips pongs between messages', () => {
    const framer = new StreamFramer()
    expect(framer.push(Buffer.from('\r\n\r\n'))).toEqual([{ kind: 'ping' }])
    expect(framer.push(Buffer.from('\r\n'))).toEqual([])
    expect(framer.push(Buffer.from(message('x')))).toEqual([{ kind: 'message', text: message('x') }])
  })

  it('reports lost framing: absurd Content-Length, endless headers', () => {
    expect(new StreamFramer().push(Buffer.from(message('').replace('l: 0', `l: ${MAX_BODY_BYTES + 1}`)))[0]).toMatchObject({ kind: 'error' })
    expect(new StreamFramer().push(Buffer.from(message('').replace('l: 0', 'l: -5')))[0]).toMatchObject({ kind: 'error' })
    expect(new StreamFramer().push(Buffer.from(`INVITE sip:a@b SIP/2.0\r\nX: ${'y'.repeat(20_000)}`))[0]).toMatchObject({ kind: 'error' })
  })
})
