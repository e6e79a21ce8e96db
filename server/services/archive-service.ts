/**
 * The archive: every channel of a tenant, open or ended, with its full ordered event log.
 * Supervisors and admins search all of their tenant's channels; agents only the ones they
 * took part in, without the private sidebar messages of others. Another tenant's channel
 * is refused (403), never shown.
 */
import type { AgentRole } from '../../web/protocol/views.js'
import type { ArchivedEvent } from '../../web/archive/event-text.js'
import type { ChannelEvent } from '../../web/protocol/channel-event.js'
import { audienceOf } from '../domain/event-audience.js'
import { ForbiddenError, NotFoundError } from '../errors.js'
import type { Database } from '../store/database.js'
import type { EventLog } from './event-log.js'

/** Who is looking. */
export interface ArchiveViewer {
  agentId: string
  tenantId: string
  role: AgentRole
}

export interface ArchivedParticipant {
  id: string
  role: string
  name: string
  agentId: string | null
  visitorId: string | null
  joinedAt: string
  leftAt: string | null
}

export interface ArchivedChannel {
  id: string
  status: 'open' | 'ended'
  createdAt: string
  endedAt: string | null
  endReason: string | null
  question: string
  pageUrl: string | null
  kind: string
  queue: { id: string; slug: string; name: string } | null
  /** from opening to end (or now) */
  durationSec: number
  participants: ArchivedParticipant[]
  /** chat messages in the log */
  messages: number
  calls: number
}

export interface ArchivedCall {
  id: string
  video: boolean
  status: string
  endReason: string | null
  requestedAt: string
  startedAt: string | null
  endedAt: string | null
}

export interface Transcript {
  channel: ArchivedChannel
  events: ArchivedEvent[]
  calls: ArchivedCall[]
}

export interface ArchiveQuery {
  /** words in the question or any message */
  q?: string
  status?: 'open' | 'ended'
  from?: Date
  to?: Date
  queueId?: string
  agentId?: string
  limit: number
  /** page after this channel (the last of the previous page) */
  after?: string
}

const STAFF: readonly AgentRole[] = ['supervisor', 'admin']
const PAGE = 500

export class ArchiveService {
  constructor(
    private readonly db: Database,
    private readonly events: EventLog,
    private readonly provider: 'sqlite' | 'postgres',
  ) {}

