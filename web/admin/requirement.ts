/**
 * Client-side mirror of the server's skill requirement grammar
 * (`server/domain/skill-requirement.ts`), for the queue form's live help:
 * `language=de AND product=bikes|ebikes, proficiency>=3`, or `*` for anyone.
 * The server stays the judge; `requirement.test.ts` keeps both parsers in step.
 */
import type { AdminAgent, Skill } from './admin-api.js'

/** One clause: the skill key and the values that satisfy it. */
export interface RequirementClause {
  key: string
  values: string[]
}

/** A parsed requirement. */
export interface ParsedRequirement {
  clauses: RequirementClause[]
  /** 1-5 */
  minProficiency: number
}

/** The outcome of parsing: the requirement, or the message the server would give. */
export type RequirementResult = { ok: true; requirement: ParsedRequirement } | { ok: false; error: string }

/** An agent who qualifies, with their tier (lowest proficiency over the clauses). */
export interface QualifiedAgent {
  agent: AdminAgent
  tier: number
}

/** Keys and values: lowercase letters, digits, "-" or "_", up to 40. */
export const TOKEN = /^[a-z0-9][a-z0-9_-]{0,39}$/

/** Parses the text form with the server's rules and messages. */
export function parseRequirement(text: string): RequirementResult {
  const source = text.trim()
  if (source === '' || source === '*') return { ok: true, requirement: { clauses: [], minProficiency: 1 } }
  const [expression = '', ...options] = source.split(',').map((part) => part.trim())
  let minProficiency = 1
  for (const option of options) {
    const match = /^proficiency\s*>=\s*([1-5])$/i.exec(option)
    if (!match) return { ok: false, error: `unknown option "${option}" (expected "proficiency>=N" with N from 1 to 5)` }
    minProficiency = Number(match[1])
  }
  const clauses: RequirementClause[] = []
  if (expression !== '' && expression !== '*') {
    for (const term of expression.split(/\s+AND\s+/i)) {
      const match = /^([^=\s]+)\s*=\s*([^\s]+)$/.exec(term.trim())
      if (!match) return { ok: false, error: `"${term.trim()}" is not a clause like key=value (join clauses with AND)` }
      const key = match[1]!.toLowerCase()
      const values = match[2]!.toLowerCase().split('|')
      for (const token of [key, ...values]) {
        if (!TOKEN.test(token)) return { ok: false, error: `"${token}" must be lowercase letters, digits, "-" or "_" (up to 40)` }
      }
      if (clauses.some((clause) => clause.key === key)) return { ok: false, error: `"${key}" appears twice; use ${key}=a|b for alternatives` }
      clauses.push({ key, values: [...new Set(values)] })
    }
  }
  return { ok: true, requirement: { clauses, minProficiency } }
}

/** The `key=value` pairs the requirement names that are not skills of the tenant. */
export function unknownSkills(requirement: ParsedRequirement, skills: readonly Skill[]): string[] {
  const known = new Set(skills.map((skill) => `${skill.key}=${skill.value}`))
  return requirement.clauses.flatMap((clause) => clause.values.map((value) => `${clause.key}=${value}`)).filter((name) => !known.has(name))
}

/**
 * The agents who qualify, best tier first: for every clause they hold one of its values
 * at the minimum proficiency or better (the server's `proficiencyFor`).
 */
export function qualifiedAgents(requirement: ParsedRequirement, agents: readonly AdminAgent[], skills: readonly Skill[]): QualifiedAgent[] {
  const names = new Map(skills.map((skill) => [skill.id, `${skill.key}=${skill.value}`]))
  const result: QualifiedAgent[] = []
  for (const agent of agents) {
    const held = new Map<string, number>()
    for (const { skillId, proficiency } of agent.skills) {
      const name = names.get(skillId)
      if (name) held.set(name, proficiency)
    }
    let tier: number | null = 5
    for (const clause of requirement.clauses) {
      const best = Math.max(0, ...clause.values.map((value) => held.get(`${clause.key}=${value}`) ?? 0))
      if (best === 0 || best < requirement.minProficiency) {
        tier = null
        break
      }
      tier = Math.min(tier, best)
    }
    if (tier !== null) result.push({ agent, tier })
  }
  return result.sort((a, b) => b.tier - a.tier || a.agent.displayName.localeCompare(b.agent.displayName))
}

/**
 * Adds `key=value` to the text: as an alternative when the key has a clause already
 * (`key=a|value`), else as a new clause joined with AND. Keeps the options part.
 */
export function addToRequirement(text: string, key: string, value: string): string {
  const [expression = '', ...options] = text.split(',').map((part) => part.trim())
  const terms = expression === '' || expression === '*' ? [] : expression.split(/\s+AND\s+/i).map((term) => term.trim())
  const index = terms.findIndex((term) => term.split('=')[0]?.trim().toLowerCase() === key)
  if (index >= 0) {
    const values = (terms[index]!.split('=')[1] ?? '').split('|').map((v) => v.trim())
    if (!values.includes(value)) terms[index] = `${key}=${[...values.filter(Boolean), value].join('|')}`
  } else {
    terms.push(`${key}=${value}`)
  }
  return [terms.join(' AND '), ...options.filter(Boolean)].join(', ')
}
