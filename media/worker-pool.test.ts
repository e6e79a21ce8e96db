/**
 * The worker pool with real mediasoup workers: start/close, least-loaded placement, and a
 * worker SIGKILLed mid-call (real Chromium) → worker-died naming the room, a new worker on
 * the same port, the room re-created and media flowing again.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { InvalidStateError } from './errors.js'
import { parseMediaConfig } from './media-config.js'
import type { MediasoupGateway } from './media-gateway.js'
import type { RoomClosedEvent } from './media-room.js'
import type { MediaFailedEvent } from './types.js'
import { BROWSER_TEST_MS, BrowserHarness, nextEvent, startGateway, waitFor } from './test-support/harness.js'
import { workerBinaryExists } from './worker-binary.js'
import { type WorkerDiedEvent, WorkerPool } from './worker-pool.js'

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('WorkerPool', () => {
  it('starts one worker per slot, places routers on the least loaded one, and closes', async () => {
    expect(workerBinaryExists()).toBe(true)
    const base = 20000 + Math.floor(Math.random() * 120) * 100
    const pool = await WorkerPool.start(parseMediaConfig({ numWorkers: 2, rtcMinPort: base, rtcMaxPort: base + 99 }))
    const workers = pool.workers()
    expect(workers.map((w) => w.port)).toEqual([base, base + 1])
    const pids = workers.map((w) => w.pid!)
    for (const pid of pids) expect(alive(pid)).toBe(true)

    const a = await pool.createRouter('room-a', [])
    const b = await pool.createRouter('room-b', [])
    expect(new Set([a.workerIndex, b.workerIndex])).toEqual(new Set([0, 1]))
    const c = await pool.createRouter('room-c', []) // tie: the first slot
    expect(c.workerIndex).toBe(a.workerIndex)
    b.router.close()
    const d = await pool.createRouter('room-d', [])
    expect(d.workerIndex).toBe(b.workerIndex) // emptied by b: now the least loaded
    expect(pool.workers().map((w) => w.rooms)).toEqual(a.workerIndex === 0 ? [2, 1] : [1, 2])

    pool.close()
    pool.close() // idempotent
    expect(pool.closed).toBe(true)
    expect(d.router.closed).toBe(true)
    await expect(pool.createRouter('late', [])).rejects.toThrow(InvalidStateError)
    await waitFor('worker processes to exit', () => pids.every((pid) => !alive(pid)))
  })
})

describe('a worker killed mid-call', () => {
  let gateway: MediasoupGateway | undefined
  let harness: BrowserHarness | undefined

  afterAll(async () => {
    await harness?.close()
    gateway?.close()
  })

  it('reports worker-died with the room, restarts on the same port, and the re-created room carries media again', async () => {
    gateway = await startGateway({ numWorkers: 1 })
    const g = gateway
    harness = await BrowserHarness.start((roomId) => g.getRoom(roomId))
    const [before] = g.workers()
    const room = await g.createRoom('call-k')
    const alice = await harness.open('call-k', 'alice')
    const bob = await harness.open('call-k', 'bob')
    for (const p of [alice, bob]) await p.join()
    await alice.produce({ audio: true, video: true })
    await bob.consumeAll()
    await bob.waitForGrowth(['audio', 'video'])

    const died = nextEvent<WorkerDiedEvent>(g, 'worker-died')
    const failed = nextEvent<MediaFailedEvent>(g, 'media-failed', (e) => e.reason === 'worker-died')
    const closed = nextEvent<RoomClosedEvent>(room, 'close')
    process.kill(room.workerPid, 'SIGKILL')

    const event = await died
    expect(event.roomIds).toEqual(['call-k'])
    expect(event.pid).toBe(before!.pid)
    expect((await failed).roomId).toBe('call-k')
    expect((await closed).reason).toBe('worker-died')
    expect(g.getRoom('call-k')).toBeUndefined()

    // A new worker on the same WebRtcServer port.
    const after = await waitFor('a replacement worker', () => {
      const [w] = g.workers()
      return w?.pid !== undefined && w.pid !== before!.pid ? w : undefined
    })
    expect(after.port).toBe(before!.port)
    expect(alive(after.pid!)).toBe(true)

    // The channel re-creates the room (same id) and the clients reconnect: media flows again.
    const again = await g.createRoom('call-k')
    expect(again.workerPid).toBe(after.pid)
    for (const p of [alice, bob]) {
      await p.reset()
      await p.join()
    }
    await alice.produce({ audio: true, video: true })
    await bob.consumeAll()
    await bob.waitForGrowth(['audio', 'video'])
    g.closeRoom('call-k')
  }, BROWSER_TEST_MS)
})
