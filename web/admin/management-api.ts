/**
 * Types and calls of the tenant administration API: tenant settings, team, business hours,
 * price plan and billing, API keys, webhooks and the audit log.
 */
import { apiRequest, query } from './api-request.js'

export type Role = 'agent' | 'supervisor' | 'admin'

export interface TenantSettings {
  id: string
  slug: string
  name: string
  timezone: string
}

export interface TeamMember {
  id: string
  email: string
  displayName: string
  role: Role
  state: string
  disabledAt: string | null
  createdAt: string
  lastLoginAt: string | null
}

export interface Opening {
  from: string
  to: string
}

export type WeekdayKey = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun'

export interface BusinessHours {
  week: Record<WeekdayKey, Opening[]>
  closedDates: string[]
  closedMessage: string
  timezone?: string
  openNow?: boolean
  nextOpening?: string | null
}

export interface PricePlan {
  name: string
  currency: string
  baseFeeMicros: number
  chatMinuteMicros: number
  mediaMinuteMicros: number
  pstnMinuteMicros: number
  hitMicros: number
  seatMicros: number
  includedChatMinutes: number
  includedMediaMinutes: number
  includedPstnMinutes: number
  includedHits: number
  includedSeats: number
  resellerName: string | null
  resellerShareBps: number
  microChargeFeeBps: number
}

export interface StatementLine {
  kind: string
  label: string
  unit: string
  quantity: string
  included: string
  billable: string
  rawQuantity: number
  unitPriceMicros: number
  amountMinor: number
}

export interface Statement {
  id: string | null
  month: string
  periodStart: string
  periodEnd: string
  issuedAt: string | null
  currency: string
  minorDigits: number
  lines: StatementLine[]
  subtotalMinor: number
  resellerName: string | null
  resellerShareBps: number
  resellerShareMinor: number
  totalMinor: number
  hostNetMinor: number
  usage: { chatMs: number; mediaMs: number; pstnMs: number; hits: number; seats: number; microChargesMinor: number }
}

export interface ShopperCharge {
  id: string
  at: string
  description: string
  amountMinor: number
  currency: string
  kind: string
  channelId: string | null
  offerId: string | null
  reference: string | null
}

export interface ApiKey {
  id: string
  name: string
  prefix: string
  createdAt: string
  lastUsedAt: string | null
  revokedAt: string | null
}

export interface WebhookEndpoint {
  id: string
  url: string
  description: string
  events: string[]
  enabled: boolean
  createdAt: string
}

export interface WebhookDelivery {
  id: string
  endpointId: string
  url: string
  event: string
  status: 'pending' | 'delivered' | 'failed'
  attempts: number
  lastStatusCode: number | null
  lastError: string | null
  createdAt: string
  nextAttemptAt: string | null
  deliveredAt: string | null
  body: string
}

export interface AuditEntry {
  id: string
  at: string
  actor: { kind: string; id: string | null; name: string }
  action: string
  targetType: string
  targetId: string | null
  before: unknown
  after: unknown
  ip: string | null
}

const id = encodeURIComponent

export const fetchTenant = async () => (await apiRequest<{ tenant: TenantSettings }>('GET', '/api/admin/tenant')).tenant
export const saveTenant = async (input: { name: string; timezone: string }) => (await apiRequest<{ tenant: TenantSettings }>('PUT', '/api/admin/tenant', input)).tenant

export const fetchTeam = async () => (await apiRequest<{ members: TeamMember[] }>('GET', '/api/admin/team')).members
export const createMember = (input: { email: string; displayName: string; role: Role }) => apiRequest<{ member: TeamMember; password: string }>('POST', '/api/admin/team', input)
export const updateMember = async (memberId: string, patch: Partial<{ email: string; displayName: string; role: Role }>) => (await apiRequest<{ member: TeamMember }>('PATCH', `/api/admin/team/${id(memberId)}`, patch)).member
export const setMemberDisabled = async (memberId: string, disabled: boolean) => (await apiRequest<{ member: TeamMember }>('POST', `/api/admin/team/${id(memberId)}/${disabled ? 'disable' : 'enable'}`)).member
export const resetMemberPassword = (memberId: string) => apiRequest<{ member: TeamMember; password: string }>('POST', `/api/admin/team/${id(memberId)}/reset-password`)

