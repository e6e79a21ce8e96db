/**
 * Phone tests on a real Parley: a trunk created through the admin API towards a SIP peer we
 * started (sipp or baresip), and the channel's phone events as the store has them.
 */
import type { Parley } from '../../server/app.js'
import { freePort } from '../../sip/testing/ports.js'
import { Sipp, type SippOptions } from '../../sip/testing/sipp.js'
import { AGENT_EMAILS, login } from './parley-harness.js'

export const VISITOR_NUMBER = '+15551230000'
export const DID = '+15557654321'

export interface TrunkBody {
  name?: string
  host?: string
  port: number
  transport?: 'udp' | 'tcp' | 'tls'
  username?: string | null
  password?: string | null
  callerId?: string
  allowFrom?: string[]
  dids?: { number: string; queue?: string | null; language?: string | null }[]
  localPort?: number
  presenceSecret?: string | null
  enabled?: boolean
}

/** An admin's fetch on the admin API (JSON in and out). */
export async function adminFetch(parley: Pick<Parley, 'url'>, method: string, path: string, body?: unknown, cookie?: string): Promise<{ status: number; body: any }> {
  const session = cookie ?? (await login(parley.url, AGENT_EMAILS.admin))
  const response = await fetch(`${parley.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', origin: parley.url, cookie: session },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  return { status: response.status, body: text ? JSON.parse(text) : null }
}

/** Create a trunk towards 127.0.0.1:port (sipp's digest credentials by default); returns its view. */
export async function createTrunk(parley: Pick<Parley, 'url'>, trunk: TrunkBody): Promise<{ id: string; status: { address: { port: number } | null; error: string | null } }> {
  const result = await adminFetch(parley, 'POST', '/api/admin/trunks', {
    name: 'Test trunk',
    host: '127.0.0.1',
    callerId: '+15550001111',
    username: 'trunkuser',
    password: 's3cret',
    allowFrom: ['127.0.0.1'],
    ...trunk,
  })
  if (result.status !== 201) throw new Error(`trunk not created: ${result.status} ${JSON.stringify(result.body)}`)
  if (result.body.trunk.status.error) throw new Error(`trunk did not start: ${result.body.trunk.status.error}`)
  return result.body.trunk
}

/** sipp as the provider's side of a trunk (a UAS scenario), echoing RTP. */
export async function sippTrunk(scenario: string, options: Partial<SippOptions> = {}): Promise<{ sipp: Sipp; port: number; mediaPort: number }> {
  const port = await freePort()
  const mediaPort = await freePort({ span: 4, even: true })
  const sipp = await Sipp.start({ scenario, localPort: port, mediaPort, rtpEcho: true, timeoutSec: 30, ...options })
  return { sipp, port, mediaPort }
}

/** The channel's phone.* (and call.*) events in log order. */
export async function phoneEvents(parley: Parley, channelId: string): Promise<{ type: string; payload: Record<string, unknown> }[]> {
  const rows = await parley.db.channelEvent.findMany({ where: { channelId, OR: [{ type: { startsWith: 'phone.' } }, { type: { startsWith: 'call.' } }] }, orderBy: { seq: 'asc' } })
  return rows.map((row) => ({ type: row.type, payload: JSON.parse(row.payload) as Record<string, unknown> }))
}
