import { describe, expect, it } from 'vitest'
import { auditSnapshot } from './audit-log.js'

describe('audit snapshots', () => {
  it('leave secrets out', () => {
    expect(JSON.parse(auditSnapshot({ name: 'trunk', authPassword: 'hunter2', nested: { secret: 's', keyHash: 'h', passwordSet: true }, apiKey: 'pk_x', key: 'language' })!)).toEqual({ name: 'trunk', authPassword: '[redacted]', nested: { secret: '[redacted]', keyHash: '[redacted]', passwordSet: true }, apiKey: '[redacted]', key: 'language' })
    expect(auditSnapshot(null)).toBeNull()
  })
})
