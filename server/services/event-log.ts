/**
 * The sequenced, archived log of every channel. Appends get the next dense seq of their
 * channel and are written in group commits (everything appended in one tick goes to the
 * store in one statement); committed events are handed to `onCommit` in seq order before
 * the appenders hear back, so a broadcast never shows an event the store could lose.
 *
 * NOTE: seqs are allocated in memory, so one process must own a channel's log at a time
 * (true for the embedded default; the scale-out issue moves ownership into the store).
 */
import type { ChannelEvent, ChannelEventAuthor, ChannelEventPayloads, ChannelEventType } from '../../web/protocol/channel-event.js'
import { StoreBusyError, type EventRow, type EventStore } from '../store/event-store.js'
import type { Logger } from '../log.js'

export type EventDraft = {
  [T in ChannelEventType]: {
    channelId: string
    type: T
    author: ChannelEventAuthor
    clientMsgId?: string
    payload: ChannelEventPayloads[T]
  }
}[ChannelEventType]

/** A committed event and the socket it came from (which gets it in its ack instead). */
export interface CommittedEvent {
  event: ChannelEvent
  originSocketId?: string
}

export interface AppendResult {
  event: ChannelEvent
  /** an event with this client message id was already in the log: it is returned instead */
  duplicate: boolean
}

interface Cursor {
  /** highest seq allocated */
  lastSeq: number
  /** highest seq known to be in the store */
  committedSeq: number
  /** client message id -> its event (pending) or seq (stored earlier) */
  byClientId: Map<string, Promise<ChannelEvent> | number>
}

interface PendingAppend {
  event: ChannelEvent
  originSocketId?: string
  resolve: (event: ChannelEvent) => void
  reject: (error: unknown) => void
}

export class StoreWriteError extends Error {
  override name = 'StoreWriteError'
}

/** How long to wait before retrying a group commit the store was too busy to take. */
const BUSY_RETRY_MS = 2
/** After this many busy retries in a row the batch fails (clients retry idempotently). */
const BUSY_RETRIES = 500

export class EventLog {
  /** called with each group commit's events, in commit (and per-channel seq) order */
  onCommit: (committed: readonly CommittedEvent[]) => void = () => {}

  private readonly cursors = new Map<string, Promise<Cursor>>()
  /** cursors that finished loading, for synchronous bookkeeping after a commit */
  private readonly loaded = new Map<string, Cursor>()
  private batch: PendingAppend[] = []
  private writing: Promise<void> = Promise.resolve()
  private writeQueued = false

  constructor(
    private readonly store: EventStore,
    private readonly log: Logger,
  ) {}

  /** `originSocketId`: the sending socket, left out of the fan-out (its ack carries the event). */
  async append(draft: EventDraft, at = new Date(), originSocketId?: string): Promise<AppendResult> {
    const cursor = await this.cursor(draft.channelId)
    if (draft.clientMsgId) {
      const known = cursor.byClientId.get(draft.clientMsgId)
      if (known !== undefined) {
        const event = typeof known === 'number' ? await this.readOne(draft.channelId, known) : await known
        return { event, duplicate: true }
      }
    }
    const event = {
      channelId: draft.channelId,
      seq: ++cursor.lastSeq,
      type: draft.type,
      at: at.toISOString(),
      author: draft.author,
      ...(draft.clientMsgId ? { clientMsgId: draft.clientMsgId } : {}),
      payload: draft.payload,
    } as ChannelEvent
    const committed = new Promise<ChannelEvent>((resolve, reject) => this.batch.push({ event, originSocketId, resolve, reject }))
    if (draft.clientMsgId) cursor.byClientId.set(draft.clientMsgId, committed)
    this.queueWrite()
    return { event: await committed, duplicate: false }
  }

  /** Stored events after `afterSeq`, oldest first; `hasMore` when the page was full. */
  async read(channelId: string, afterSeq: number, limit: number): Promise<{ events: ChannelEvent[]; hasMore: boolean }> {
    const rows = await this.store.read(channelId, afterSeq, limit + 1)
    return { events: rows.slice(0, limit).map(toChannelEvent), hasMore: rows.length > limit }
  }

  /** Highest seq in the store for a channel. */
  async committedSeq(channelId: string): Promise<number> {
    return (await this.cursor(channelId)).committedSeq
  }

  /** Drop a channel's cursor (its log is closed); pending appends still complete. */
  forget(channelId: string): void {
    this.cursors.delete(channelId)
    this.loaded.delete(channelId)
  }

