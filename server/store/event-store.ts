/**
 * Where channel events are kept. The event log's hot path (one write per group commit) goes
 * through this seam: SQLite gets a dedicated connection with prepared statements
 * (sqlite-event-store.ts), any other database goes through Prisma.
 */
import type { Database } from './database.js'

export interface EventRow {
  channelId: string
  seq: number
  type: string
  authorRole: string
  authorId: string | null
  authorName: string | null
  clientMsgId: string | null
  payload: string
  createdAt: Date
}

export interface EventStore {
  /** Write rows atomically (all or none). */
  insert(rows: readonly EventRow[]): Promise<void>
  /** Rows after `afterSeq`, oldest first, at most `limit`. */
  read(channelId: string, afterSeq: number, limit: number): Promise<EventRow[]>
  readOne(channelId: string, seq: number): Promise<EventRow | null>
  maxSeq(channelId: string): Promise<number>
  /** client message id -> seq of every event that has one */
  clientIds(channelId: string): Promise<Map<string, number>>
  close(): void
}

/** A write the store could not take right now but will on retry (e.g. SQLite busy). */
export class StoreBusyError extends Error {
  override name = 'StoreBusyError'
}

export class PrismaEventStore implements EventStore {
  constructor(private readonly db: Database) {}

  async insert(rows: readonly EventRow[]): Promise<void> {
    await this.db.channelEvent.createMany({ data: [...rows] })
  }

  read(channelId: string, afterSeq: number, limit: number): Promise<EventRow[]> {
    return this.db.channelEvent.findMany({ where: { channelId, seq: { gt: afterSeq } }, orderBy: { seq: 'asc' }, take: limit })
  }

  readOne(channelId: string, seq: number): Promise<EventRow | null> {
    return this.db.channelEvent.findUnique({ where: { channelId_seq: { channelId, seq } } })
  }

  async maxSeq(channelId: string): Promise<number> {
    return (await this.db.channelEvent.aggregate({ where: { channelId }, _max: { seq: true } }))._max.seq ?? 0
  }

  async clientIds(channelId: string): Promise<Map<string, number>> {
    const rows = await this.db.channelEvent.findMany({ where: { channelId, clientMsgId: { not: null } }, select: { clientMsgId: true, seq: true } })
    return new Map(rows.map((row) => [row.clientMsgId!, row.seq]))
  }

  close(): void {}
}
