/** Where a client keeps chat messages that the server has not acknowledged yet. */

export interface PendingMessage {
  clientMsgId: string
  text: string
  createdAt: string
  /** set when the server refused the message for good */
  failed?: string
  /** a whisper among the channel's staff */
  whisper?: boolean
  /** a private message to this participant */
  to?: string
}

export interface OutboxStore {
  load(channelId: string): PendingMessage[]
  save(channelId: string, messages: PendingMessage[]): void
}

export class MemoryOutboxStore implements OutboxStore {
  private readonly byChannel = new Map<string, PendingMessage[]>()
  load(channelId: string): PendingMessage[] {
    return [...(this.byChannel.get(channelId) ?? [])]
  }
  save(channelId: string, messages: PendingMessage[]): void {
    if (messages.length === 0) this.byChannel.delete(channelId)
    else this.byChannel.set(channelId, [...messages])
  }
}

/** Survives page navigation and reloads (the widget lives on the shop's pages). */
export class LocalStorageOutboxStore implements OutboxStore {
  constructor(private readonly prefix: string) {}
  load(channelId: string): PendingMessage[] {
    try {
      const raw = localStorage.getItem(this.key(channelId))
      return raw ? (JSON.parse(raw) as PendingMessage[]) : []
    } catch {
      return []
    }
  }
  save(channelId: string, messages: PendingMessage[]): void {
    try {
      if (messages.length === 0) localStorage.removeItem(this.key(channelId))
      else localStorage.setItem(this.key(channelId), JSON.stringify(messages))
    } catch {
      // storage full or blocked: the outbox still lives in memory for this page
    }
  }
  private key(channelId: string): string {
    return `${this.prefix}:outbox:${channelId}`
  }
}

export function newClientId(): string {
  const bytes = new Uint8Array(12)
  crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}
