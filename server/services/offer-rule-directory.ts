/**
 * The tenants' proactive-offer rules: stored as a row per rule (name, on/off, priority and
 * the validated definition as JSON), cached per tenant for the evaluator, which runs on
 * every cart event and timer tick. Every change goes through here and drops the cache.
 */
import { ConflictError, NotFoundError } from '../errors.js'
import { offerRuleBody, type OfferRule, type OfferRuleDefinition } from '../domain/offer-rules.js'
import type { Logger } from '../log.js'
import type { Database } from '../store/database.js'
import { newId } from '../store/ids.js'

/** A rule as the admin API shows it. */
export interface OfferRuleView extends OfferRule {
  createdAt: string
  updatedAt: string
}

type RuleRow = { id: string; name: string; enabled: boolean; priority: number; definition: string; createdAt: Date; updatedAt: Date }

/** At most this many rules per tenant (each cart event tries them all). */
const MAX_RULES = 100

export class OfferRuleDirectory {
  private readonly cache = new Map<string, Promise<OfferRule[]>>()

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
  ) {}

  /** The tenant's rules for evaluation (cached). */
  rulesOf(tenantId: string): Promise<OfferRule[]> {
    let rules = this.cache.get(tenantId)
    if (!rules) {
      rules = this.db.offerRule.findMany({ where: { tenantId } }).then((rows) => rows.map((row) => this.read(row)).filter((rule): rule is OfferRuleView => rule !== null))
      this.cache.set(tenantId, rules)
      rules.catch(() => this.cache.delete(tenantId))
    }
    return rules
  }

  async list(tenantId: string): Promise<OfferRuleView[]> {
    const rows = await this.db.offerRule.findMany({ where: { tenantId }, orderBy: [{ priority: 'asc' }, { name: 'asc' }] })
    return rows.map((row) => this.read(row)).filter((rule): rule is OfferRuleView => rule !== null)
  }

  async get(tenantId: string, id: string): Promise<OfferRuleView> {
    const row = await this.db.offerRule.findFirst({ where: { id, tenantId } })
    const rule = row ? this.read(row) : null
    if (!rule) throw new NotFoundError('no such offer rule')
    return rule
  }

  async create(tenantId: string, input: OfferRuleDefinition): Promise<OfferRuleView> {
    if ((await this.db.offerRule.count({ where: { tenantId } })) >= MAX_RULES) throw new ConflictError(`at most ${MAX_RULES} offer rules per tenant`)
    const row = await this.db.offerRule.create({ data: { id: newId('or'), tenantId, ...this.columns(input) } })
    this.cache.delete(tenantId)
    return this.read(row)!
  }

  async update(tenantId: string, id: string, input: OfferRuleDefinition): Promise<{ before: OfferRuleView; after: OfferRuleView }> {
    const before = await this.get(tenantId, id)
    const row = await this.db.offerRule.update({ where: { id }, data: { ...this.columns(input), updatedAt: new Date() } })
    this.cache.delete(tenantId)
    return { before, after: this.read(row)! }
  }

  async remove(tenantId: string, id: string): Promise<OfferRuleView> {
    const before = await this.get(tenantId, id)
    await this.db.offerRule.delete({ where: { id } })
    this.cache.delete(tenantId)
    return before
  }

  private columns(input: OfferRuleDefinition) {
    const { name, enabled, priority, ...definition } = input
    return { name, enabled, priority, definition: JSON.stringify(definition) }
  }

  /** A stored row as a rule; a definition that no longer validates is left out (and logged). */
  private read(row: RuleRow): OfferRuleView | null {
    let stored: unknown = {}
    try {
      stored = JSON.parse(row.definition)
    } catch {
      // parsed below as an empty definition, which fails only if required parts are missing
    }
    const parsed = offerRuleBody.safeParse({ ...(stored as object), name: row.name, enabled: row.enabled, priority: row.priority })
    if (!parsed.success) {
      this.log.warn({ ruleId: row.id, issues: parsed.error.issues }, 'an offer rule no longer validates; it is skipped')
      return null
    }
    return { id: row.id, ...parsed.data, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() }
  }
}
