#!/usr/bin/env node
// Parley's stand-in for Prisma's native `schema-engine` binary, which cannot be downloaded on
// machines without internet. The Prisma CLI starts it through PRISMA_SCHEMA_ENGINE_BINARY
// (set in prisma.config.ts) and talks line-delimited JSON-RPC over stdio; we answer with
// @prisma/schema-engine-wasm running over the same JS driver adapters the app uses.
//
// NOTE: this speaks an internal protocol of Prisma. Every Prisma package is pinned exactly in
// package.json; upgrade them together and only with `bash scripts/db-check.sh` green.
import fs from 'node:fs'
import path from 'node:path'
import readline from 'node:readline'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

/** Command line as the Prisma CLI passes it. */
function parseArgs(argv) {
  const parsed = { datamodels: [], datasource: {}, cliCommand: undefined, version: false }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--datamodels') parsed.datamodels.push(argv[++i])
    else if (arg === '--datasource') parsed.datasource = JSON.parse(argv[++i])
    else if (arg === 'cli') parsed.cliCommand = argv[++i]
    else if (arg === '--version' || arg === '-V') parsed.version = true
    else if (arg.startsWith('--')) i++ // flags with a value we do not use
  }
  return parsed
}

/** The CLI reads engine logs as JSON lines on stderr, and errors only with this target. */
function logLine(level, message, fields = {}) {
  const line = { timestamp: new Date().toISOString(), level, fields: { message, ...fields }, target: 'schema_engine::logger' }
  process.stderr.write(JSON.stringify(line) + '\n')
}

const isSqlite = (url) => typeof url === 'string' && url.startsWith('file:')
const isPostgres = (url) => typeof url === 'string' && /^postgres(ql)?:/.test(url)
const sqliteFile = (url) => path.resolve(url.slice('file:'.length).split('?')[0])

// The WASM engine with the SQLite adapter fails on a fresh database (P1014) unless the
// migrations table already exists, so we create it the way the native engine would.
const SQLITE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME,
  "migration_name" TEXT NOT NULL, "logs" TEXT, "rolled_back_at" DATETIME,
  "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
  "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`

/** Migration scripts arrive as one multi-statement executeRaw; SQLite needs exec() for that. */
function runScriptsWholeOnSqlite(adapter) {
  const executeRaw = adapter.executeRaw.bind(adapter)
  adapter.executeRaw = async (query) => {
    if (query.args.length > 0) return executeRaw(query)
    await adapter.executeScript(query.sql)
    return 0
  }
  return adapter
}

async function sqliteAdapterFactory(url, shadowDatabaseUrl) {
  const { PrismaBetterSqlite3 } = await import(require.resolve('@prisma/adapter-better-sqlite3'))
  const factory = new PrismaBetterSqlite3({ url }, shadowDatabaseUrl ? { shadowDatabaseUrl } : undefined)
  const connect = factory.connect.bind(factory)
  const connectToShadowDb = factory.connectToShadowDb.bind(factory)
  factory.connect = async () => {
    const adapter = await connect()
    await adapter.executeScript(SQLITE_MIGRATIONS_TABLE)
    return runScriptsWholeOnSqlite(adapter)
  }
  factory.connectToShadowDb = async () => runScriptsWholeOnSqlite(await connectToShadowDb())
  return factory
}

// adapter-pg cannot decode some catalog column types the schema describer selects
// ("char", name, regproc, ...); reporting them as text (or text[]) is enough for it.
const PG_CATALOG_TYPES_AS_TEXT = new Map([[18, 25], [19, 25], [22, 25], [24, 25], [28, 25], [30, 25], [194, 25], [2205, 25], [1002, 1009], [1003, 1009]])

function decodeCatalogTypesAsText(pg) {
  const query = pg.Pool.prototype.query
  pg.Pool.prototype.query = function patchedQuery(...args) {
    const pending = query.apply(this, args)
    if (!pending || typeof pending.then !== 'function') return pending
    return pending.then((result) => {
      for (const field of result?.fields ?? []) {
        const asText = PG_CATALOG_TYPES_AS_TEXT.get(field.dataTypeID)
        if (asText) field.dataTypeID = asText
      }
      return result
    })
  }
}

async function postgresAdapterFactory(url, shadowDatabaseUrl) {
  const { PrismaPg } = await import(require.resolve('@prisma/adapter-pg'))
  const pg = require('pg')
  decodeCatalogTypesAsText(pg)
  const factory = new PrismaPg({ connectionString: url })
  // The adapter's own shadow database ignores the database name and drops it while its pool
  // is still open; we make a throwaway database ourselves and drop it after disposal.
  factory.connectToShadowDb = async () => {
    if (shadowDatabaseUrl) {
      const client = new pg.Client({ connectionString: shadowDatabaseUrl })
      await client.connect()
      await client.query('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public')
      await client.end()
      return new PrismaPg({ connectionString: shadowDatabaseUrl }).connect()
    }
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    const name = `parley_shadow_${globalThis.crypto.randomUUID().replaceAll('-', '')}`
    await admin.query(`CREATE DATABASE "${name}"`)
    const shadowUrl = new URL(url)
    shadowUrl.pathname = `/${name}`
    const adapter = await new PrismaPg({ connectionString: shadowUrl.toString() }).connect()
    const dispose = adapter.dispose.bind(adapter)
    adapter.dispose = async () => {
      await dispose()
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
      await admin.end()
    }
    return adapter
  }
  return factory
}

