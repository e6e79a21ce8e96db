/**
 * Once per test run: a migrated SQLite template database, which every test copies, so
 * tests run on the real schema without paying for a migration each.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    templateDb: string
  }
}

const root = path.resolve(import.meta.dirname, '../..')

export default function setup(project: TestProject): () => void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-template-'))
  const file = path.join(dir, 'template.db')
  execFileSync(process.execPath, [path.join(root, 'scripts/migrate.mjs'), '--quiet'], { cwd: root, env: { ...process.env, DATABASE_URL: `file:${file}` }, stdio: ['ignore', 'ignore', 'inherit'] })
  project.provide('templateDb', file)
  return () => fs.rmSync(dir, { recursive: true, force: true })
}
