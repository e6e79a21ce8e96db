/** Per-tenant settings (stored as JSON on the tenant), validated with defaults. */
import { z } from 'zod'

/** an http(s) picture, or a path on Parley itself (`/avatars/…`) */
export const avatarUrl = z.union([z.url({ protocol: /^https?$/ }), z.string().regex(/^\/[A-Za-z0-9._~/-]*$/, 'must be an http(s) URL or a path on Parley')]).pipe(z.string().max(500))

const reasons = z.array(z.string().trim().min(1).max(60)).max(20)

export const tenantSettingsSchema = z.object({
  /** how long an offer rings at one agent */
  ringTimeoutSec: z.int().min(5).max(120).default(20),
  /** an agent who lets an offer ring out is set Not ready */
  notReadyOnNoAnswer: z.boolean().default(true),
  /** timed wrap-up after each conversation (0: none) */
  wrapUpSec: z.int().min(0).max(600).default(0),
  /** one priority level is worth this much waiting */
  agePerPrioritySec: z.int().min(1).max(3600).default(60),
  /** agents who may be Ready at the same time (licensed seats; 0: unlimited) */
  seatCap: z.int().min(0).max(100_000).default(0),
  /** reasons agents pick from, per state */
  stateReasons: z
    .object({ not_ready: reasons, break: reasons, away: reasons })
    .default({ not_ready: ['Training', 'Meeting', 'Admin work'], break: ['Lunch', 'Coffee'], away: ['Away from desk'] }),
  /** mean handle time assumed before any conversation was measured */
  defaultHandleTimeSec: z.int().min(10).max(7200).default(240),
  /** how long an agent's Not ready / Break / Away lasts, assumed before any was measured */
  typicalAbsenceSec: z.int().min(30).max(7200).default(300),
  /** agents may record calls (everyone in the call sees that it is recorded), or never */
  callRecording: z.enum(['off', 'on_request']).default('on_request'),
  /** agents see the visitor's full phone number (else masked, e.g. +49 ••• ••• 12) */
  phoneNumbersVisible: z.boolean().default(false),
  /** call the visitor's phone (when they gave a number for it) if their connection fails during a call */
  phoneFallback: z.boolean().default(true),
  /** who holds the lead baton when a conversation opens */
  defaultLeader: z.enum(['agent', 'visitor']).default('agent'),
  /** origins followers may be sent to besides the allowed embed origins */
  leadOrigins: z.array(z.url({ protocol: /^https?$/ }).transform((url) => new URL(url).origin)).max(50).default([]),
  /** the leader's scrolling and clicks are shown to followers */
  shareScrollAndClicks: z.boolean().default(false),
  /** form fields whose name, id or autocomplete contains one of these are never read or written (passwords and card fields always are) */
  maskedFields: z.array(z.string().trim().min(1).max(40)).max(50).default([]),
  /** shown to visitors in every conversation when supervisors may monitor ('' for none) */
  monitoringNotice: z.string().trim().max(300).default('This conversation may be monitored for quality and training.'),
  /** visitors in one conversation at most (group sessions, guided tours) */
  maxVisitorsPerChannel: z.int().min(1).max(500).default(30),
  /** the agent's picture shown to visitors by page: the first rule whose URL pattern (* matches anything) fits the visitor's page */
  avatarRules: z
    .array(z.strictObject({ pattern: z.string().trim().min(1).max(300), avatarUrl: avatarUrl }))
    .max(50)
    .default([]),
})

export type TenantSettings = z.infer<typeof tenantSettingsSchema>

/** The stored settings with defaults filled in; unreadable JSON falls back to the defaults. */
export function readTenantSettings(json: string | null | undefined): TenantSettings {
  let raw: unknown = {}
  try {
    raw = json ? JSON.parse(json) : {}
  } catch {
    raw = {}
  }
  const parsed = tenantSettingsSchema.safeParse(raw)
  return parsed.success ? parsed.data : tenantSettingsSchema.parse({})
}
