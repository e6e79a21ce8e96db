import path from 'node:path'
import { defineConfig } from 'prisma/config'

// No native schema-engine download is possible on our machines: Prisma Migrate runs
// through our WASM bridge instead (prisma/engine/schema-engine.mjs).
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.resolve(import.meta.dirname, 'prisma/engine/schema-engine.mjs')
process.env.CHECKPOINT_DISABLE ??= '1'

const url = process.env.DATABASE_URL ?? 'file:./data/parley.db'
const provider = url.startsWith('file:') ? 'sqlite' : 'postgres'

export default defineConfig({
  schema: `prisma/${provider}/schema.prisma`,
  migrations: { path: `prisma/${provider}/migrations` },
  datasource: { url, shadowDatabaseUrl: process.env.SHADOW_DATABASE_URL },
})
