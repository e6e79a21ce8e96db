import { describe, expect, it, vi } from 'vitest'
import { Core, Invitation, SessionState } from 'sip.js'
import { installSipjsGuards, sipjsGuardsInstalled } from './sipjs-guards.js'

describe('sip.js guards', () => {
  it('makes onAckTimeout harmless on terminated sessions and swallows its errors otherwise', () => {
    const warn = vi.fn()
    installSipjsGuards({ warn })
    installSipjsGuards({ warn }) // idempotent
    expect(sipjsGuardsInstalled()).toBe(true)
    const onAckTimeout = (Invitation.prototype as unknown as { onAckTimeout(this: unknown): void }).onAckTimeout
    // the crash case: a late ACK timeout after BYE already ended the session
    expect(() => onAckTimeout.call({ state: SessionState.Terminated })).not.toThrow()
    // sip.js would throw "Dialog undefined." from a timer here
    expect(() => onAckTimeout.call({ state: SessionState.Established, id: 'x', logger: { log() {} }, dialog: undefined })).not.toThrow()
    expect(warn).toHaveBeenCalledTimes(1)
  })

  it('gives client transactions 64-bit random branches (CANCEL keeps its INVITE branch)', () => {
    installSipjsGuards()
    const makeId = (Core.ClientTransaction as unknown as { makeId(request: { method: string; branch?: string }): string }).makeId
    const ids = new Set(Array.from({ length: 10_000 }, () => makeId({ method: 'INVITE' })))
    expect(ids.size).toBe(10_000)
    expect([...ids][0]).toMatch(/^z9hG4bK[0-9a-f]{16}$/)
    expect(makeId({ method: 'CANCEL', branch: 'z9hG4bKsame' })).toBe('z9hG4bKsame')
  })
})
