/**
 * Tenant administration over HTTP: the team (create with a password shown once, role
 * change, disable, reset password), tenant settings and business hours, validated with
 * field errors; every change in the audit log with who, what, before and after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Parley } from '../server/app.js'
import { AGENT_EMAILS, connectAgent, eventually, login, next, nextSession, startTestParley } from './support/parley-harness.js'

let parley: Parley
let admin: string

const call = async (method: string, path: string, body?: unknown, cookie = admin) => {
  const response = await fetch(`${parley.url}/api/admin${path}`, { method, headers: { cookie, origin: parley.url, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
  return { status: response.status, body: response.status === 204 ? null : await response.json() }
}
const tryLogin = (email: string, password: string) =>
  fetch(`${parley.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: parley.url }, body: JSON.stringify({ tenant: 'demo', email, password }) })

beforeAll(async () => {
  parley = await startTestParley()
  admin = await login(parley.url, AGENT_EMAILS.admin)
})

afterAll(async () => {
  await parley.close()
})

describe('the team', () => {
  let memberId: string
  let password: string

  it('creates an account with a generated password shown once', async () => {
    const bad = await call('POST', '/team', { email: 'not-an-email', displayName: '', role: 'boss' })
    expect(bad.status).toBe(400)
    expect(Object.fromEntries(bad.body.error.issues.map((i: { path: string; message: string }) => [i.path, i.message]))).toEqual({ email: 'must be an email address', displayName: 'required', role: 'agent, supervisor or admin' })
    const created = await call('POST', '/team', { email: 'Carla@Demo.parley.local', displayName: 'Carla', role: 'agent' })
    expect(created.status).toBe(201)
    expect(created.body.member).toMatchObject({ email: 'carla@demo.parley.local', role: 'agent', disabledAt: null })
    expect(created.body.password).toHaveLength(16)
    ;({ id: memberId } = created.body.member)
    password = created.body.password
    expect((await tryLogin('carla@demo.parley.local', password)).status).toBe(200)
    expect((await call('POST', '/team', { email: 'carla@demo.parley.local', displayName: 'Carla 2', role: 'agent' })).status).toBe(409)
    const listed = (await call('GET', '/team')).body.members
    expect(listed.find((m: { id: string }) => m.id === memberId)).toMatchObject({ displayName: 'Carla', lastLoginAt: expect.any(String) })
    expect(JSON.stringify(listed)).not.toContain('passwordHash')
  })

  it('changes a role, which ends the account’s sessions', async () => {
    const cookie = await login(parley.url, 'carla@demo.parley.local', password)
    const changed = await call('PATCH', `/team/${memberId}`, { role: 'supervisor' })
    expect(changed.body.member.role).toBe('supervisor')
    expect((await fetch(`${parley.url}/api/auth/me`, { headers: { cookie } })).status).toBe(401)
    const entry = await parley.db.auditEntry.findFirstOrThrow({ where: { action: 'agent.role_change', targetId: memberId } })
    expect(JSON.parse(entry.before!).role).toBe('agent')
    expect(JSON.parse(entry.after!).role).toBe('supervisor')
    expect(entry.actorName).toContain('Alex Admin')
  })

  it('disables an account: its console is disconnected and it cannot log in', async () => {
    const cookie = await login(parley.url, 'carla@demo.parley.local', password)
    const socket = connectAgent(parley.url, cookie)
    socket.io.opts.reconnection = false
    await nextSession.agent(socket)
    const gone = next(socket as never, 'disconnect')
    expect((await call('POST', `/team/${memberId}/disable`)).body.member.disabledAt).not.toBeNull()
    await gone
    expect((await tryLogin('carla@demo.parley.local', password)).status).toBe(401)
    expect((await parley.db.agent.findUniqueOrThrow({ where: { id: memberId } })).state).toBe('offline')
    expect((await call('POST', `/team/${memberId}/enable`)).body.member.disabledAt).toBeNull()
    expect((await tryLogin('carla@demo.parley.local', password)).status).toBe(200)
  })

  it('resets a password: the new one works, the old one not', async () => {
    const reset = await call('POST', `/team/${memberId}/reset-password`)
    expect(reset.body.password).not.toBe(password)
    expect((await tryLogin('carla@demo.parley.local', password)).status).toBe(401)
    expect((await tryLogin('carla@demo.parley.local', reset.body.password)).status).toBe(200)
    const entry = await parley.db.auditEntry.findFirstOrThrow({ where: { action: 'agent.reset_password' } })
    expect(`${entry.before}${entry.after}`).not.toContain(reset.body.password)
  })

  it('never locks the tenant out', async () => {
    const me = (await call('GET', '/team')).body.members.find((m: { email: string }) => m.email === AGENT_EMAILS.admin)
    expect((await call('POST', `/team/${me.id}/disable`)).body.error.message).toContain('your own account')
    expect((await call('PATCH', `/team/${me.id}`, { role: 'agent' })).body.error.message).toContain('your own role')
    expect((await call('PATCH', `/team/${memberId}`, {})).status).toBe(400)
  })

  it('is for admins only', async () => {
    const anna = await login(parley.url, AGENT_EMAILS.anna)
    expect((await call('GET', '/team', undefined, anna)).status).toBe(403)
    expect((await call('POST', '/team', { email: 'x@y.z', displayName: 'X', role: 'admin' }, anna)).status).toBe(403)
  })
})

describe('tenant settings and business hours', () => {
  it('validates the timezone and audits the change', async () => {
    const bad = await call('PUT', '/tenant', { name: 'Velo', timezone: 'Mars/Olympus' })
    expect(bad.body.error.issues).toEqual([{ path: 'timezone', message: 'not a known timezone (use an IANA name like Europe/Berlin)' }])
    const ok = await call('PUT', '/tenant', { name: 'Velo Shop', timezone: 'Europe/Berlin' })
    expect(ok.body.tenant).toMatchObject({ name: 'Velo Shop', timezone: 'Europe/Berlin', slug: 'demo' })
    const entry = await parley.db.auditEntry.findFirstOrThrow({ where: { action: 'tenant.update' } })
    expect(JSON.parse(entry.before!)).toEqual({ name: 'Velo Shop (demo)', timezone: 'UTC' })
  })

  it('stores opening hours per weekday with field errors for bad ones', async () => {
    const bad = await call('PUT', '/business-hours', { week: { mon: [{ from: '17:00', to: '09:00' }], tue: [{ from: '9am', to: '17:00' }] }, closedDates: ['2026-12-32'] })
    expect(bad.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['closedDates.0', 'week.mon.0.to', 'week.tue.0.from'])
    const week = { mon: [{ from: '09:00', to: '12:00' }, { from: '13:00', to: '17:00' }], tue: [{ from: '09:00', to: '17:00' }] }
    const ok = await call('PUT', '/business-hours', { week, closedDates: ['2026-12-25', '2026-12-24', '2026-12-25'], closedMessage: 'Back tomorrow at 9.' })
    expect(ok.status).toBe(200)
    const stored = (await call('GET', '/business-hours')).body
    expect(stored).toMatchObject({ week: { ...week, wed: [], sun: [] }, closedDates: ['2026-12-24', '2026-12-25'], closedMessage: 'Back tomorrow at 9.', timezone: 'Europe/Berlin' })
    expect(typeof stored.openNow).toBe('boolean')
    // the widget is told whether someone is there
    const tenantId = (await parley.db.tenant.findUniqueOrThrow({ where: { slug: 'demo' } })).id
    expect(await parley.management.hours.status(tenantId, Date.parse('2026-11-30T10:00:00+01:00'))).toEqual({ open: true, nextOpening: null, message: '' }) // Monday 10:00
    expect(await parley.management.hours.status(tenantId, Date.parse('2026-11-30T12:30:00+01:00'))).toEqual({ open: false, nextOpening: '2026-11-30T12:00:00.000Z', message: 'Back tomorrow at 9.' })
    expect(await parley.management.hours.status(tenantId, Date.parse('2026-12-25T10:00:00+01:00'))).toMatchObject({ open: false }) // closed date
    const status = await (await fetch(`${parley.url}/api/widget/demo/status`, { headers: { origin: parley.shopUrl! } })).json()
    expect(status.hours).toEqual(await parley.management.hours.status(tenantId))
  })

  it('shows the audit log newest first, for routing changes too', async () => {
    expect((await call('POST', '/skills', { key: 'language', value: 'fr', label: 'French' })).status).toBe(201)
    expect((await call('POST', '/origins', { origin: 'https://fr.shop.example' })).status).toBe(201)
    const { entries } = (await call('GET', '/audit?limit=3')).body
    expect(entries.map((e: { action: string }) => e.action)).toEqual(['origin.add', 'skill.create', 'business_hours.update'])
    expect(entries[1]).toMatchObject({ targetType: 'skill', before: null, after: { key: 'language', value: 'fr', label: 'French' }, actor: { kind: 'agent', name: expect.stringContaining('Alex Admin') } })
    // a write no route audited itself is still recorded, with its body
    const { endpoint } = (await call('POST', '/webhooks', { url: 'https://crm.example.com/hook', events: ['channel.ended'] })).body
    expect((await call('POST', `/webhooks/${endpoint.id}/test`)).status).toBe(202)
    await eventually(async () => {
      const fallback = (await call('GET', '/audit?limit=1')).body.entries[0]
      expect(fallback).toMatchObject({ action: `post /api/admin/webhooks/${endpoint.id}/test`, targetType: 'admin_api', actor: { name: expect.stringContaining('Alex Admin') } })
    })
    expect(await parley.db.auditEntry.count({ where: { action: 'webhook.create' } })).toBe(1) // audited once, by its route
    const filtered = (await call('GET', '/audit?action=agent.')).body.entries
    expect(new Set(filtered.map((e: { action: string }) => e.action))).toEqual(new Set(['agent.create', 'agent.role_change', 'agent.disable', 'agent.enable', 'agent.reset_password']))
  })
})
