/** The agent's picture a visitor sees on a page: the tenant's first matching rule, else the agent's own. */
import type { SiteOptions } from './panel-api.js'

/** `*` matches anything (including nothing); everything else literally; the whole URL must match. */
export function globMatches(pattern: string, url: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*')
  return new RegExp(`^${source}$`, 'i').test(url)
}

/** An absolute picture URL for `pageUrl`, or null (then the widget shows no picture). */
export function avatarFor(site: SiteOptions | undefined, pageUrl: string, own: string | null, baseUrl: string): string | null {
  const rule = site?.avatarRules.find((candidate) => globMatches(candidate.pattern, pageUrl))
  const url = rule?.avatarUrl ?? own
  if (!url) return null
  try {
    const absolute = new URL(url, `${baseUrl}/`)
    return absolute.protocol === 'https:' || absolute.protocol === 'http:' ? absolute.href : null
  } catch {
    return null
  }
}
