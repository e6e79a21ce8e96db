import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pino } from 'pino'
import type { ChannelEvent } from '../../web/protocol/channel-event.js'
import { freshDataDir } from '../../test/support/parley-harness.js'
import { openDatabase, sqliteFile, type Database } from '../store/database.js'
import { PrismaEventStore, type EventStore } from '../store/event-store.js'
import { newId } from '../store/ids.js'
import { SqliteEventStore } from '../store/sqlite-event-store.js'
import { EventLog, StoreWriteError } from './event-log.js'

let db: Database
let databaseUrl: string
const stores: EventStore[] = []
const log = pino({ level: 'silent' })

async function newChannel(): Promise<string> {
  const tenantId = newId('tn')
  const visitorId = newId('vi')
  const requestId = newId('rq')
  const channelId = newId('ch')
  await db.tenant.create({ data: { id: tenantId, slug: tenantId.toLowerCase().replace(/[^a-z0-9]/g, ''), name: 't' } })
  await db.visitor.create({ data: { id: visitorId, tenantId } })
  await db.request.create({ data: { id: requestId, tenantId, visitorId, clientRequestId: 'c', question: 'q' } })
  await db.channel.create({ data: { id: channelId, tenantId, requestId } })
  return channelId
}

const message = (channelId: string, text: string, clientMsgId?: string) => ({
  channelId,
  type: 'chat.message' as const,
  author: { role: 'visitor' as const, participantId: 'pa_1', name: 'V' },
  ...(clientMsgId ? { clientMsgId } : {}),
  payload: { text },
})

beforeAll(async () => {
  databaseUrl = freshDataDir().databaseUrl
  db = await openDatabase({ DATABASE_URL: databaseUrl, databaseProvider: 'sqlite' })
})

afterAll(async () => {
  for (const store of stores) store.close()
  await db.$disconnect()
})

const kinds: [string, () => EventStore][] = [
  ['sqlite store', () => new SqliteEventStore(sqliteFile(databaseUrl))],
  ['prisma store', () => new PrismaEventStore(db)],
]

describe.each(kinds)('EventLog on the %s', (_kind, makeStore) => {
  const newStore = () => {
    const store = makeStore()
    stores.push(store)
    return store
  }

  it('gives dense seqs and writes one tick of appends in one group commit, fanned out before the appenders hear back', async () => {
    const channelId = await newChannel()
    const events = new EventLog(newStore(), log)
    const commits: number[][] = []
    const order: string[] = []
    events.onCommit = (committed) => {
      commits.push(committed.map((c) => c.event.seq))
      order.push('commit')
    }
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => events.append(message(channelId, `m${i}`)).then((r) => (order.push('resolved'), r))))
    expect(results.map((r) => r.event.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    expect(commits).toEqual([Array.from({ length: 20 }, (_, i) => i + 1)])
    expect(order[0]).toBe('commit')
    const stored = await events.read(channelId, 0, 100)
    expect(stored.events.map((e) => (e.payload as { text: string }).text)).toEqual(results.map((r) => (r.event.payload as { text: string }).text))
    expect(stored.hasMore).toBe(false)
  })

  it('returns the stored event for a repeated client message id, also after a restart', async () => {
    const channelId = await newChannel()
    const events = new EventLog(newStore(), log)
    const [a, b] = await Promise.all([events.append(message(channelId, 'hello', 'cm-1')), events.append(message(channelId, 'hello', 'cm-1'))])
    expect(a.duplicate).toBe(false)
    expect(b).toMatchObject({ duplicate: true, event: { seq: a.event.seq } })
    const restarted = new EventLog(newStore(), log)
    const again = await restarted.append(message(channelId, 'hello', 'cm-1'))
    expect(again).toMatchObject({ duplicate: true, event: { seq: 1, clientMsgId: 'cm-1' } })
    const next = await restarted.append(message(channelId, 'next'))
    expect(next.event.seq).toBe(2)
    expect(await db.channelEvent.count({ where: { channelId } })).toBe(2)
  })

  it('pages reads', async () => {
    const channelId = await newChannel()
    const events = new EventLog(newStore(), log)
    await Promise.all(Array.from({ length: 7 }, (_, i) => events.append(message(channelId, `p${i}`))))
    const first = await events.read(channelId, 0, 5)
    expect(first.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5])
    expect(first.hasMore).toBe(true)
    const rest = await events.read(channelId, 5, 5)
    expect(rest.events.map((e) => e.seq)).toEqual([6, 7])
    expect(rest.hasMore).toBe(false)
  })

  it('fails the whole batch on a store error without leaving a gap, and recovers', async () => {
    const channelId = await newChannel()
    const events = new EventLog(newStore(), log)
    await events.append(message(channelId, 'before'))
    const store = (events as unknown as { store: EventStore }).store
    const realInsert = store.insert.bind(store)
    let failures = 1
    store.insert = (rows) => (failures-- > 0 ? Promise.reject(new Error('disk full')) : realInsert(rows))
    const failed = await Promise.allSettled([events.append(message(channelId, 'lost-1', 'l1')), events.append(message(channelId, 'lost-2', 'l2'))])
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected'])
    expect((failed[0] as PromiseRejectedResult).reason).toBeInstanceOf(StoreWriteError)
    // the retry (same client id) lands right after the last stored event
    const retried = await events.append(message(channelId, 'lost-1', 'l1'))
    expect(retried).toMatchObject({ duplicate: false, event: { seq: 2 } })
    const seqs = (await events.read(channelId, 0, 10)).events.map((e: ChannelEvent) => e.seq)
    expect(seqs).toEqual([1, 2])
  })
})

describe('SqliteEventStore beside Prisma', () => {
  it('waits out a Prisma transaction holding the write lock without blocking, then commits', async () => {
    const channelId = await newChannel()
    const store = new SqliteEventStore(sqliteFile(databaseUrl))
    stores.push(store)
    const events = new EventLog(store, log)
    let ticks = 0
    const ticker = setInterval(() => ticks++, 5)
    let appended = false
    let pending: Promise<unknown> = Promise.resolve()
    const transaction = db.$transaction(async (tx) => {
      await tx.tenant.create({ data: { id: newId('tn'), slug: `lock${Date.now()}`, name: 'lock holder' } })
      pending = events.append(message(channelId, 'during the lock')).then(() => (appended = true))
      await new Promise((resolve) => setTimeout(resolve, 100))
      expect(appended).toBe(false) // blocked by the lock, yet the loop kept running
    })
    await transaction
    await pending
    clearInterval(ticker)
    expect(appended).toBe(true)
    expect(ticks).toBeGreaterThan(5)
    expect((await events.read(channelId, 0, 10)).events.map((e) => (e.payload as { text: string }).text)).toEqual(['during the lock'])
  })
})
