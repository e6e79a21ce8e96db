/**
 * The trunk admin API: admins only, tenant-scoped, every body validated with a clear 400,
 * secrets write-only (never in a response), DIDs unique across tenants (409), the trunk's run
 * state and an OPTIONS test against a real peer (sipp).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Parley } from '../server/app.js'
import { hashPassword } from '../server/auth/password.js'
import { newId } from '../server/store/ids.js'
import { freePort } from '../sip/testing/ports.js'
import { Sipp, stopAllSipp } from '../sip/testing/sipp.js'
import { AGENT_EMAILS, DEMO_PASSWORD, login, startTestParley } from './support/parley-harness.js'
import { adminFetch, DID } from './support/phone-harness.js'

let parley: Parley
let admin: string
let otherAdmin: string

const valid = { name: 'Carrier', host: 'sip.carrier.example', callerId: '+15550001111', username: 'acct', password: 'very-secret', presenceSecret: 'presence-secret', dids: [{ number: DID, queue: 'bikes', language: 'de' }] }

beforeAll(async () => {
  parley = await startTestParley()
  admin = await login(parley.url, AGENT_EMAILS.admin)
  const tenantId = newId('tn')
  await parley.db.tenant.create({ data: { id: tenantId, slug: 'other', name: 'Other shop' } })
  await parley.db.agent.create({ data: { id: newId('ag'), tenantId, email: 'boss@other.example', displayName: 'Other boss', role: 'admin', passwordHash: await hashPassword(DEMO_PASSWORD) } })
  otherAdmin = await login(parley.url, 'boss@other.example', DEMO_PASSWORD, 'other')
})

afterAll(async () => {
  await stopAllSipp()
  await parley?.close()
})

describe('trunk admin API', () => {
  it('creates, lists, updates and deletes a trunk without ever returning its secrets', async () => {
    const created = await adminFetch(parley, 'POST', '/api/admin/trunks', valid, admin)
    expect(created.status).toBe(201)
    const trunk = created.body.trunk
    expect(trunk).toMatchObject({ name: 'Carrier', host: 'sip.carrier.example', transport: 'udp', username: 'acct', hasPassword: true, hasPresenceSecret: true, dids: [{ number: DID, queue: 'bikes', language: 'de' }] })
    expect(trunk.status).toMatchObject({ running: true, address: { host: '127.0.0.1', transport: 'udp' } })
    const listed = await adminFetch(parley, 'GET', '/api/admin/trunks', undefined, admin)
    expect(listed.body).toMatchObject({ sip: { available: true }, settings: { phoneNumbersVisible: false, phoneFallback: true } })
    for (const body of [created.body, listed.body]) {
      expect(JSON.stringify(body)).not.toContain('very-secret')
      expect(JSON.stringify(body)).not.toContain('presence-secret')
    }
    // leaving the password out keeps it; null clears it (then the username must go too)
    const kept = await adminFetch(parley, 'PUT', `/api/admin/trunks/${trunk.id}`, { ...valid, password: undefined, presenceSecret: undefined, name: 'Carrier 2' }, admin)
    expect(kept.body.trunk).toMatchObject({ name: 'Carrier 2', hasPassword: true, hasPresenceSecret: true })
    expect(await adminFetch(parley, 'PUT', `/api/admin/trunks/${trunk.id}`, { ...valid, password: null }, admin)).toMatchObject({ status: 400, body: { error: { issues: [{ path: 'password' }] } } })
    const cleared = await adminFetch(parley, 'PUT', `/api/admin/trunks/${trunk.id}`, { ...valid, username: null, password: null, presenceSecret: null }, admin)
    expect(cleared.body.trunk).toMatchObject({ username: null, hasPassword: false, hasPresenceSecret: false })
    expect((await adminFetch(parley, 'DELETE', `/api/admin/trunks/${trunk.id}`, undefined, admin)).status).toBe(204)
    expect((await adminFetch(parley, 'GET', '/api/admin/trunks', undefined, admin)).body.trunks).toEqual([])
  })

  it('refuses bad bodies with the field named', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...valid, host: 'not a host!' }, 'host'],
      [{ ...valid, callerId: '0301234' }, 'callerId'],
      [{ ...valid, transport: 'sctp' }, 'transport'],
      [{ ...valid, port: 70000 }, 'port'],
      [{ ...valid, localPort: 80 }, 'localPort'],
      [{ ...valid, allowFrom: ['10.0.0.300'] }, 'allowFrom.0'],
      [{ ...valid, dids: [{ number: '+1' }] }, 'dids.0.number'],
      [{ ...valid, dids: [{ number: DID, queue: 'nope' }] }, 'dids.0.queue'],
      [{ ...valid, dids: [{ number: DID }, { number: DID }] }, 'dids.1.number'],
      [{ ...valid, username: 'acct', password: undefined }, 'password'],
      [{ ...valid, extra: true }, 'extra'],
    ]
    for (const [body, path] of cases) {
      const result = await adminFetch(parley, 'POST', '/api/admin/trunks', body, admin)
      expect(result.status, path).toBe(400)
      expect(result.body.error.issues.map((issue: { path: string }) => issue.path), path).toContain(path)
    }
  })

  it('is for admins of the tenant only, and a number belongs to one tenant', async () => {
    const agent = await login(parley.url, AGENT_EMAILS.anna)
    expect((await adminFetch(parley, 'GET', '/api/admin/trunks', undefined, agent)).status).toBe(403)
    const mine = await adminFetch(parley, 'POST', '/api/admin/trunks', valid, admin)
    expect((await adminFetch(parley, 'GET', '/api/admin/trunks', undefined, otherAdmin)).body.trunks).toEqual([])
    expect((await adminFetch(parley, 'PUT', `/api/admin/trunks/${mine.body.trunk.id}`, valid, otherAdmin)).status).toBe(404)
    expect((await adminFetch(parley, 'DELETE', `/api/admin/trunks/${mine.body.trunk.id}`, undefined, otherAdmin)).status).toBe(404)
    const taken = await adminFetch(parley, 'POST', '/api/admin/trunks', { ...valid, dids: [{ number: DID }] }, otherAdmin)
    expect(taken).toMatchObject({ status: 409, body: { error: { message: expect.stringContaining('another trunk') } } })
    expect((await adminFetch(parley, 'POST', '/api/admin/trunks', { ...valid, dids: [] }, admin)).status).toBe(409) // same name
    await adminFetch(parley, 'DELETE', `/api/admin/trunks/${mine.body.trunk.id}`, undefined, admin)
  })

  it('tests a trunk with OPTIONS', async () => {
    const port = await freePort()
    const sipp = await Sipp.start({ scenario: 'uas_options.xml', localPort: port })
    const created = await adminFetch(parley, 'POST', '/api/admin/trunks', { ...valid, host: '127.0.0.1', port, dids: [] }, admin)
    const tested = await adminFetch(parley, 'POST', `/api/admin/trunks/${created.body.trunk.id}/test`, {}, admin)
    expect(tested).toMatchObject({ status: 200, body: { result: { sipStatus: 200 } } })
    expect((await sipp.result()).code).toBe(0)
    await adminFetch(parley, 'DELETE', `/api/admin/trunks/${created.body.trunk.id}`, undefined, admin)
  })
})