async function adapterFactory({ url, shadowDatabaseUrl }) {
  if (isSqlite(url)) return sqliteAdapterFactory(url, shadowDatabaseUrl)
  if (isPostgres(url)) return postgresAdapterFactory(url, shadowDatabaseUrl)
  throw new Error(`schema engine: unsupported datasource url scheme "${String(url).split(':')[0]}"`)
}

/** `schema-engine cli <command>`: database-level commands the CLI runs without JSON-RPC. */
async function runCliCommand(command, { url }) {
  // The CLI swallows the first stderr line of a cli command.
  logLine('INFO', `cli ${command}`)
  if (isSqlite(url)) {
    const file = sqliteFile(url)
    if (command === 'can-connect-to-database' && !fs.existsSync(file)) {
      logLine('ERROR', `Database ${file} does not exist`, { error_code: 'P1003' })
      return 1
    }
    if (command === 'create-database') {
      fs.mkdirSync(path.dirname(file), { recursive: true })
      fs.closeSync(fs.openSync(file, 'a'))
    }
    if (command === 'drop-database') fs.rmSync(file, { force: true })
    return 0
  }
  const pg = require('pg')
  const target = new URL(url)
  const database = decodeURIComponent(target.pathname.slice(1))
  const quoted = `"${database.replaceAll('"', '""')}"`
  target.pathname = '/postgres'
  const client = new pg.Client({ connectionString: target.toString() })
  try {
    await client.connect()
    const exists = (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount > 0
    if (command === 'can-connect-to-database' && !exists) {
      logLine('ERROR', `Database \`${database}\` does not exist`, { error_code: 'P1003' })
      return 1
    }
    if (command === 'create-database' && !exists) await client.query(`CREATE DATABASE ${quoted}`)
    if (command === 'drop-database' && exists) await client.query(`DROP DATABASE ${quoted} WITH (FORCE)`)
    return 0
  } catch (error) {
    logLine('ERROR', String(error?.message ?? error), { error_code: 'P1001' })
    return 1
  } finally {
    await client.end().catch(() => {})
  }
}

/** The WASM engine's reset only deletes rows on SQLite; migrate reset needs an empty file. */
function resetSqlite(url) {
  const Database = require('better-sqlite3')
  const db = new Database(sqliteFile(url))
  try {
    db.pragma('foreign_keys = OFF')
    const objects = db.prepare("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND type IN ('view', 'table')").all()
    const drop = (kind, name) => db.exec(`DROP ${kind} IF EXISTS "${name.replaceAll('"', '""')}"`)
    for (const view of objects.filter((o) => o.type === 'view')) drop('VIEW', view.name)
    for (const table of objects.filter((o) => o.type === 'table')) drop('TABLE', table.name)
    if (db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").get()) db.exec('DELETE FROM sqlite_sequence')
    // sqlite_sequence survives the drop, so an empty history table must exist (else P3005).
    db.exec(SQLITE_MIGRATIONS_TABLE)
  } finally {
    db.close()
  }
  return {}
}

async function loadWasmEngine() {
  const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')
  const glue = await import(gluePath)
  const bytes = fs.readFileSync(path.join(path.dirname(gluePath), 'schema_engine_bg.wasm'))
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { './schema_engine_bg.js': glue })
  glue.__wbg_set_wasm(instance.exports)
  instance.exports.__wbindgen_start()
  return glue
}

async function serveJsonRpc({ datamodels, datasource }) {
  const { bindMigrationAwareSqlAdapterFactory } = await import(require.resolve('@prisma/driver-adapter-utils'))
  const glue = await loadWasmEngine()
  const factory = datasource.url ? bindMigrationAwareSqlAdapterFactory(await adapterFactory(datasource)) : undefined
  const files = datamodels.map((file) => [file, fs.readFileSync(file, 'utf8')])
  const engine = await glue.SchemaEngine.new(
    { datamodels: files.length > 0 ? files : undefined },
    (line) => process.stderr.write(line.endsWith('\n') ? line : `${line}\n`),
    factory,
  )
  const send = (message) => process.stdout.write(JSON.stringify({ jsonrpc: '2.0', ...message }) + '\n')

  async function handle(request) {
    const { method, params = {} } = request
    if (method === 'version' || method === 'getDatabaseVersion') return glue.version()
    if (method === 'reset' && isSqlite(datasource.url)) return resetSqlite(datasource.url)
    if (typeof engine[method] !== 'function') throw new Error(`schema engine: method ${method} is not supported`)
    const result = await engine[method](params)
    if (method === 'diff' && result?.stdout) {
      // The native engine prints the diff through a `print` request to the CLI.
      send({ id: `print-${request.id}`, method: 'print', params: { content: result.stdout } })
      return { exitCode: result.exitCode, stdout: null }
    }
    return result ?? null
  }

  let queue = Promise.resolve()
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity })
  lines.on('line', (line) => {
    if (!line.trim()) return
    const request = JSON.parse(line)
    if (request.method === undefined) return // the CLI answering one of our print requests
    queue = queue.then(async () => {
      try {
        send({ id: request.id, result: await handle(request) })
      } catch (error) {
        send({
          id: request.id,
          error: {
            code: 4466,
            message: 'An error happened. Check the data field for details.',
            data: { is_panic: error instanceof WebAssembly.RuntimeError, message: error?.message ?? String(error), error_code: error?.code, meta: error?.meta },
          },
        })
      }
    })
  })
  lines.on('close', () => queue.then(() => process.exit(0)))
}

const args = parseArgs(process.argv.slice(2))
if (args.version) {
  console.log('schema-engine-cli parley-wasm')
} else if (args.cliCommand) {
  process.exitCode = await runCliCommand(args.cliCommand, args.datasource)
} else {
  await serveJsonRpc(args)
}
