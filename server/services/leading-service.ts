/**
 * Browser leading in a channel: the leader's page changes and pushed URLs send followers
 * somewhere, the baton moves between participants, and the leader highlights, fills form
 * fields, scrolls and clicks on followers' pages. Every action is a channel event (archived,
 * replayed on reconnect); the rules are pure (domain/lead-rules.ts), this file applies them.
 */
import type { ChannelView } from '../../web/protocol/views.js'
import { isMaskedField, refuseLeadUrl, refusePass, type FieldDescription } from '../domain/lead-rules.js'
import { ForbiddenError, InvalidStateError, ValidationError } from '../errors.js'
import type { Logger } from '../log.js'
import type { ChannelService, OpenChannel, ParticipantRuntime } from './channel-service.js'
import type { EventLog } from './event-log.js'
import type { Member } from './notifier.js'
import type { RoutingDirectory } from './routing-directory.js'
import type { TenantDirectory } from './tenant-directory.js'

/** Scroll positions closer together than this are not worth an event each. */
const SCROLL_MIN_INTERVAL_MS = 150

export class LeadingService {
  /** the last page each participant's browser reported, and the last one on the tenant's site */
  private readonly pages = new Map<string, string>()
  private readonly sitePages = new Map<string, string>()
  private readonly lastScroll = new Map<string, number>()

  constructor(
    private readonly channels: ChannelService,
    private readonly events: EventLog,
    private readonly tenants: TenantDirectory,
    private readonly routing: RoutingDirectory,
    private readonly log: Logger,
  ) {}

  /** The page of the tenant's site (`origins`) a participant's browser showed last, if any. */
  pageOf(participantId: string): string | null {
    return this.sitePages.get(participantId) ?? null
  }

  /** Origins followers may be sent to: the tenant's embed origins and its extra lead origins. */
  async allowedOrigins(tenantId: string): Promise<string[]> {
    const routing = await this.routing.get(tenantId)
    const tenant = await this.tenants.require(routing.slug)
    return [...tenant.origins, ...routing.settings.leadOrigins]
  }

  /** A participant's browser shows `url`: staff see it; when it is the leader's, followers are led there. */
  async pageViewed(member: Member, tenantId: string, input: { channelId: string; url: string; title: string | null }): Promise<void> {
    const { channel, participant } = this.channels.requireOpenMember(input.channelId, member, tenantId)
    if (this.pages.get(participant.id) === input.url) return // the same page mounted again (a reload)
    this.pages.set(participant.id, input.url)
    const author = authorOf(participant)
    await this.events.append({ channelId: channel.id, type: 'page.viewed', author, payload: { url: input.url, title: input.title } })
    // Only pages of the tenant's site lead anyone (the leader may browse elsewhere).
    if (refuseLeadUrl(input.url, await this.allowedOrigins(tenantId))) return
    this.sitePages.set(participant.id, input.url)
    if (channel.leaderId !== participant.id || participant.silent) return
    await this.events.append({ channelId: channel.id, type: 'lead.navigate', author, payload: { url: input.url, newTab: false, includeLeader: false, source: 'leader_page' } })
  }

  async navigate(member: Member, tenantId: string, input: { channelId: string; url: string; newTab: boolean; includeLeader: boolean }): Promise<void> {
    const { channel, participant } = this.requireLeader(member, tenantId, input.channelId)
    await this.requireSitePage(tenantId, input.url)
    await this.events.append({
      channelId: channel.id,
      type: 'lead.navigate',
      author: authorOf(participant),
      payload: { url: input.url, newTab: input.newTab, includeLeader: input.includeLeader, source: 'push' },
    })
  }

  /** The leader hands the baton on; an agent can take it back or give it to anyone present. */
  async pass(member: Member, tenantId: string, input: { channelId: string; participantId: string }): Promise<ChannelView> {
    const { channel, participant } = this.channels.requireOpenMember(input.channelId, member, tenantId)
    const refusal = refusePass(membersOf(channel), channel.leaderId, participant.id, input.participantId)
    if (refusal) throw new ForbiddenError(refusal)
    if (channel.leaderId !== input.participantId) await this.moveBaton(channel, input.participantId, authorOf(participant))
    return this.channels.viewFor(channel.id, member, tenantId)
  }

  async highlight(member: Member, tenantId: string, input: { channelId: string; pageUrl: string; selector: string; region: { x: number; y: number; width: number; height: number } | null; label: string | null }): Promise<void> {
    const { channel, participant } = this.requireLeader(member, tenantId, input.channelId)
    await this.requireSitePage(tenantId, input.pageUrl)
    if (input.region && (input.region.x + input.region.width > 1.0001 || input.region.y + input.region.height > 1.0001)) throw new ValidationError('the region must lie within the element')
    await this.events.append({
      channelId: channel.id,
      type: 'lead.highlight',
      author: authorOf(participant),
      payload: { pageUrl: input.pageUrl, selector: input.selector, region: input.region, label: input.label || null },
    })
  }

