/**
 * Typed fetch helpers for the trunk admin API (`/api/admin/trunks`). Secrets are write-only:
 * the server says whether one is set (`hasPassword`); a form sends a new one, `null` to clear
 * it, or nothing to keep it. Failures are AdminApiErrors, like the routing admin's.
 */
import { apiRequest } from './api-request.js'

export type TrunkTransport = 'udp' | 'tcp' | 'tls'

export interface Did {
  number: string
  queue: string | null
  language: string | null
}

export interface TrunkStatus {
  running: boolean
  address: { host: string; port: number; transport: TrunkTransport } | null
  registered: boolean
  reachable: boolean | null
  error: string | null
}

export interface Trunk {
  id: string
  name: string
  host: string
  port: number | null
  transport: TrunkTransport
  username: string | null
  hasPassword: boolean
  callerId: string
  allowFrom: string[]
  register: boolean
  localPort: number
  hasPresenceSecret: boolean
  enabled: boolean
  dids: Did[]
  status: TrunkStatus
}

/** What a save sends (secrets: string sets, null clears, undefined keeps). */
export interface TrunkInput {
  name: string
  host: string
  port: number | null
  transport: TrunkTransport
  username: string | null
  password?: string | null
  callerId: string
  allowFrom: string[]
  register: boolean
  localPort: number
  presenceSecret?: string | null
  enabled: boolean
  dids: Did[]
}

export interface PhoneSettings {
  phoneNumbersVisible: boolean
  phoneFallback: boolean
}

export interface TrunksData {
  sip: { available: boolean }
  settings: PhoneSettings
  trunks: Trunk[]
}

const call = apiRequest

const at = (id: string) => `/api/admin/trunks/${encodeURIComponent(id)}`

export const fetchTrunks = () => call<TrunksData>('GET', '/api/admin/trunks')

/** Create a trunk, or replace one when `trunkId` is given; answers it with its run state. */
export const saveTrunk = async (input: TrunkInput, trunkId: string | null) => (await call<{ trunk: Trunk }>(trunkId ? 'PUT' : 'POST', trunkId ? at(trunkId) : '/api/admin/trunks', input)).trunk

export const deleteTrunk = (trunkId: string) => call<void>('DELETE', at(trunkId))

/** OPTIONS to the trunk. */
export const testTrunk = async (trunkId: string) => (await call<{ result: { sipStatus: number; rttMs: number } }>('POST', at(trunkId) + '/test', {})).result

/** The tenant's phone settings (stored with the routing settings). */
export const savePhoneSettings = async (patch: Partial<PhoneSettings>) => (await call<{ settings: PhoneSettings }>('PUT', '/api/admin/settings', patch)).settings
