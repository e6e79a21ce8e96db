import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config.js'

const dataDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'parley-config-'))

describe('loadConfig', () => {
  it('has embedded defaults and keeps a generated secret across loads', () => {
    const dir = dataDir()
    const config = loadConfig({ DATA_DIR: dir })
    expect(config).toMatchObject({ HOST: '127.0.0.1', PORT: 8080, SHOP_PORT: 8081, DATABASE_URL: 'file:./data/parley.db', databaseProvider: 'sqlite', SEED_DEMO: true })
    expect(config.SECRET.length).toBeGreaterThanOrEqual(32)
    expect(loadConfig({ DATA_DIR: dir }).SECRET).toBe(config.SECRET)
  })

  it('recognizes PostgreSQL and rejects nonsense with every problem named', () => {
    expect(loadConfig({ DATA_DIR: dataDir(), DATABASE_URL: 'postgresql://u@127.0.0.1/db' }).databaseProvider).toBe('postgres')
    expect(() => loadConfig({ DATA_DIR: dataDir(), PORT: 'eighty', DATABASE_URL: 'mysql://x', SECRET: 'short' })).toThrow(ConfigError)
    try {
      loadConfig({ DATA_DIR: dataDir(), PORT: 'eighty', DATABASE_URL: 'mysql://x' })
    } catch (error) {
      expect((error as Error).message).toMatch(/PORT[\s\S]*DATABASE_URL/)
    }
  })
})
