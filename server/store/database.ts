/**
 * The Prisma client for the configured database: better-sqlite3 for the embedded default,
 * pg for PostgreSQL. Both generated clients have the same models; the SQLite one's type
 * stands for both.
 */
import path from 'node:path'
import fs from 'node:fs'
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3'
import { PrismaPg } from '@prisma/adapter-pg'
import { PrismaClient as SqliteClient } from './generated/sqlite/client.js'
import { PrismaClient as PostgresClient } from './generated/postgres/client.js'
import type { Config } from '../config.js'
import { PrismaEventStore, type EventStore } from './event-store.js'
import { SqliteEventStore } from './sqlite-event-store.js'

export type Database = InstanceType<typeof SqliteClient>

/** The absolute path of a file: URL's SQLite database. */
export function sqliteFile(databaseUrl: string): string {
  return path.resolve(databaseUrl.slice('file:'.length).split('?')[0] ?? '')
}

/** The store for channel events on this database (see event-store.ts). */
export function openEventStore(config: Pick<Config, 'DATABASE_URL' | 'databaseProvider'>, db: Database): EventStore {
  return config.databaseProvider === 'sqlite' ? new SqliteEventStore(sqliteFile(config.DATABASE_URL)) : new PrismaEventStore(db)
}

export async function openDatabase(config: Pick<Config, 'DATABASE_URL' | 'databaseProvider'>): Promise<Database> {
  if (config.databaseProvider === 'postgres') {
    const client = new PostgresClient({ adapter: new PrismaPg({ connectionString: config.DATABASE_URL, max: 10 }) })
    await client.$connect()
    return client as unknown as Database
  }
  const file = sqliteFile(config.DATABASE_URL)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const client = new SqliteClient({ adapter: new PrismaBetterSqlite3({ url: `file:${file}`, timeout: 5000 }) })
  await client.$connect()
  // WAL: readers never block the writer, and a commit survives a killed process.
  await client.$queryRawUnsafe('PRAGMA journal_mode = WAL')
  await client.$executeRawUnsafe('PRAGMA synchronous = NORMAL')
  await client.$executeRawUnsafe('PRAGMA foreign_keys = ON')
  // Checkpoints run in a worker thread (SqliteCheckpointer), not inside our commits.
  await client.$queryRawUnsafe('PRAGMA wal_autocheckpoint = 0')
  return client
}
