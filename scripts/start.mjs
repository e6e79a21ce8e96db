#!/usr/bin/env node
// `npm start`: build the web bundles, apply database migrations, then run the server
// (embedded default: SQLite under ./data, one process, demo tenant seeded).
import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '..')
const run = (args, env = {}) => execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } })

if (!fs.existsSync(path.join(root, 'node_modules/.package-lock.json'))) {
  console.error('Dependencies are missing: run `npm ci` first.')
  process.exit(1)
}
// Voice/video needs the mediasoup worker, built offline once and cached outside the clone
// (a cache hit takes a moment; a cold build ~5 minutes). Without it Parley runs chat-only.
if (process.env.MEDIA !== 'off') {
  try {
    execFileSync('bash', ['media/build-worker.sh'], { cwd: root, stdio: 'inherit' })
  } catch {
    console.error('The mediasoup worker could not be built: calls are off until `bash media/build-worker.sh` succeeds.')
  }
}
run(['scripts/build-web.mjs'])
run(['scripts/migrate.mjs'])
const server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: root, stdio: 'inherit' })
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal))
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