  /** Wait until everything appended so far is in the store. */
  async drain(): Promise<void> {
    while (this.batch.length > 0 || this.writeQueued) await this.writing
    await this.writing
  }

  private cursor(channelId: string): Promise<Cursor> {
    let cursor = this.cursors.get(channelId)
    if (!cursor) {
      cursor = this.loadCursor(channelId)
      this.cursors.set(channelId, cursor)
      cursor.catch(() => this.cursors.delete(channelId))
    }
    return cursor
  }

  private async loadCursor(channelId: string): Promise<Cursor> {
    const [lastSeq, clientIds] = await Promise.all([this.store.maxSeq(channelId), this.store.clientIds(channelId)])
    const cursor: Cursor = { lastSeq, committedSeq: lastSeq, byClientId: new Map(clientIds) }
    this.loaded.set(channelId, cursor)
    return cursor
  }

  private async readOne(channelId: string, seq: number): Promise<ChannelEvent> {
    const row = await this.store.readOne(channelId, seq)
    if (!row) throw new StoreWriteError(`event ${seq} of channel ${channelId} is missing`)
    return toChannelEvent(row)
  }

  private queueWrite(): void {
    if (this.writeQueued) return
    this.writeQueued = true
    // setImmediate lets every append of this tick join the same group commit.
    this.writing = this.writing.then(() => new Promise<void>((resolve) => setImmediate(() => this.writeBatch().then(resolve))))
  }

  private async writeBatch(): Promise<void> {
    this.writeQueued = false
    const batch = this.batch
    this.batch = []
    if (batch.length === 0) return
    const rows = batch.map(({ event }) => toRow(event))
    for (let attempt = 0; ; attempt++) {
      try {
        await this.store.insert(rows)
        break
      } catch (error) {
        if (error instanceof StoreBusyError && attempt < BUSY_RETRIES) {
          await new Promise((resolve) => setTimeout(resolve, BUSY_RETRY_MS))
          continue
        }
        this.failBatch(batch, error)
        return
      }
    }
    for (const { event } of batch) {
      const cursor = this.loaded.get(event.channelId)
      if (!cursor) continue
      if (event.seq > cursor.committedSeq) cursor.committedSeq = event.seq
      if (event.clientMsgId) cursor.byClientId.set(event.clientMsgId, event.seq)
    }
    try {
      this.onCommit(batch)
    } catch (error) {
      this.log.error({ err: error }, 'event fan-out failed')
    }
    for (const { event, resolve } of batch) resolve(event)
  }

  /**
   * A failed write leaves holes in the allocated seqs: every channel in the batch reloads its
   * cursor from the store, and its appends queued behind fail too, so that callers retry
   * (idempotently) instead of leaving a gap in the log.
   */
  private failBatch(batch: PendingAppend[], cause: unknown): void {
    this.log.error({ err: cause, events: batch.length }, 'event log write failed')
    const channels = new Set(batch.map(({ event }) => event.channelId))
    const queuedBehind = this.batch.filter(({ event }) => channels.has(event.channelId))
    this.batch = this.batch.filter(({ event }) => !channels.has(event.channelId))
    for (const channelId of channels) this.forget(channelId)
    const error = new StoreWriteError('the event could not be stored, please retry')
    for (const { reject } of [...batch, ...queuedBehind]) reject(error)
  }
}

function toRow(event: ChannelEvent): EventRow {
  return {
    channelId: event.channelId,
    seq: event.seq,
    type: event.type,
    authorRole: event.author.role,
    authorId: event.author.participantId ?? null,
    authorName: event.author.name ?? null,
    clientMsgId: event.clientMsgId ?? null,
    payload: JSON.stringify(event.payload),
    createdAt: new Date(event.at),
  }
}

export function toChannelEvent(row: EventRow): ChannelEvent {
  const author: ChannelEventAuthor = { role: row.authorRole as ChannelEventAuthor['role'] }
  if (row.authorId) author.participantId = row.authorId
  if (row.authorName) author.name = row.authorName
  return {
    channelId: row.channelId,
    seq: row.seq,
    type: row.type as ChannelEvent['type'],
    at: row.createdAt.toISOString(),
    author,
    ...(row.clientMsgId ? { clientMsgId: row.clientMsgId } : {}),
    payload: JSON.parse(row.payload),
  } as ChannelEvent
}
