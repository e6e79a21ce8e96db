import { describe, expect, it } from 'vitest'
import { VisitorTokens } from './visitor-token.js'

const tokens = new VisitorTokens('a-secret-that-is-long-enough-for-tests')

describe('VisitorTokens', () => {
  it('round-trips tenant and visitor', () => {
    const at = new Date('2026-11-23T10:00:00Z')
    expect(tokens.verify(tokens.sign('tn_1', 'vi_abc-_', at))).toEqual({ tenantId: 'tn_1', visitorId: 'vi_abc-_', issuedAt: at })
  })

  it('rejects forged, truncated, foreign-key and malformed tokens', () => {
    const token = tokens.sign('tn_1', 'vi_1')
    const [v, tenant, visitor, issued, mac] = token.split('.')
    expect(tokens.verify([v, tenant, 'vi_2', issued, mac].join('.'))).toBeNull()
    expect(tokens.verify(token.slice(0, -1))).toBeNull()
    expect(new VisitorTokens('another-secret-that-is-long-enough').verify(token)).toBeNull()
    for (const bad of [null, undefined, '', 'v1', 'v2.a.b.1.x', `${token}.extra`, 'x'.repeat(600), 'v1.a b.c.1.x']) expect(tokens.verify(bad)).toBeNull()
  })
})
