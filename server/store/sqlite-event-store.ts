/**
 * Channel events on SQLite through a dedicated better-sqlite3 connection with prepared
 * statements: a group commit is one synchronous transaction, no ORM round trip.
 *
 * NOTE: the connection never waits for a lock (busy_timeout 0). Its writes are synchronous,
 * so they never hold a lock across an await; the only writer it can meet is a Prisma
 * transaction in progress on the other connection, and then the insert fails fast with
 * StoreBusyError and the event log retries it a moment later, without blocking the loop.
 * So: never wait for an event append inside a Prisma transaction (it would wait for itself).
 */
import Sqlite from 'better-sqlite3'
import { StoreBusyError, type EventRow, type EventStore } from './event-store.js'

type Row = Omit<EventRow, 'createdAt'> & { createdAt: string }

/** Prisma's SQLite DateTime text format, so rows read the same through either connection. */
const toText = (date: Date) => date.toISOString().replace('Z', '+00:00')
const fromRow = (row: Row): EventRow => ({ ...row, createdAt: new Date(row.createdAt) })

export class SqliteEventStore implements EventStore {
  private readonly db: Sqlite.Database
  private readonly insertRow: Sqlite.Statement
  private readonly insertAll: (rows: readonly EventRow[]) => void
  private readonly selectAfter: Sqlite.Statement<[string, number, number], Row>
  private readonly selectOne: Sqlite.Statement<[string, number], Row>
  private readonly selectMax: Sqlite.Statement<[string], { seq: number | null }>
  private readonly selectClientIds: Sqlite.Statement<[string], { clientMsgId: string; seq: number }>

  constructor(file: string) {
    this.db = new Sqlite(file, { timeout: 0 })
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = NORMAL')
    this.db.pragma('foreign_keys = ON')
    this.db.pragma('wal_autocheckpoint = 0') // SqliteCheckpointer does it off the event loop
    this.insertRow = this.db.prepare(
      'INSERT INTO "ChannelEvent" ("channelId", "seq", "type", "authorRole", "authorId", "authorName", "clientMsgId", "payload", "createdAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    )
    this.insertAll = this.db.transaction((rows: readonly EventRow[]) => {
      for (const r of rows) this.insertRow.run(r.channelId, r.seq, r.type, r.authorRole, r.authorId, r.authorName, r.clientMsgId, r.payload, toText(r.createdAt))
    })
    this.selectAfter = this.db.prepare('SELECT * FROM "ChannelEvent" WHERE "channelId" = ? AND "seq" > ? ORDER BY "seq" LIMIT ?')
    this.selectOne = this.db.prepare('SELECT * FROM "ChannelEvent" WHERE "channelId" = ? AND "seq" = ?')
    this.selectMax = this.db.prepare('SELECT MAX("seq") AS seq FROM "ChannelEvent" WHERE "channelId" = ?')
    this.selectClientIds = this.db.prepare('SELECT "clientMsgId", "seq" FROM "ChannelEvent" WHERE "channelId" = ? AND "clientMsgId" IS NOT NULL')
  }

  async insert(rows: readonly EventRow[]): Promise<void> {
    try {
      this.insertAll(rows)
    } catch (error) {
      if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) throw new StoreBusyError('database busy')
      throw error
    }
  }

  async read(channelId: string, afterSeq: number, limit: number): Promise<EventRow[]> {
    return this.selectAfter.all(channelId, afterSeq, limit).map(fromRow)
  }

  async readOne(channelId: string, seq: number): Promise<EventRow | null> {
    const row = this.selectOne.get(channelId, seq)
    return row ? fromRow(row) : null
  }

  async maxSeq(channelId: string): Promise<number> {
    return this.selectMax.get(channelId)?.seq ?? 0
  }

  async clientIds(channelId: string): Promise<Map<string, number>> {
    return new Map(this.selectClientIds.all(channelId).map((row) => [row.clientMsgId, row.seq]))
  }

  close(): void {
    if (this.db.open) this.db.close()
  }
}
