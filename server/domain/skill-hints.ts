/**
 * Where a request's skills come from: the topic the visitor picked (a queue), rules that map
 * the page URL and cart categories to skills, and what the signed visitor profile remembers
 * (language, earlier topics). Pure: the services pass the tenant's rules and queues in.
 */
import { parseRequirement, withHints, type SkillRequirement } from './skill-requirement.js'

export interface SkillHint {
  key: string
  value: string
  source: 'page' | 'cart' | 'language' | 'history' | 'topic'
}

export interface HintRule {
  kind: 'page' | 'cart_category'
  pattern: string
  skillKey: string
  skillValue: string
}

export interface QueueInfo {
  id: string
  slug: string
  requirement: string
  priority: number
  isDefault: boolean
  sortOrder: number
}

export interface HintContext {
  pageUrl: string | null
  cartCategories: readonly string[]
  /** BCP 47 tag from the browser, e.g. de-CH */
  language: string | null
  /** topics (queue slugs) of earlier conversations */
  pastTopics: readonly string[]
}

/** `*` matches any run of characters; everything else is literal; case-insensitive. */
export function globMatches(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i')
  return regex.test(value)
}

export function hintsFor(context: HintContext, rules: readonly HintRule[]): SkillHint[] {
  const hints: SkillHint[] = []
  const add = (hint: SkillHint) => {
    if (!hints.some((h) => h.key === hint.key)) hints.push(hint)
  }
  for (const rule of rules) {
    if (rule.kind === 'page' && context.pageUrl && globMatches(rule.pattern, context.pageUrl)) add({ key: rule.skillKey, value: rule.skillValue, source: 'page' })
  }
  for (const rule of rules) {
    if (rule.kind === 'cart_category' && context.cartCategories.some((category) => category.toLowerCase() === rule.pattern.toLowerCase())) {
      add({ key: rule.skillKey, value: rule.skillValue, source: 'cart' })
    }
  }
  const language = context.language?.toLowerCase().split('-')[0]
  if (language && /^[a-z]{2,3}$/.test(language)) add({ key: 'language', value: language, source: 'language' })
  return hints
}

/**
 * The queue for a request: the topic the visitor picked; else the public queue whose
 * requirement the hints satisfy best (most clauses matched, then priority); else the
 * visitor's last topic; else the default queue.
 */
export function chooseQueue(queues: readonly QueueInfo[], hints: readonly SkillHint[], topic: string | null, pastTopics: readonly string[]): QueueInfo | null {
  if (topic) {
    const picked = queues.find((queue) => queue.slug === topic)
    if (picked) return picked
  }
  let best: { queue: QueueInfo; matched: number } | null = null
  for (const queue of queues) {
    let requirement: SkillRequirement
    try {
      requirement = parseRequirement(queue.requirement)
    } catch {
      continue
    }
    if (requirement.clauses.length === 0) continue
    const matched = requirement.clauses.filter((clause) => hints.some((hint) => hint.key === clause.key && clause.values.includes(hint.value))).length
    if (matched < requirement.clauses.length) continue
    if (!best || matched > best.matched || (matched === best.matched && queue.priority > best.queue.priority)) best = { queue, matched }
  }
  if (best) return best.queue
  const last = pastTopics.at(-1)
  const remembered = last ? queues.find((queue) => queue.slug === last) : undefined
  return remembered ?? queues.find((queue) => queue.isDefault) ?? [...queues].sort((a, b) => a.sortOrder - b.sortOrder)[0] ?? null
}

/** The request's requirement: its queue's, plus the hints as soft clauses. */
export function requestRequirement(queue: QueueInfo | null, hints: readonly SkillHint[]): SkillRequirement {
  const base = queue ? parseRequirement(queue.requirement) : parseRequirement('*')
  return withHints(base, hints.filter((hint) => hint.source !== 'topic'))
}
