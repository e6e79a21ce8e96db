/**
 * Links from a channel to pages of the tenant's site, signed with the server secret: the
 * agent's co-browsing tab (a `lead` token: that tab may lead and follow its one channel) and
 * invitations for more visitors (an `invite` token: a group session, up to the tenant's seat
 * cap). Tokens ride in the URL fragment, which browsers never send to the shop's server.
 */
import type { ChannelView } from '../../web/protocol/views.js'
import type { LinkResult } from '../../web/protocol/events.js'
import type { LinkClaims, LinkTokens } from '../auth/link-token.js'
import { refuseLeadUrl } from '../domain/lead-rules.js'
import { ConflictError, ForbiddenError, InvalidStateError, UnauthorizedError } from '../errors.js'
import type { AgentService } from './agent-service.js'
import { VISITOR_DEFAULT_NAME, type ChannelService, type OpenChannel } from './channel-service.js'
import type { LeadingService } from './leading-service.js'
import type { Member } from './notifier.js'
import type { RoutingDirectory } from './routing-directory.js'

const LEAD_TOKEN_TTL_MS = 8 * 3600_000
const INVITE_TOKEN_TTL_MS = 24 * 3600_000

export const LEAD_FRAGMENT = 'parley-lead'
export const INVITE_FRAGMENT = 'parley-join'

/** A co-browsing tab let in: the agent it acts for and its one channel. */
export interface CompanionGrant {
  agentId: string
  displayName: string
  channelId: string
  tenantId: string
}

export class ChannelLinks {
  constructor(
    private readonly tokens: LinkTokens,
    private readonly channels: ChannelService,
    private readonly leading: LeadingService,
    private readonly agents: AgentService,
    private readonly routing: RoutingDirectory,
  ) {}

  /** A link that opens `url` (default: where the visitor is) as the agent's co-browsing tab. */
  async companionLink(agentId: string, tenantId: string, input: { channelId: string; url: string | null }): Promise<LinkResult> {
    const { channel, participant } = this.channels.requireOpenMember(input.channelId, { kind: 'agent', agentId }, tenantId)
    if (participant.silent) throw new ForbiddenError('a monitoring supervisor cannot co-browse: barge in first')
    const url = await this.sitePage(channel, input.url)
    const expiresAt = new Date(Date.now() + LEAD_TOKEN_TTL_MS)
    const token = this.tokens.sign({ kind: 'lead', tenantId, channelId: channel.id, agentId, exp: seconds(expiresAt) })
    return { url: withFragment(url, LEAD_FRAGMENT, token), token, expiresAt: expiresAt.toISOString() }
  }

  /** An invitation link for more visitors to join this conversation. */
  async inviteLink(agentId: string, tenantId: string, input: { channelId: string; url: string | null }): Promise<LinkResult & { seats: { used: number; max: number } }> {
    const { channel, participant } = this.channels.requireOpenMember(input.channelId, { kind: 'agent', agentId }, tenantId)
    if (participant.role !== 'agent') throw new ForbiddenError('only the conversation’s agent can invite visitors')
    const url = await this.sitePage(channel, input.url)
    const expiresAt = new Date(Date.now() + INVITE_TOKEN_TTL_MS)
    const token = this.tokens.sign({ kind: 'invite', tenantId, channelId: channel.id, exp: seconds(expiresAt) })
    return { url: withFragment(url, INVITE_FRAGMENT, token), token, expiresAt: expiresAt.toISOString(), seats: await this.seats(channel) }
  }

  /** A visitor follows an invitation: they join the conversation unless it is full. */
  async join(visitor: { id: string; displayName: string | null }, tenantId: string, token: string): Promise<ChannelView> {
    const claims = this.tokens.verify(token, 'invite')
    if (!claims || claims.tenantId !== tenantId) throw new ForbiddenError('this invitation is not valid (it may have expired)')
    const channel = this.channels.get(claims.channelId)
    if (!channel) throw new InvalidStateError('this session has ended')
    const member: Member = { kind: 'visitor', visitorId: visitor.id }
    const already = [...channel.participants.values()].some((p) => p.visitorId === visitor.id && !p.leftAt)
    if (!already) {
      const { used, max } = await this.seats(channel)
      if (used >= max) throw new ConflictError(`this session is full (${max} of ${max} seats taken)`)
      await this.channels.addParticipant(channel.id, { role: 'visitor', agentId: null, visitorId: visitor.id, name: visitor.displayName ?? VISITOR_DEFAULT_NAME, silent: false, avatarUrl: null })
    }
    return this.channels.viewFor(channel.id, member, tenantId)
  }

  /** The claims of a genuine co-browsing token (checked anywhere; the owner checks the channel). */
  readLeadToken(token: string): LinkClaims & { agentId: string } {
    const claims: LinkClaims | null = this.tokens.verify(token, 'lead')
    if (!claims?.agentId) throw new UnauthorizedError('this co-browsing link is not valid any more: open a new one from the console')
    return claims as LinkClaims & { agentId: string }
  }

  /** Let in a co-browsing tab: a genuine lead token, from the tenant's site, for an agent still in the channel. */
  async admitCompanion(token: string, origin: string | null, origins: readonly string[]): Promise<CompanionGrant> {
    const claims = this.readLeadToken(token)
    if (!origin || !origins.includes(origin)) throw new ForbiddenError('co-browsing tabs open on the tenant’s own site only')
    const channel = this.channels.get(claims.channelId)
    if (!channel || channel.tenantId !== claims.tenantId) throw new InvalidStateError('this conversation has ended')
    const present = [...channel.participants.values()].some((p) => p.agentId === claims.agentId && !p.leftAt && !p.silent)
    if (!present) throw new ForbiddenError('you are not in this conversation any more')
    const agent = await this.agents.load(claims.agentId)
    return { agentId: agent.id, displayName: agent.displayName, channelId: channel.id, tenantId: claims.tenantId }
  }

  private async seats(channel: OpenChannel): Promise<{ used: number; max: number }> {
    const { settings } = await this.routing.get(channel.tenantId)
    const used = [...channel.participants.values()].filter((p) => p.role === 'visitor' && !p.leftAt).length
    return { used, max: settings.maxVisitorsPerChannel }
  }

  /** `url` when it is a page of the tenant's site; by default where the visitor is (on the site), or where they started. */
  private async sitePage(channel: OpenChannel, url: string | null): Promise<string> {
    const origins = await this.leading.allowedOrigins(channel.tenantId)
    if (url) {
      const refusal = refuseLeadUrl(url, origins)
      if (refusal) throw new ForbiddenError(`cannot open that page: ${refusal}`)
      return url
    }
    const visitor = [...channel.participants.values()].find((p) => p.role === 'visitor' && !p.leftAt)
    const candidates = [visitor && this.leading.pageOf(visitor.id), channel.pageUrl, origins[0] && `${origins[0]}/`]
    const page = candidates.find((candidate): candidate is string => !!candidate && refuseLeadUrl(candidate, origins) === null)
    if (!page) throw new InvalidStateError('this site has no allowed origin to open')
    return page
  }
}

function seconds(date: Date): number {
  return Math.floor(date.getTime() / 1000)
}

/** The URL with `#name=token` in place of its fragment (the widget takes it out of the address bar). */
function withFragment(url: string, name: string, token: string): string {
  const parsed = new URL(url)
  parsed.hash = `${name}=${token}`
  return parsed.toString()
}
