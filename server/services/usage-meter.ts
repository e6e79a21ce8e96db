/**
 * Metering: the raw usage records statements are rated from. Media seconds are written by
 * MediaSignaling when a call's room closes and PSTN seconds by the phone bridge; this
 * meter writes the rest as channels run: a hit per visitor request that enters Parley, and
 * a channel's chat seconds when it ends. Both records have ids derived from the request or
 * channel, so writing one twice is refused by the store, and a sweep at boot writes those a
 * crash left out: nothing goes unbilled, nothing is billed twice.
 */
import type { Logger } from '../log.js'
import type { Database } from '../store/database.js'

/** Usage record kinds (closed union). */
export type UsageKind = 'chat_seconds' | 'media_seconds' | 'pstn_seconds' | 'hits'

export const USAGE_KINDS: readonly UsageKind[] = ['chat_seconds', 'media_seconds', 'pstn_seconds', 'hits']

export class UsageMeter {
  constructor(
    private readonly db: Database,
    private readonly log: Logger,
  ) {}

  /** A visitor request entered Parley (queued or booked): one hit, sourced by its kind. */
  async recordHit(request: { id: string; tenantId: string; kind: string; createdAt: Date }): Promise<void> {
    try {
      await this.writeOnce({ id: `us_hit_${request.id}`, tenantId: request.tenantId, kind: 'hits', quantity: 1, source: request.kind, at: request.createdAt })
    } catch (error) {
      this.log.error({ err: error, requestId: request.id }, 'could not meter a hit')
    }
  }

  /** A channel ended: its chat time, from opening to end, once. */
  async recordChannelEnded(channelId: string): Promise<void> {
    try {
      const channel = await this.db.channel.findUnique({ where: { id: channelId }, select: { id: true, tenantId: true, createdAt: true, endedAt: true } })
      if (!channel?.endedAt) return
      await this.writeChat(channel as { id: string; tenantId: string; createdAt: Date; endedAt: Date })
    } catch (error) {
      this.log.error({ err: error, channelId }, 'could not meter chat time')
    }
  }

  /** Meter what has no record yet (a crash between the event and its metering). */
  async sweep(): Promise<number> {
    return (await this.sweepChannels()) + (await this.sweepHits())
  }

  private async sweepHits(): Promise<number> {
    const requests = await this.db.request.findMany({ select: { id: true, tenantId: true, kind: true, createdAt: true }, orderBy: { createdAt: 'desc' }, take: 5000 })
    if (requests.length === 0) return 0
    const metered = new Set((await this.db.usageRecord.findMany({ where: { id: { in: requests.map((r) => `us_hit_${r.id}`) } }, select: { id: true } })).map((r) => r.id))
    const missing = requests.filter((r) => !metered.has(`us_hit_${r.id}`))
    for (const request of missing) await this.recordHit(request)
    if (missing.length > 0) this.log.warn({ requests: missing.length }, 'metered hits of requests from before a restart')
    return missing.length
  }

  private async sweepChannels(): Promise<number> {
    const ended = await this.db.channel.findMany({ where: { status: 'ended', endedAt: { not: null } }, select: { id: true, tenantId: true, createdAt: true, endedAt: true }, orderBy: { endedAt: 'desc' }, take: 5000 })
    if (ended.length === 0) return 0
    const metered = new Set(
      (await this.db.usageRecord.findMany({ where: { kind: 'chat_seconds', channelId: { in: ended.map((c) => c.id) } }, select: { channelId: true } })).map((r) => r.channelId),
    )
    let written = 0
    for (const channel of ended) {
      if (metered.has(channel.id)) continue
      await this.writeChat(channel as { id: string; tenantId: string; createdAt: Date; endedAt: Date })
      written++
    }
    if (written > 0) this.log.warn({ channels: written }, 'metered chat time of channels that ended before a restart')
    return written
  }

  private async writeChat(channel: { id: string; tenantId: string; createdAt: Date; endedAt: Date }): Promise<void> {
    // NOTE: the record id is derived from the channel, so a repeated write is refused by the
    // primary key instead of billing the same conversation twice.
    const seconds = Math.max(0, channel.endedAt.getTime() - channel.createdAt.getTime()) / 1000
    await this.writeOnce({ id: `us_chat_${channel.id}`, tenantId: channel.tenantId, kind: 'chat_seconds', quantity: seconds, channelId: channel.id, source: 'chat', at: channel.endedAt })
  }

  /** Insert a record unless one with its id exists. */
  private async writeOnce(data: { id: string; tenantId: string; kind: UsageKind; quantity: number; channelId?: string; source: string; at: Date }): Promise<void> {
    try {
      await this.db.usageRecord.create({ data })
    } catch (error) {
      if ((error as { code?: string }).code === 'P2002') return
      throw error
    }
  }
}
