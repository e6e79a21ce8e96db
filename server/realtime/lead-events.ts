/** Browser-leading events, for every channel member (visitors, agents and agents' co-browsing tabs). */
import * as schema from '../../web/protocol/schemas.js'
import type { Member } from '../services/notifier.js'
import type { Services } from '../services/services.js'
import type { Binder } from './handle.js'

export const LEAD_EVENTS = ['page:viewed', 'lead:navigate', 'lead:pass', 'lead:highlight', 'lead:clear-highlight', 'lead:fill', 'lead:scroll', 'lead:click'] as const

const done = {} as Record<string, never>

export function bindLeadEvents(on: Binder, services: Services, member: Member, tenantId: string): void {
  const { leading } = services
  on.request('page:viewed', schema.pageViewed, async (input) => (await leading.pageViewed(member, tenantId, input), done))
  on.request('lead:navigate', schema.leadNavigate, async (input) => (await leading.navigate(member, tenantId, input), done))
  on.request('lead:pass', schema.leadPass, async (input) => ({ channel: await leading.pass(member, tenantId, input) }))
  on.request('lead:highlight', schema.leadHighlight, async (input) => (await leading.highlight(member, tenantId, input), done))
  on.request('lead:clear-highlight', schema.leadClearHighlight, async (input) => (await leading.clearHighlight(member, tenantId, input), done))
  on.request('lead:fill', schema.leadFill, async (input) => (await leading.fill(member, tenantId, input), done))
  on.notice('lead:scroll', schema.leadScroll, (input) => leading.scroll(member, tenantId, input))
  on.notice('lead:click', schema.leadClick, (input) => leading.click(member, tenantId, input))
}
