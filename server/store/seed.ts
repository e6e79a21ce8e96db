/**
 * The demo tenant: a shop with one admin, a supervisor and two agents. Seeded once; the generated
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
  { email: 'sam@demo.parley.local', role: 'supervisor', displayName: 'Sam Supervisor' },
] as const

/** The agent's picture visitors see by page (paths are served by Parley under /avatars). */
const DEMO_SETTINGS = {
  avatarRules: [
    { pattern: '*/products/helmet-*', avatarUrl: '/avatars/safety-expert.svg' },
    { pattern: '*/products/u-lock-*', avatarUrl: '/avatars/safety-expert.svg' },
    { pattern: '*/products/*', avatarUrl: '/avatars/bike-expert.svg' },
  ],
}

/** The demo shop's routing: two product lines, two languages, three topics. */
const SKILLS = [
  { key: 'language', value: 'en', label: 'English' },
  { key: 'language', value: 'de', label: 'German' },
  { key: 'product', value: 'bikes', label: 'Bikes' },
  { key: 'product', value: 'accessories', label: 'Helmets & locks' },
]
const PROFICIENCIES: Record<string, Record<string, number>> = {
  'anna@demo.parley.local': { 'language=en': 5, 'language=de': 4, 'product=bikes': 5 },
  'ben@demo.parley.local': { 'language=en': 5, 'product=accessories': 5, 'product=bikes': 2 },
}
const QUEUES = [
  { slug: 'general', name: 'General questions', requirement: '*', priority: 0, isDefault: true, sortOrder: 0 },
  { slug: 'bikes', name: 'Choosing a bike', requirement: 'product=bikes, proficiency>=3', priority: 1, isDefault: false, sortOrder: 1 },
  { slug: 'accessories', name: 'Helmets & locks', requirement: 'product=accessories', priority: 0, isDefault: false, sortOrder: 2 },
]
const RULES = [
  { kind: 'page', pattern: '*/products/trail-*', skillKey: 'product', skillValue: 'bikes' },
  { kind: 'page', pattern: '*/products/city-*', skillKey: 'product', skillValue: 'bikes' },
  { kind: 'page', pattern: '*/products/helmet-*', skillKey: 'product', skillValue: 'accessories' },
  { kind: 'page', pattern: '*/products/u-lock-*', skillKey: 'product', skillValue: 'accessories' },
  { kind: 'cart_category', pattern: 'bikes', skillKey: 'product', skillValue: 'bikes' },
  { kind: 'cart_category', pattern: 'accessories', skillKey: 'product', skillValue: 'accessories' },
]

export async function seedDemo(db: Database, options: { dataDir: string; password?: string; shopOrigins: string[] }): Promise<DemoCredentials> {
  const file = path.join(options.dataDir, 'demo-credentials.json')
  const existing = await db.tenant.findUnique({ where: { slug: DEMO_TENANT } })
  if (existing) {
    await allowOrigins(db, existing.id, options.shopOrigins)
    await seedRouting(db, existing.id)
    let credentials: DemoCredentials
    try {
      credentials = JSON.parse(fs.readFileSync(file, 'utf8')) as DemoCredentials
    } catch {
      credentials = { tenant: DEMO_TENANT, accounts: ACCOUNTS.map((a) => ({ ...a, password: '(set at first start; see your notes)' })) }
    }
    // Accounts added to the demo since this database was seeded.
    const missing: DemoCredentials['accounts'] = []
    for (const account of ACCOUNTS) {
      if (await db.agent.findUnique({ where: { tenantId_email: { tenantId: existing.id, email: account.email } } })) continue
      const password = options.password ?? randomBytes(9).toString('base64url')
      await db.agent.create({ data: { id: newId('ag'), tenantId: existing.id, email: account.email, displayName: account.displayName, role: account.role, passwordHash: await hashPassword(password) } })
      missing.push({ ...account, password })
    }
    if (missing.length) {
      credentials = { ...credentials, accounts: [...credentials.accounts.filter((a) => !missing.some((m) => m.email === a.email)), ...missing] }
      fs.writeFileSync(file, JSON.stringify(credentials, null, 2), { mode: 0o600 })
    }
    return credentials
  }
  const tenantId = newId('tn')
  const accounts = await Promise.all(ACCOUNTS.map(async (a) => ({ ...a, password: options.password ?? randomBytes(9).toString('base64url') })))
  const hashes = await Promise.all(accounts.map((a) => hashPassword(a.password)))
  await db.$transaction([
    db.tenant.create({ data: { id: tenantId, slug: DEMO_TENANT, name: 'Velo Shop (demo)', settings: JSON.stringify(DEMO_SETTINGS) } }),
    ...accounts.map((a, i) => db.agent.create({ data: { id: newId('ag'), tenantId, email: a.email, displayName: a.displayName, role: a.role, passwordHash: hashes[i]! } })),
  ])
  await allowOrigins(db, tenantId, options.shopOrigins)
  await seedRouting(db, tenantId)
  const credentials = { tenant: DEMO_TENANT, accounts }
  fs.mkdirSync(options.dataDir, { recursive: true })
  fs.writeFileSync(file, JSON.stringify(credentials, null, 2), { mode: 0o600 })
  return credentials
}

/** Skills, proficiencies, queues and hint rules, once (a tenant that has queues is left alone). */
async function seedRouting(db: Database, tenantId: string): Promise<void> {
  if ((await db.queue.count({ where: { tenantId } })) > 0) return
  const skillIds = new Map<string, string>()
  for (const skill of SKILLS) {
    const id = newId('sk')
    skillIds.set(`${skill.key}=${skill.value}`, id)
    await db.skill.create({ data: { id, tenantId, ...skill } })
  }
  for (const [email, skills] of Object.entries(PROFICIENCIES)) {
    const agent = await db.agent.findUnique({ where: { tenantId_email: { tenantId, email } } })
    if (!agent) continue
    for (const [skill, proficiency] of Object.entries(skills)) await db.agentSkill.create({ data: { agentId: agent.id, skillId: skillIds.get(skill)!, proficiency } })
  }
  for (const queue of QUEUES) await db.queue.create({ data: { id: newId('qu'), tenantId, ...queue } })
  for (const rule of RULES) await db.skillRule.create({ data: { id: newId('sr'), tenantId, ...rule } })
}

async function allowOrigins(db: Database, tenantId: string, origins: string[]): Promise<void> {
  for (const origin of origins) {
    await db.embedOrigin.upsert({ where: { tenantId_origin: { tenantId, origin } }, create: { id: newId('eo'), tenantId, origin }, update: {} })
  }
}
