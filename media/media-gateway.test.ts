/** The MediaGateway seam over real workers: rooms by id, conflicts, close cascades. */
import { describe, expect, it } from 'vitest'
import { InvalidStateError, MediaConflictError } from './errors.js'
import type { RoomClosedEvent } from './media-room.js'
import { startGateway } from './test-support/harness.js'

describe('MediasoupGateway', () => {
  it('creates, finds and closes rooms, spreads them over the workers, and closes everything once', async () => {
    const gateway = await startGateway({ numWorkers: 2 })
    const closed: RoomClosedEvent[] = []
    gateway.on('room-closed', (event) => closed.push(event))

    const a = await gateway.createRoom('a')
    const b = await gateway.createRoom('b', { phone: true })
    expect(new Set([a.workerIndex, b.workerIndex])).toEqual(new Set([0, 1]))
    expect(gateway.getRoom('a')).toBe(a)
    expect(gateway.roomIds().sort()).toEqual(['a', 'b'])
    await expect(gateway.createRoom('a')).rejects.toThrow(MediaConflictError)
    const racing = await Promise.allSettled([gateway.createRoom('c'), gateway.createRoom('c')])
    expect(racing.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected'])
    expect(racing.find((r) => r.status === 'rejected')?.reason).toBeInstanceOf(MediaConflictError)
    expect(b.rtpCapabilities.codecs?.some((c) => c.mimeType === 'audio/PCMU')).toBe(true)
    expect(a.rtpCapabilities.codecs?.some((c) => c.mimeType === 'audio/PCMU')).toBe(false)

    a.join('alice')
    gateway.closeRoom('a')
    gateway.closeRoom('a') // no-op
    expect(a.closed).toBe(true)
    expect(gateway.getRoom('a')).toBeUndefined()
    expect(closed).toEqual([{ roomId: 'a', reason: 'closed', usage: [] }])

    gateway.close()
    gateway.close() // idempotent
    expect(b.closed).toBe(true)
    expect(closed.map((e) => e.roomId).sort()).toEqual(['a', 'b', 'c'])
    expect(() => b.join('bob')).toThrow(InvalidStateError)
    await expect(gateway.createRoom('d')).rejects.toThrow(InvalidStateError)
  })
})
