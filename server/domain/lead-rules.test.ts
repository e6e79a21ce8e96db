import { describe, expect, it } from 'vitest'
import { isMaskedField, refuseLeadUrl, refusePass, samePage, type LeadMember } from './lead-rules.js'

const member = (id: string, role: LeadMember['role'], extra: Partial<LeadMember> = {}): LeadMember => ({ id, role, present: true, silent: false, ...extra })
const field = (extra: Partial<{ type: string; name: string; id: string; autocomplete: string }>) => ({ type: 'text', name: '', id: '', autocomplete: '', ...extra })

describe('refuseLeadUrl', () => {
  const origins = ['https://shop.example', 'http://127.0.0.1:8081']
  it('allows pages of the tenant’s own origins', () => {
    expect(refuseLeadUrl('https://shop.example/products/x?y=1#z', origins)).toBeNull()
    expect(refuseLeadUrl('http://127.0.0.1:8081/', origins)).toBeNull()
  })
  it('refuses other origins, other schemes and credentials', () => {
    expect(refuseLeadUrl('https://evil.example/', origins)).toMatch(/not one of this site/)
    expect(refuseLeadUrl('javascript:alert(1)', origins)).toMatch(/http/)
    expect(refuseLeadUrl('data:text/html,<b>x</b>', origins)).toMatch(/http/)
    expect(refuseLeadUrl('https://user:pw@shop.example/', origins)).toMatch(/credentials/)
    expect(refuseLeadUrl('not a url', origins)).toMatch(/valid/)
    // same host, other port or scheme: another origin
    expect(refuseLeadUrl('http://shop.example/', origins)).not.toBeNull()
  })
})

describe('isMaskedField', () => {
  it('masks passwords, hidden and file inputs whatever their names', () => {
    expect(isMaskedField(field({ type: 'password', name: 'x' }), [])).toBe(true)
    expect(isMaskedField(field({ type: 'PASSWORD' }), [])).toBe(true)
    expect(isMaskedField(field({ type: 'hidden', name: 'csrf' }), [])).toBe(true)
  })
  it('masks card fields by autocomplete and name, and the tenant’s words', () => {
    expect(isMaskedField(field({ autocomplete: 'cc-number' }), [])).toBe(true)
    expect(isMaskedField(field({ name: 'cardNumber' }), [])).toBe(true)
    expect(isMaskedField(field({ id: 'cvv2' }), [])).toBe(true)
    expect(isMaskedField(field({ name: 'tax_id' }), ['tax'])).toBe(true)
  })
  it('leaves ordinary fields fillable', () => {
    expect(isMaskedField(field({ name: 'shipping-street', autocomplete: 'address-line1' }), [])).toBe(false)
    expect(isMaskedField(field({ type: 'email', name: 'email' }), [])).toBe(false)
    expect(isMaskedField(field({ type: 'checkbox', name: 'gift' }), [''])).toBe(false)
  })
})

describe('refusePass', () => {
  const agent = member('ag', 'agent')
  const visitor = member('v1', 'visitor')
  const other = member('v2', 'visitor')
  const monitor = member('su', 'supervisor', { silent: true })
  const all = [agent, visitor, other, monitor]
  it('lets the leader hand on and the agent take back', () => {
    expect(refusePass(all, 'ag', 'ag', 'v1')).toBeNull()
    expect(refusePass(all, 'v1', 'v1', 'v2')).toBeNull()
    expect(refusePass(all, 'v2', 'ag', 'ag')).toBeNull()
  })
  it('refuses followers, absent targets and silent supervisors', () => {
    expect(refusePass(all, 'ag', 'v1', 'v1')).toMatch(/only the leader/)
    expect(refusePass(all, 'ag', 'ag', 'nobody')).toMatch(/not in this conversation/)
    expect(refusePass([agent, { ...visitor, present: false }], 'ag', 'ag', 'v1')).toMatch(/not in this conversation/)
    expect(refusePass(all, 'ag', 'ag', 'su')).toMatch(/supervisor/)
    expect(refusePass(all, 'ag', 'su', 'v1')).toMatch(/only the leader/)
  })
})

describe('samePage', () => {
  it('ignores the fragment, not the query', () => {
    expect(samePage('https://a.example/p?x=1#top', 'https://a.example/p?x=1')).toBe(true)
    expect(samePage('https://a.example/p?x=1', 'https://a.example/p?x=2')).toBe(false)
    expect(samePage('https://a.example/p', 'bogus')).toBe(false)
  })
})
