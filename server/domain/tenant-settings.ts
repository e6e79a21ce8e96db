/** Per-tenant settings (stored as JSON on the tenant), validated with defaults. */
import { z } from 'zod'

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
