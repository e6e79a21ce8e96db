/**
 * Typed fetch helpers for the routing admin API (`/api/admin/...`, same origin, session
 * cookie). Every failure becomes an AdminApiError carrying the server's
 * `{ error: { code, message, issues? } }`, which `formErrors` turns into per-field messages.
 */
import { AdminApiError, apiRequest } from './api-request.js'

/** A skill agents can hold, e.g. language=de. */
export interface Skill {
  id: string
  key: string
  value: string
  label: string
}

/** One step of a queue's relaxation: what to loosen once a request has waited `afterSec`. */
export interface RelaxStep {
  afterSec: number
  dropSoft?: boolean
  minProficiency?: number
  dropKeys?: string[]
}

/** A routing queue as the admin API stores it. */
export interface Queue {
  id: string
  slug: string
  name: string
  requirement: string
  priority: number
  maxWaitSec: number
  relaxSteps: RelaxStep[]
  isPublic: boolean
  isDefault: boolean
  sortOrder: number
}

/** What a queue form sends (everything but the id). */
export type QueueInput = Omit<Queue, 'id'>

/** Maps a page URL glob or a cart category to a skill hint. */
export interface Rule {
  id: string
  kind: 'page' | 'cart_category'
  pattern: string
  skillKey: string
  skillValue: string
}

/** What the rule form sends. */
export type RuleInput = Omit<Rule, 'id'>

/** An agent's proficiency (1-5) in one skill. */
export interface AgentSkill {
  skillId: string
  proficiency: number
}

/** An agent with the routing-relevant fields. */
export interface AdminAgent {
  id: string
  displayName: string
  email: string
  role: string
  maxChats: number
  maxCalls: number
  skills: AgentSkill[]
}

/** What an agent save sends (skills replace the whole list). */
export interface AgentPatch {
  maxChats?: number
  maxCalls?: number
  skills?: AgentSkill[]
}

/** The reasons agents pick from, per not-available state. */
export interface StateReasons {
  not_ready: string[]
  break: string[]
  away: string[]
}

/** The tenant's routing settings. */
export interface RoutingSettings {
  ringTimeoutSec: number
  notReadyOnNoAnswer: boolean
  wrapUpSec: number
  agePerPrioritySec: number
  seatCap: number
  stateReasons: StateReasons
  defaultHandleTimeSec: number
}

/** What `GET /api/admin/routing` answers. */
export interface RoutingData {
  settings: RoutingSettings
  skills: Skill[]
  queues: Queue[]
  rules: Rule[]
  agents: AdminAgent[]
}

export { AdminApiError } from './api-request.js'

/** Messages for a form: per field (by the issue's path) and one for the form itself. */
export interface FormErrors {
  fields: Record<string, string>
  form: string
}

/**
 * Splits an error into field messages (issues whose path names a field the form shows)
 * and a form message (everything else, or the whole message when no field matched).
 */
export function formErrors(error: unknown, knownFields: readonly string[]): FormErrors {
  const message = error instanceof Error ? error.message : String(error)
  if (!(error instanceof AdminApiError) || error.issues.length === 0) return { fields: {}, form: message }
  const fields: Record<string, string> = {}
  const rest: string[] = []
  for (const issue of error.issues) {
    // the deepest known prefix: "relaxSteps.0.afterSec" before "relaxSteps"
    const parts = issue.path.split('.')
    let field: string | undefined
    for (let n = parts.length; n > 0 && !field; n--) {
      const candidate = parts.slice(0, n).join('.')
      if (knownFields.includes(candidate)) field = candidate
    }
    if (field) fields[field] ??= issue.message
    else rest.push(`${issue.path}: ${issue.message}`)
  }
  return { fields, form: Object.keys(fields).length === 0 ? message : rest.join('; ') }
}

/** One admin call (see api-request.ts). */
const request = apiRequest

const id = (value: string) => encodeURIComponent(value)

/** Everything the routing admin shows, in one call. */
export const fetchRouting = () => request<RoutingData>('GET', '/api/admin/routing')

/** Save some settings (the rest keep their values); answers the full settings. */
export const saveSettings = async (patch: Partial<RoutingSettings>) => (await request<{ settings: RoutingSettings }>('PUT', '/api/admin/settings', patch)).settings

/** Add a skill. */
export const createSkill = async (input: Omit<Skill, 'id'>) => (await request<{ skill: Skill }>('POST', '/api/admin/skills', input)).skill

/** Delete a skill (refused with 409 while a queue requires it). */
export const deleteSkill = (skillId: string) => request<void>('DELETE', `/api/admin/skills/${id(skillId)}`)

/** Change an agent's capacities and/or their whole skill list. */
export const updateAgent = async (agentId: string, patch: AgentPatch) => (await request<{ agent: Pick<AdminAgent, 'id' | 'maxChats' | 'maxCalls' | 'skills'> }>('PATCH', `/api/admin/agents/${id(agentId)}`, patch)).agent

/** Create a queue, or replace one when `queueId` is given. */
export const saveQueue = async (input: QueueInput, queueId: string | null) =>
  (await request<{ queue: Queue }>(queueId ? 'PUT' : 'POST', queueId ? `/api/admin/queues/${id(queueId)}` : '/api/admin/queues', input)).queue

/** Delete a queue (refused for the default queue and while visitors wait in it). */
export const deleteQueue = (queueId: string) => request<void>('DELETE', `/api/admin/queues/${id(queueId)}`)

/** Add a hint rule. */
export const createRule = async (input: RuleInput) => (await request<{ rule: Rule }>('POST', '/api/admin/rules', input)).rule

/** Delete a hint rule. */
export const deleteRule = (ruleId: string) => request<void>('DELETE', `/api/admin/rules/${id(ruleId)}`)