  /** Channels of the viewer's tenant, newest first. */
  async list(viewer: ArchiveViewer, query: ArchiveQuery): Promise<{ channels: ArchivedChannel[]; next: string | null }> {
    const tenantId = viewer.tenantId
    const text = query.q?.trim()
    let matching: string[] | null = null
    if (text) {
      // Payloads are JSON: look for the text as JSON would spell it.
      const needle = JSON.stringify(text).slice(1, -1)
      const insensitive = this.provider === 'postgres' ? { mode: 'insensitive' as const } : {}
      const [byQuestion, byMessage] = await Promise.all([
        this.db.channel.findMany({ where: { tenantId, request: { question: { contains: text, ...insensitive } } }, select: { id: true }, take: 2000 }),
        this.db.channelEvent.findMany({
          where: { channel: { tenantId }, type: { in: ['chat.message', 'whisper.message', 'sidebar.message'] }, payload: { contains: needle, ...insensitive } },
          select: { channelId: true },
          distinct: ['channelId'],
          take: 2000,
        }),
      ])
      matching = [...new Set([...byQuestion.map((c) => c.id), ...byMessage.map((e) => e.channelId)])]
    }
    const own = STAFF.includes(viewer.role) ? null : viewer.agentId
    const agentFilter = [own, query.agentId].filter((id): id is string => !!id)
    const cursor = query.after ? await this.db.channel.findFirst({ where: { id: query.after, tenantId }, select: { createdAt: true, id: true } }) : null
    const rows = await this.db.channel.findMany({
      where: {
        tenantId,
        ...(matching ? { id: { in: matching } } : {}),
        ...(query.status ? { status: query.status } : {}),
        ...(query.from || query.to ? { createdAt: { ...(query.from ? { gte: query.from } : {}), ...(query.to ? { lt: query.to } : {}) } } : {}),
        ...(query.queueId ? { request: { queueId: query.queueId } } : {}),
        ...(agentFilter.length ? { AND: agentFilter.map((agentId) => ({ participants: { some: { agentId } } })) } : {}),
        ...(cursor ? { OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] } : {}),
      },
      include: { participants: true, request: { include: { queue: true } }, _count: { select: { calls: true } } },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: query.limit + 1,
    })
    const page = rows.slice(0, query.limit)
    const counts = page.length
      ? await this.db.channelEvent.groupBy({ by: ['channelId'], where: { channelId: { in: page.map((r) => r.id) }, type: 'chat.message' }, _count: { _all: true } })
      : []
    const messages = new Map(counts.map((c) => [c.channelId, c._count._all]))
    const names = await this.names(page.flatMap((r) => r.participants))
    return {
      channels: page.map((row) => this.summary(row, names, messages.get(row.id) ?? 0, row._count.calls)),
      next: rows.length > query.limit ? (page[page.length - 1]?.id ?? null) : null,
    }
  }

  /** One channel with its whole log, for someone allowed to see it. */
  async transcript(viewer: ArchiveViewer, channelId: string): Promise<Transcript> {
    const row = await this.db.channel.findUnique({ where: { id: channelId }, include: { participants: true, request: { include: { queue: true } }, calls: { orderBy: { requestedAt: 'asc' } } } })
    if (!row) throw new NotFoundError('no such conversation')
    if (row.tenantId !== viewer.tenantId) throw new ForbiddenError('this conversation belongs to another tenant')
    if (STAFF.includes(viewer.role)) return this.load(row)
    const own = new Set(row.participants.filter((p) => p.agentId === viewer.agentId).map((p) => p.id))
    if (own.size === 0) throw new ForbiddenError('agents see the archive of their own conversations only')
    const transcript = await this.load(row)
    // An agent reads what they could see in the channel: sidebars between others stay private.
    transcript.events = transcript.events.filter((event) => {
      const audience = audienceOf(event as unknown as ChannelEvent)
      return audience.kind !== 'participants' || audience.ids.some((id) => own.has(id))
    })
    return transcript
  }

  /** A channel for a tenant's own systems (public API), by tenant only. */
  async transcriptForTenant(tenantId: string, channelId: string): Promise<Transcript> {
    const row = await this.db.channel.findFirst({ where: { id: channelId, tenantId }, include: { participants: true, request: { include: { queue: true } }, calls: { orderBy: { requestedAt: 'asc' } } } })
    if (!row) throw new NotFoundError('no such channel')
    return this.load(row)
  }

  /** A channel's summary without its log (webhooks, API lists). */
  async summaryForTenant(tenantId: string, channelId: string): Promise<ArchivedChannel> {
    const row = await this.db.channel.findFirst({ where: { id: channelId, tenantId }, include: { participants: true, request: { include: { queue: true } }, _count: { select: { calls: true } } } })
    if (!row) throw new NotFoundError('no such channel')
    const messages = await this.db.channelEvent.count({ where: { channelId, type: 'chat.message' } })
    return this.summary(row, await this.names(row.participants), messages, row._count.calls)
  }

  private async load(row: ChannelRow & { calls: { id: string; video: boolean; status: string; endReason: string | null; requestedAt: Date; startedAt: Date | null; endedAt: Date | null }[] }): Promise<Transcript> {
    const events: ArchivedEvent[] = []
    for (let after = 0; ; ) {
      const page = await this.events.read(row.id, after, PAGE)
      for (const event of page.events) events.push({ seq: event.seq, type: event.type, at: event.at, author: event.author, payload: event.payload })
      if (!page.hasMore || page.events.length === 0) break
      after = page.events[page.events.length - 1]!.seq
    }
    const names = await this.names(row.participants)
    return {
      channel: this.summary(row, names, events.filter((e) => e.type === 'chat.message').length, row.calls.length),
      events,
      calls: row.calls.map((c) => ({ id: c.id, video: c.video, status: c.status, endReason: c.endReason, requestedAt: c.requestedAt.toISOString(), startedAt: c.startedAt?.toISOString() ?? null, endedAt: c.endedAt?.toISOString() ?? null })),
    }
  }

  private summary(row: ChannelRow, names: Map<string, string>, messages: number, calls: number): ArchivedChannel {
    const end = row.endedAt?.getTime() ?? Date.now()
    return {
      id: row.id,
      status: row.status === 'open' ? 'open' : 'ended',
      createdAt: row.createdAt.toISOString(),
      endedAt: row.endedAt?.toISOString() ?? null,
      endReason: row.endReason,
      question: row.request.question,
      pageUrl: row.request.pageUrl,
      kind: row.request.kind,
      queue: row.request.queue ? { id: row.request.queue.id, slug: row.request.queue.slug, name: row.request.queue.name } : null,
      durationSec: Math.max(0, Math.round((end - row.createdAt.getTime()) / 1000)),
      participants: row.participants
        .slice()
        .sort((a, b) => a.joinedAt.getTime() - b.joinedAt.getTime())
        .map((p) => ({ id: p.id, role: p.role, name: names.get(p.agentId ?? p.visitorId ?? '') ?? (p.role === 'visitor' ? 'Visitor' : p.role), agentId: p.agentId, visitorId: p.visitorId, joinedAt: p.joinedAt.toISOString(), leftAt: p.leftAt?.toISOString() ?? null })),
      messages,
      calls,
    }
  }

  private async names(participants: { agentId: string | null; visitorId: string | null }[]): Promise<Map<string, string>> {
    const agentIds = [...new Set(participants.map((p) => p.agentId).filter((id): id is string => !!id))]
    const visitorIds = [...new Set(participants.map((p) => p.visitorId).filter((id): id is string => !!id))]
    const [agents, visitors] = await Promise.all([
      agentIds.length ? this.db.agent.findMany({ where: { id: { in: agentIds } }, select: { id: true, displayName: true } }) : [],
      visitorIds.length ? this.db.visitor.findMany({ where: { id: { in: visitorIds } }, select: { id: true, displayName: true } }) : [],
    ])
    const names = new Map<string, string>()
    for (const a of agents) names.set(a.id, a.displayName)
    for (const v of visitors) names.set(v.id, v.displayName ?? 'Visitor')
    return names
  }
}

interface ChannelRow {
  id: string
  status: string
  createdAt: Date
  endedAt: Date | null
  endReason: string | null
  participants: { id: string; role: string; agentId: string | null; visitorId: string | null; joinedAt: Date; leftAt: Date | null }[]
  request: { question: string; pageUrl: string | null; kind: string; queue: { id: string; slug: string; name: string } | null }
}
