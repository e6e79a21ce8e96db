import { describe, expect, it } from 'vitest'
import { LinkTokens } from './link-token.js'

const tokens = new LinkTokens('s'.repeat(32))
const claims = { kind: 'lead' as const, tenantId: 'tn_1', channelId: 'ch_1', agentId: 'ag_1', exp: Math.floor(Date.now() / 1000) + 60 }

describe('link tokens', () => {
  it('round-trips genuine claims of the right kind', () => {
    expect(tokens.verify(tokens.sign(claims), 'lead')).toEqual(claims)
    expect(tokens.verify(tokens.sign(claims), 'invite')).toBeNull()
  })
  it('refuses expired, tampered and foreign tokens', () => {
    expect(tokens.verify(tokens.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 1 }), 'lead')).toBeNull()
    const token = tokens.sign(claims)
    const [head, body, mac] = token.split('.')
    const forged = Buffer.from(JSON.stringify({ ...claims, channelId: 'ch_2' })).toString('base64url')
    expect(tokens.verify(`${head}.${forged}.${mac}`, 'lead')).toBeNull()
    expect(tokens.verify(new LinkTokens('t'.repeat(32)).sign(claims), 'lead')).toBeNull()
    expect(tokens.verify(`${head}.${body}`, 'lead')).toBeNull()
    expect(tokens.verify('', 'lead')).toBeNull()
  })
})