  async clearHighlight(member: Member, tenantId: string, input: { channelId: string; pageUrl: string }): Promise<void> {
    const { channel, participant } = this.requireLeader(member, tenantId, input.channelId)
    await this.events.append({ channelId: channel.id, type: 'lead.highlight-cleared', author: authorOf(participant), payload: { pageUrl: input.pageUrl } })
  }

  /** The leader fills one field on followers' pages; password, card and masked fields never. */
  async fill(member: Member, tenantId: string, input: { channelId: string; pageUrl: string; selector: string; value: string | boolean; field: FieldDescription }): Promise<void> {
    const { channel, participant } = this.requireLeader(member, tenantId, input.channelId)
    await this.requireSitePage(tenantId, input.pageUrl)
    const { settings } = await this.routing.get(tenantId)
    if (isMaskedField(input.field, settings.maskedFields)) throw new ForbiddenError('this field is private (passwords, card details and masked fields are never shared)')
    await this.events.append({ channelId: channel.id, type: 'lead.fill', author: authorOf(participant), payload: { pageUrl: input.pageUrl, selector: input.selector, value: input.value } })
  }

  async scroll(member: Member, tenantId: string, input: { channelId: string; pageUrl: string; x: number; y: number }): Promise<void> {
    const { channel, participant } = await this.requirePointerSharing(member, tenantId, input.channelId)
    const now = Date.now()
    if (now - (this.lastScroll.get(channel.id) ?? 0) < SCROLL_MIN_INTERVAL_MS) return
    this.lastScroll.set(channel.id, now)
    await this.events.append({ channelId: channel.id, type: 'lead.scroll', author: authorOf(participant), payload: { pageUrl: input.pageUrl, x: input.x, y: input.y } })
  }

  async click(member: Member, tenantId: string, input: { channelId: string; pageUrl: string; selector: string }): Promise<void> {
    const { channel, participant } = await this.requirePointerSharing(member, tenantId, input.channelId)
    await this.events.append({ channelId: channel.id, type: 'lead.click', author: authorOf(participant), payload: { pageUrl: input.pageUrl, selector: input.selector } })
  }

  /** Someone left a channel that goes on: a leader who left hands the baton back to the agent. */
  async afterLeft(channel: OpenChannel, participant: ParticipantRuntime): Promise<void> {
    this.pages.delete(participant.id)
    this.sitePages.delete(participant.id)
    if (channel.leaderId !== participant.id) return
    const agent = [...channel.participants.values()].find((p) => p.role === 'agent' && !p.leftAt)
    if (agent) await this.moveBaton(channel, agent.id, { role: 'system' })
  }

  /** A channel ended: forget its bookkeeping. */
  forget(channel: OpenChannel): void {
    this.lastScroll.delete(channel.id)
    for (const id of channel.participants.keys()) {
      this.pages.delete(id)
      this.sitePages.delete(id)
    }
  }

  private async moveBaton(channel: OpenChannel, leaderId: string, author: ReturnType<typeof authorOf> | { role: 'system' }): Promise<void> {
    const previousLeaderId = channel.leaderId
    await this.channels.setLeader(channel.id, leaderId)
    await this.events.append({ channelId: channel.id, type: 'lead.changed', author, payload: { leaderId, previousLeaderId } })
    this.log.debug({ channelId: channel.id, leaderId, previousLeaderId }, 'lead passed')
  }

  private requireLeader(member: Member, tenantId: string, channelId: string): { channel: OpenChannel; participant: ParticipantRuntime } {
    const found = this.channels.requireOpenMember(channelId, member, tenantId)
    if (found.channel.leaderId !== found.participant.id || found.participant.silent) throw new ForbiddenError('only the leader can do this: ask for the lead first')
    return found
  }

  private async requirePointerSharing(member: Member, tenantId: string, channelId: string): Promise<{ channel: OpenChannel; participant: ParticipantRuntime }> {
    const found = this.requireLeader(member, tenantId, channelId)
    const { settings } = await this.routing.get(tenantId)
    if (!settings.shareScrollAndClicks) throw new InvalidStateError('sharing scrolling and clicks is turned off for this site')
    return found
  }

  private async requireSitePage(tenantId: string, url: string): Promise<void> {
    const refusal = refuseLeadUrl(url, await this.allowedOrigins(tenantId))
    if (refusal) throw new ForbiddenError(`cannot lead there: ${refusal}`)
  }
}

function authorOf(participant: ParticipantRuntime) {
  return { role: participant.role, participantId: participant.id, name: participant.name }
}

function membersOf(channel: OpenChannel) {
  return [...channel.participants.values()].map((p) => ({ id: p.id, role: p.role, present: !p.leftAt, silent: p.silent }))
}
