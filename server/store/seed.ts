/**
 * The demo tenant: a shop with one admin and two agents. Seeded once; the generated
 * passwords are kept in DATA_DIR/demo-credentials.json so `npm start` can print them.
 */
import fs from 'node:fs'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { hashPassword } from '../auth/password.js'
import type { Database } from './database.js'
import { newId } from './ids.js'

export const DEMO_TENANT = 'demo'

export interface DemoCredentials {
  tenant: string
  accounts: { email: string; password: string; role: string; displayName: string }[]
}

const ACCOUNTS = [
  { email: 'admin@demo.parley.local', role: 'admin', displayName: 'Alex Admin' },
  { email: 'anna@demo.parley.local', role: 'agent', displayName: 'Anna' },
  { email: 'ben@demo.parley.local', role: 'agent', displayName: 'Ben' },
] as const

export async function seedDemo(db: Database, options: { dataDir: string; password?: string; shopOrigins: string[] }): Promise<DemoCredentials> {
  const file = path.join(options.dataDir, 'demo-credentials.json')
  const existing = await db.tenant.findUnique({ where: { slug: DEMO_TENANT } })
  if (existing) {
    await allowOrigins(db, existing.id, options.shopOrigins)
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8')) as DemoCredentials
    } catch {
      return { tenant: DEMO_TENANT, accounts: ACCOUNTS.map((a) => ({ ...a, password: '(set at first start; see your notes)' })) }
    }
  }
  const tenantId = newId('tn')
  const accounts = await Promise.all(ACCOUNTS.map(async (a) => ({ ...a, password: options.password ?? randomBytes(9).toString('base64url') })))
  const hashes = await Promise.all(accounts.map((a) => hashPassword(a.password)))
  await db.$transaction([
    db.tenant.create({ data: { id: tenantId, slug: DEMO_TENANT, name: 'Velo Shop (demo)' } }),
    ...accounts.map((a, i) => db.agent.create({ data: { id: newId('ag'), tenantId, email: a.email, displayName: a.displayName, role: a.role, passwordHash: hashes[i]! } })),
  ])
  await allowOrigins(db, tenantId, options.shopOrigins)
  const credentials = { tenant: DEMO_TENANT, accounts }
  fs.mkdirSync(options.dataDir, { recursive: true })
  fs.writeFileSync(file, JSON.stringify(credentials, null, 2), { mode: 0o600 })
  return credentials
}

async function allowOrigins(db: Database, tenantId: string, origins: string[]): Promise<void> {
  for (const origin of origins) {
    await db.embedOrigin.upsert({ where: { tenantId_origin: { tenantId, origin } }, create: { id: newId('eo'), tenantId, origin }, update: {} })
  }
}