export const fetchHours = () => apiRequest<BusinessHours>('GET', '/api/admin/business-hours')
export const saveHours = (input: BusinessHours) => apiRequest<BusinessHours>('PUT', '/api/admin/business-hours', input)

export const fetchPlan = async () => (await apiRequest<{ plan: PricePlan }>('GET', '/api/billing/plan')).plan
export const savePlan = async (plan: PricePlan) => (await apiRequest<{ plan: PricePlan }>('PUT', '/api/billing/plan', plan)).plan
export const previewStatement = async (month: string) => (await apiRequest<{ statement: Statement }>('GET', `/api/billing/statements/preview${query({ month })}`)).statement
export const fetchStatements = async () => (await apiRequest<{ statements: Statement[] }>('GET', '/api/billing/statements')).statements
export const issueStatement = async (month: string) => (await apiRequest<{ statement: Statement }>('POST', '/api/billing/statements', { month })).statement
export const reconcileStatement = (statementId: string) => apiRequest<{ matches: boolean }>('GET', `/api/billing/statements/${id(statementId)}/reconcile`)
export const fetchCharges = async (month: string) => (await apiRequest<{ charges: ShopperCharge[] }>('GET', `/api/billing/charges${query({ month })}`)).charges
/** A statement download (`preview` with a month for the preview). */
export const statementUrl = (statementId: string | null, format: 'csv' | 'html', month?: string) => `/api/billing/statements/${id(statementId ?? 'preview')}/statement.${format}${statementId ? '' : query({ month })}`

export const fetchApiKeys = async () => (await apiRequest<{ keys: ApiKey[] }>('GET', '/api/admin/api-keys')).keys
export const createApiKey = (name: string) => apiRequest<{ key: string; apiKey: ApiKey }>('POST', '/api/admin/api-keys', { name })
export const revokeApiKey = async (keyId: string) => (await apiRequest<{ apiKey: ApiKey }>('DELETE', `/api/admin/api-keys/${id(keyId)}`)).apiKey

export const fetchWebhooks = () => apiRequest<{ endpoints: WebhookEndpoint[]; events: string[] }>('GET', '/api/admin/webhooks')
export const createWebhook = (input: { url: string; description: string; events: string[] }) => apiRequest<{ endpoint: WebhookEndpoint; secret: string }>('POST', '/api/admin/webhooks', input)
export const updateWebhook = async (endpointId: string, patch: Partial<Omit<WebhookEndpoint, 'id' | 'createdAt'>>) => (await apiRequest<{ endpoint: WebhookEndpoint }>('PATCH', `/api/admin/webhooks/${id(endpointId)}`, patch)).endpoint
export const deleteWebhook = (endpointId: string) => apiRequest<void>('DELETE', `/api/admin/webhooks/${id(endpointId)}`)
export const rotateWebhookSecret = (endpointId: string) => apiRequest<{ secret: string }>('POST', `/api/admin/webhooks/${id(endpointId)}/rotate-secret`)
export const testWebhook = (endpointId: string) => apiRequest<{ deliveryId: string | null }>('POST', `/api/admin/webhooks/${id(endpointId)}/test`)
export const fetchDeliveries = async (filter: { endpoint?: string; status?: string }) => (await apiRequest<{ deliveries: WebhookDelivery[] }>('GET', `/api/admin/webhooks/deliveries${query(filter)}`)).deliveries
export const redeliver = (deliveryId: string) => apiRequest<void>('POST', `/api/admin/webhooks/deliveries/${id(deliveryId)}/redeliver`)

export const fetchAudit = (filter: { before?: string; action?: string; limit?: number }) => apiRequest<{ entries: AuditEntry[]; next: string | null }>('GET', `/api/admin/audit${query(filter)}`)
