import { describe, expect, it } from 'vitest'
import { SipValidationError } from './errors.js'
import { dtmfDigitsSchema, e164, parseInput, placeCallSchema, transferTargetSchema, trunkListSchema } from './schemas.js'

describe('input schemas', () => {
  it('accepts E.164 with 8 to 15 digits and nothing else', () => {
    for (const good of ['+12345678', '+15551230000', '+123456789012345']) expect(e164.safeParse(good).success).toBe(true)
    for (const bad of ['+1234567', '+1234567890123456', '15551230000', '+05551230000', '+1 555 123', '+1555abc0000', '']) expect(e164.safeParse(bad).success).toBe(false)
  })

  it('names the offending field in SipValidationError', () => {
    try {
      parseInput('call', placeCallSchema, { trunk: 't', to: '+15551230000', rtp: { localIp: '127.0.0.1', localPort: 0 } })
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(SipValidationError)
      expect((error as SipValidationError).issues[0]!.path).toBe('rtp.localPort')
      expect((error as SipValidationError).status).toBe(400)
    }
    expect(() => parseInput('call', placeCallSchema, { trunk: 't', to: '+15551230000', rtp: { localIp: '::1', localPort: 4000, io: {} } })).toThrow(/rtp\.io/)
    expect(() => parseInput('call', placeCallSchema, { trunk: 't', to: '+15551230000', displayName: 'a"b', rtp: { localIp: '::1', localPort: 4000 } })).toThrow(/displayName/)
  })

  it('checks trunk lists for duplicates and fills defaults', () => {
    const trunk = { id: 'a', host: 'sbc.example.com', callerId: '+15550001111' }
    expect(trunkListSchema.parse([trunk])[0]).toMatchObject({ transport: 'udp', localIp: '127.0.0.1', localPort: 0, ringTimeoutSec: 45, register: false, dids: [] })
    expect(() => parseInput('trunks', trunkListSchema, [trunk, trunk])).toThrow(/duplicate trunk id/)
    expect(() => parseInput('trunks', trunkListSchema, [{ ...trunk, localPort: 5070 }, { ...trunk, id: 'b', localPort: 5070 }])).toThrow(/local port 5070 used twice/)
    // a bridge may run without trunks (the server starts it before loading the tenants' trunks)
    expect(parseInput('trunks', trunkListSchema, [])).toEqual([])
    expect(() => parseInput('trunks', trunkListSchema, Array.from({ length: 257 }, (_, i) => ({ ...trunk, id: `t${i}` })))).toThrow()
  })

  it('validates DTMF digits and transfer targets', () => {
    expect(dtmfDigitsSchema.safeParse('0123456789*#ABCDabcd').success).toBe(true)
    expect(dtmfDigitsSchema.safeParse('12e').success).toBe(false)
    expect(dtmfDigitsSchema.safeParse('1'.repeat(33)).success).toBe(false)
    expect(transferTargetSchema.safeParse('sip:queue@pbx.example.com').success).toBe(true)
    expect(transferTargetSchema.safeParse('+15559990000').success).toBe(true)
    expect(transferTargetSchema.safeParse('http://evil').success).toBe(false)
    expect(transferTargetSchema.safeParse('sip:a@b>\r\nX-Injected: 1').success).toBe(false)
  })
})
