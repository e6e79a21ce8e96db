import { describe, expect, it } from 'vitest'
import { hashPassword, verifyPassword, UNKNOWN_ACCOUNT_HASH } from './password.js'

describe('password hashing', () => {
  it('verifies the right password only, with a random salt per hash', async () => {
    const hash = await hashPassword('s3cret pass')
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/)
    expect(await hashPassword('s3cret pass')).not.toBe(hash)
    expect(await verifyPassword('s3cret pass', hash)).toBe(true)
    expect(await verifyPassword('s3cret pasS', hash)).toBe(false)
    expect(await verifyPassword('anything', UNKNOWN_ACCOUNT_HASH)).toBe(false)
    expect(await verifyPassword('anything', 'plain-text')).toBe(false)
  })
})
