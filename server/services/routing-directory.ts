/**
 * Each tenant's routing configuration, cached: settings, queues (with parsed requirements),
 * hint rules and the skills that exist. Admin changes call invalidate().
 */
import type { RelaxStep } from '../domain/router.js'
import type { HintRule, QueueInfo } from '../domain/skill-hints.js'
import { parseRequirement, type SkillRequirement } from '../domain/skill-requirement.js'
import { readTenantSettings, type TenantSettings } from '../domain/tenant-settings.js'
import type { Logger } from '../log.js'
import type { Database } from '../store/database.js'

export interface RoutingQueue extends QueueInfo {
  name: string
  isPublic: boolean
  maxWaitSec: number
  parsed: SkillRequirement
  relaxSteps: RelaxStep[]
}

export interface TenantRouting {
  tenantId: string
  slug: string
  name: string
  settings: TenantSettings
  queues: RoutingQueue[]
  rules: HintRule[]
  /** every `key=value` skill defined for the tenant */
  skills: Set<string>
}

/** Queues without their own steps: drop hints after 20 s, accept any proficiency after 60 s. */
export const DEFAULT_RELAX_STEPS: RelaxStep[] = [
  { afterMs: 20_000, dropSoft: true },
  { afterMs: 60_000, minProficiency: 1 },
]

/** Relaxation steps as stored (seconds) -> router steps (ms); unreadable JSON gives the defaults. */
export function readRelaxSteps(json: string, log?: Logger): RelaxStep[] {
  try {
    const steps = JSON.parse(json) as { afterSec: number; dropSoft?: boolean; minProficiency?: number; dropKeys?: string[] }[]
    if (!Array.isArray(steps) || steps.length === 0) return DEFAULT_RELAX_STEPS
    return steps.map((step) => ({ afterMs: step.afterSec * 1000, dropSoft: step.dropSoft, minProficiency: step.minProficiency, dropKeys: step.dropKeys }))
  } catch (error) {
    log?.warn({ err: error }, 'unreadable relaxation steps, using defaults')
    return DEFAULT_RELAX_STEPS
  }
}

export class RoutingDirectory {
  private readonly cache = new Map<string, Promise<TenantRouting>>()

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
  ) {}

  get(tenantId: string): Promise<TenantRouting> {
    let entry = this.cache.get(tenantId)
    if (!entry) {
      entry = this.load(tenantId)
      this.cache.set(tenantId, entry)
      entry.catch(() => this.cache.delete(tenantId))
    }
    return entry
  }

  invalidate(tenantId: string): void {
    this.cache.delete(tenantId)
  }

  private async load(tenantId: string): Promise<TenantRouting> {
    const tenant = await this.db.tenant.findUniqueOrThrow({ where: { id: tenantId }, include: { queues: { orderBy: { sortOrder: 'asc' } }, skillRules: true, skills: true } })
    const queues: RoutingQueue[] = []
    for (const queue of tenant.queues) {
      let parsed: SkillRequirement
      try {
        parsed = parseRequirement(queue.requirement)
      } catch (error) {
        this.log.warn({ err: error, queue: queue.slug }, 'queue requirement unreadable; it takes anyone')
        parsed = parseRequirement('*')
      }
      queues.push({
        id: queue.id,
        slug: queue.slug,
        name: queue.name,
        requirement: queue.requirement,
        priority: queue.priority,
        isDefault: queue.isDefault,
        isPublic: queue.isPublic,
        sortOrder: queue.sortOrder,
        maxWaitSec: queue.maxWaitSec,
        parsed,
        relaxSteps: readRelaxSteps(queue.relaxSteps, this.log),
      })
    }
    return {
      tenantId,
      slug: tenant.slug,
      name: tenant.name,
      settings: readTenantSettings(tenant.settings),
      queues,
      rules: tenant.skillRules.map((rule) => ({ kind: rule.kind as HintRule['kind'], pattern: rule.pattern, skillKey: rule.skillKey, skillValue: rule.skillValue })),
      skills: new Set(tenant.skills.map((skill) => `${skill.key}=${skill.value}`)),
    }
  }
}
