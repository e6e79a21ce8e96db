#!/usr/bin/env node
// After npm install/ci: generate both Prisma clients (SQLite and PostgreSQL). Offline-safe:
// `prisma generate` needs no engine download with the prisma-client generator.
import { execFileSync } from 'node:child_process'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '..')
const prisma = path.join(root, 'node_modules/prisma/build/index.js')
for (const provider of ['sqlite', 'postgres']) {
  execFileSync(process.execPath, [prisma, 'generate', '--schema', `prisma/${provider}/schema.prisma`], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
  })
}
console.log('parley: generated Prisma clients (sqlite, postgres)')

// sip.js 0.21.2's grammar rebuilds its parser tables on every parse: cache them (sip/patch-sipjs.mjs).
execFileSync(process.execPath, [path.join(root, 'sip/patch-sipjs.mjs')], { cwd: root, stdio: 'inherit' })
