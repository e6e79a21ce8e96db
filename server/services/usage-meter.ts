/**
 * Metering: the raw usage records statements are rated from. Media seconds are written by
 * MediaSignaling when a call's room closes and PSTN seconds by the phone bridge; this
 * meter writes the rest as channels run: a hit per visitor request that enters Parley, and
 * a channel's chat seconds when it ends. A sweep at boot writes the chat seconds of any
 * channel that ended while the process died before metering it, so nothing goes unbilled.
 */
import type { Logger } from '../log.js'
import type { Database } from '../store/database.js'
import { newId } from '../store/ids.js'

/** Usage record kinds (closed union). */
export type UsageKind = 'chat_seconds' | 'media_seconds' | 'pstn_seconds' | 'hits'

export const USAGE_KINDS: readonly UsageKind[] = ['chat_seconds', 'media_seconds', 'pstn_seconds', 'hits']

export class UsageMeter {
  constructor(
    private readonly db: Database,
    private readonly log: Logger,
  ) {}

  /** A visitor request entered Parley (queued or booked): one hit, sourced by its kind. */
  async recordHit(tenantId: string, source: string, at = new Date()): Promise<void> {
    try {
      await this.db.usageRecord.create({ data: { id: newId('us'), tenantId, kind: 'hits', quantity: 1, source, at } })
    } catch (error) {
      this.log.error({ err: error, tenantId }, 'could not meter a hit')
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

  /** Meter ended channels that have no chat record yet (a crash between end and metering). */
  async sweep(): Promise<number> {
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
    const id = `us_chat_${channel.id}`
    const seconds = Math.max(0, channel.endedAt.getTime() - channel.createdAt.getTime()) / 1000
    try {
      await this.db.usageRecord.create({ data: { id, tenantId: channel.tenantId, kind: 'chat_seconds', quantity: seconds, channelId: channel.id, source: 'chat', at: channel.endedAt } })
    } catch (error) {
      if ((error as { code?: string }).code === 'P2002') return
      throw error
    }
  }
}
