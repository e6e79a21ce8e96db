import { describe, expect, it } from 'vitest'
import { formatRequirement, parseRequirement, proficiencyFor, RequirementSyntaxError, withHints } from './skill-requirement.js'

const skills = (entries: Record<string, number>) => new Map(Object.entries(entries))

describe('parseRequirement', () => {
  it('reads clauses, alternatives and the proficiency option', () => {
    expect(parseRequirement('language=de AND product=bikes|ebikes, proficiency>=3')).toEqual({
      clauses: [
        { key: 'language', values: ['de'], soft: false },
        { key: 'product', values: ['bikes', 'ebikes'], soft: false },
      ],
      minProficiency: 3,
    })
    expect(parseRequirement('*')).toEqual({ clauses: [], minProficiency: 1 })
    expect(parseRequirement('Language=DE')).toEqual({ clauses: [{ key: 'language', values: ['de'], soft: false }], minProficiency: 1 })
  })

  it('round-trips through its text form', () => {
    for (const text of ['language=de AND product=bikes|ebikes, proficiency>=3', '*', 'topic=returns']) {
      expect(formatRequirement(parseRequirement(text))).toBe(text)
    }
  })

  it('explains what is wrong', () => {
    expect(() => parseRequirement('language de')).toThrow(RequirementSyntaxError)
    expect(() => parseRequirement('language=de, proficiency>=7')).toThrow(/proficiency>=N/)
    expect(() => parseRequirement('language=de AND language=fr')).toThrow(/appears twice/)
    expect(() => parseRequirement('lang uage=de')).toThrow(RequirementSyntaxError)
    expect(() => parseRequirement('language=<script>')).toThrow(/lowercase/)
  })
})

describe('proficiencyFor', () => {
  const requirement = parseRequirement('language=de AND product=bikes|ebikes, proficiency>=3')

  it('is the lowest proficiency over the clauses, or null when an agent does not qualify', () => {
    expect(proficiencyFor(skills({ 'language=de': 5, 'product=ebikes': 4 }), requirement)).toBe(4)
    expect(proficiencyFor(skills({ 'language=de': 5, 'product=bikes': 2, 'product=ebikes': 3 }), requirement)).toBe(3)
    expect(proficiencyFor(skills({ 'language=de': 5, 'product=bikes': 2 }), requirement)).toBeNull()
    expect(proficiencyFor(skills({ 'product=bikes': 5 }), requirement)).toBeNull()
    expect(proficiencyFor(skills({}), parseRequirement('*'))).toBe(5)
  })

  it('adds hints as soft clauses only for keys not already required', () => {
    const hinted = withHints(parseRequirement('product=bikes'), [
      { key: 'product', value: 'helmets' },
      { key: 'language', value: 'de' },
    ])
    expect(hinted.clauses).toEqual([
      { key: 'product', values: ['bikes'], soft: false },
      { key: 'language', values: ['de'], soft: true },
    ])
  })
})
