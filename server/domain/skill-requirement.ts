/**
 * Skill requirements of queues and requests, e.g. `language=de AND product=bikes|ebikes, proficiency>=3`:
 * every clause names a skill key and the values that satisfy it; an agent qualifies when
 * they hold a matching skill for every clause at the minimum proficiency. Hints from the
 * visitor (page, cart, cookie) become *soft* clauses, the first to go when routing relaxes.
 */

export interface SkillClause {
  key: string
  /** any of these values satisfies the clause */
  values: string[]
  /** soft clauses come from hints and are dropped first when relaxing */
  soft: boolean
}

export interface SkillRequirement {
  clauses: SkillClause[]
  /** 1-5 */
  minProficiency: number
}

/** An agent's skills: `key=value` -> proficiency 1-5. */
export type SkillSet = ReadonlyMap<string, number>

export const skillName = (key: string, value: string) => `${key}=${value}`

export class RequirementSyntaxError extends Error {
  override name = 'RequirementSyntaxError'
}

const TOKEN = /^[a-z0-9][a-z0-9_-]{0,39}$/

/** Parse the text form; throws RequirementSyntaxError with a message fit for an admin form. */
export function parseRequirement(text: string): SkillRequirement {
  const source = text.trim()
  if (source === '' || source === '*') return { clauses: [], minProficiency: 1 }
  const [expression = '', ...options] = source.split(',').map((part) => part.trim())
  let minProficiency = 1
  for (const option of options) {
    const match = /^proficiency\s*>=\s*([1-5])$/i.exec(option)
    if (!match) throw new RequirementSyntaxError(`unknown option "${option}" (expected "proficiency>=N" with N from 1 to 5)`)
    minProficiency = Number(match[1])
  }
  const clauses: SkillClause[] = []
  if (expression !== '' && expression !== '*') {
    for (const term of expression.split(/\s+AND\s+/i)) {
      const match = /^([^=\s]+)\s*=\s*([^\s]+)$/.exec(term.trim())
      if (!match) throw new RequirementSyntaxError(`"${term.trim()}" is not a clause like key=value (join clauses with AND)`)
      const key = match[1]!.toLowerCase()
      const values = match[2]!.toLowerCase().split('|')
      for (const token of [key, ...values]) {
        if (!TOKEN.test(token)) throw new RequirementSyntaxError(`"${token}" must be lowercase letters, digits, "-" or "_" (up to 40)`)
      }
      if (clauses.some((clause) => clause.key === key)) throw new RequirementSyntaxError(`"${key}" appears twice; use ${key}=a|b for alternatives`)
      clauses.push({ key, values: [...new Set(values)], soft: false })
    }
  }
  return { clauses, minProficiency }
}

/** The text form (round-trips with parseRequirement for hard clauses). */
export function formatRequirement(requirement: SkillRequirement): string {
  const expression = requirement.clauses.map((clause) => `${clause.key}=${clause.values.join('|')}`).join(' AND ') || '*'
  return requirement.minProficiency > 1 ? `${expression}, proficiency>=${requirement.minProficiency}` : expression
}

/** Add hint clauses for keys the requirement does not constrain yet, as soft clauses. */
export function withHints(requirement: SkillRequirement, hints: readonly { key: string; value: string }[]): SkillRequirement {
  const clauses = [...requirement.clauses]
  for (const hint of hints) {
    const existing = clauses.find((clause) => clause.key === hint.key)
    if (existing) continue
    clauses.push({ key: hint.key, values: [hint.value], soft: true })
  }
  return { clauses, minProficiency: requirement.minProficiency }
}

/**
 * How well an agent's skills meet the requirement: null when they do not qualify, else the
 * lowest proficiency over the clauses (the agent's "tier" for this request; 5 with no clauses).
 */
export function proficiencyFor(skills: SkillSet, requirement: SkillRequirement): number | null {
  let tier = 5
  for (const clause of requirement.clauses) {
    let best = 0
    for (const value of clause.values) best = Math.max(best, skills.get(skillName(clause.key, value)) ?? 0)
    if (best < requirement.minProficiency || best === 0) return null
    tier = Math.min(tier, best)
  }
  return tier
}
