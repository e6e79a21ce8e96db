/**
 * The website's presence (agents available, queue, waits) for the widget endpoints. On one
 * node it is the publisher itself; on several, the tenant's owner computes it and each node
 * relays it to its own streams, asking the owner at the publisher's pace while anyone listens.
 */
import type { PresenceView } from '../../web/protocol/views.js'
import type { Logger } from '../log.js'
import type { PresencePublisher } from '../services/presence-publisher.js'
import type { TenantDispatch } from './tenant-dispatch.js'

export interface PresenceFeed {
  snapshot(tenantId: string): Promise<PresenceView>
  /** the listener gets the current view soon, then every change; returns the unsubscribe */
  subscribe(tenantId: string, listener: (view: PresenceView) => void): () => void
}

export function localPresenceFeed(publisher: PresencePublisher): PresenceFeed {
  return { snapshot: (tenantId) => publisher.snapshot(tenantId), subscribe: (tenantId, listener) => publisher.subscribe(tenantId, listener) }
}

interface Relay {
  listeners: Set<(view: PresenceView) => void>
  last: PresenceView | null
  signature: string
  timer: ReturnType<typeof setInterval>
}

export class RelayedPresenceFeed implements PresenceFeed {
  private readonly relays = new Map<string, Relay>()

  constructor(
    private readonly dispatch: TenantDispatch,
    private readonly log: Logger,
    private readonly intervalMs = 2_000,
  ) {}

  snapshot(tenantId: string): Promise<PresenceView> {
    return this.dispatch.call(tenantId, 'publisher', 'snapshot', tenantId)
  }

  subscribe(tenantId: string, listener: (view: PresenceView) => void): () => void {
    let relay = this.relays.get(tenantId)
    if (!relay) {
      const created: Relay = { listeners: new Set(), last: null, signature: '', timer: setInterval(() => void this.poll(tenantId), this.intervalMs) }
      created.timer.unref()
      this.relays.set(tenantId, (relay = created))
      void this.poll(tenantId)
    }
    relay.listeners.add(listener)
    if (relay.last) listener(relay.last)
    return () => {
      relay.listeners.delete(listener)
      if (relay.listeners.size > 0) return
      clearInterval(relay.timer)
      this.relays.delete(tenantId)
    }
  }

  close(): void {
    for (const relay of this.relays.values()) clearInterval(relay.timer)
    this.relays.clear()
  }

  private async poll(tenantId: string): Promise<void> {
    const relay = this.relays.get(tenantId)
    if (!relay) return
    try {
      const view = await this.snapshot(tenantId)
      const signature = JSON.stringify({ ...view, updatedAt: undefined })
      if (signature === relay.signature) return
      relay.signature = signature
      relay.last = view
      for (const listener of relay.listeners) listener(view)
    } catch (error) {
      this.log.warn({ err: error, tenantId }, 'could not relay presence')
    }
  }
}
