import { describe, expect, it } from 'vitest'
import { parseRequirement as serverParse, proficiencyFor } from '../../server/domain/skill-requirement.js'
import type { AdminAgent, Skill } from './admin-api.js'
import { addToRequirement, parseRequirement, qualifiedAgents, unknownSkills } from './requirement.js'

const samples = [
  '*',
  '',
  'language=de',
  'language=de AND product=bikes|ebikes, proficiency>=3',
  'Language=DE and product=bikes',
  'language = de',
  'language=de, proficiency>=7',
  'language=de, speed>=3',
  'language=de AND',
  'language=de product=bikes',
  'language=de AND language=en',
  'language=Ä',
  '*, proficiency>=2',
  'product=bikes|bikes',
]

describe('client requirement parser', () => {
  it('accepts and rejects exactly what the server does, with the same messages', () => {
    for (const text of samples) {
      let server: { ok: true; requirement: unknown } | { ok: false; error: string }
      try {
        const parsed = serverParse(text)
        server = { ok: true, requirement: { clauses: parsed.clauses.map(({ key, values }) => ({ key, values })), minProficiency: parsed.minProficiency } }
      } catch (error) {
        server = { ok: false, error: (error as Error).message }
      }
      expect(parseRequirement(text), text).toEqual(server)
    }
  })

  const skills: Skill[] = [
    { id: 's1', key: 'language', value: 'de', label: 'German' },
    { id: 's2', key: 'product', value: 'bikes', label: 'Bikes' },
    { id: 's3', key: 'product', value: 'ebikes', label: 'E-bikes' },
  ]
  const agent = (id: string, held: [string, number][]): AdminAgent => ({ id, displayName: id, email: `${id}@x`, role: 'agent', maxChats: 3, maxCalls: 1, skills: held.map(([skillId, proficiency]) => ({ skillId, proficiency })) })
  const agents = [agent('anna', [['s1', 5], ['s2', 4]]), agent('ben', [['s1', 2], ['s3', 5]]), agent('cem', [['s2', 5]])]

  it('qualifies the same agents with the same tier as the server', () => {
    for (const text of ['*', 'language=de', 'language=de AND product=bikes|ebikes', 'language=de AND product=bikes|ebikes, proficiency>=3', 'product=ebikes']) {
      const result = parseRequirement(text)
      if (!result.ok) throw new Error(result.error)
      const names = new Map(skills.map((s) => [s.id, `${s.key}=${s.value}`]))
      const expected = agents
        .map((a) => ({ id: a.id, tier: proficiencyFor(new Map(a.skills.map((s) => [names.get(s.skillId)!, s.proficiency])), serverParse(text)) }))
        .filter((a) => a.tier !== null)
      const actual = qualifiedAgents(result.requirement, agents, skills).map((q) => ({ id: q.agent.id, tier: q.tier }))
      expect(actual.sort((a, b) => a.id.localeCompare(b.id)), text).toEqual(expected)
    }
  })

  it('names unknown skills', () => {
    const result = parseRequirement('language=de|fr AND product=bikes')
    expect(result.ok && unknownSkills(result.requirement, skills)).toEqual(['language=fr'])
  })

  it('adds a skill as a clause or an alternative, keeping options', () => {
    expect(addToRequirement('*', 'language', 'de')).toBe('language=de')
    expect(addToRequirement('language=de, proficiency>=3', 'product', 'bikes')).toBe('language=de AND product=bikes, proficiency>=3')
    expect(addToRequirement('language=de AND product=bikes', 'language', 'en')).toBe('language=de|en AND product=bikes')
    expect(addToRequirement('language=de', 'language', 'de')).toBe('language=de')
  })
})
