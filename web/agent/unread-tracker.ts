/**
 * What the agent has seen of each conversation, for the tabs' unread badges: a channel's
 * messages from others after the last seq the agent had on screen count as unread.
 */
import type { ChannelState } from '../shared/channel-sync.js'
import type { ChannelTab } from './channel-tabs.js'
import { visitorName } from './format.js'

export class UnreadTracker {
  /** highest seq the agent has had on screen, per channel */
  private readonly lastSeen = new Map<string, number>()

  /** The tab for a channel; `typing`: someone else types in it right now. */
  tabOf(state: ChannelState, typing: boolean): ChannelTab {
    const id = state.view.id
    const self = state.view.selfParticipantId
    if (!this.lastSeen.has(id)) {
      // a channel found on (re)load: what this agent acknowledged before counts as read
      this.lastSeen.set(id, state.view.participants.find((participant) => participant.id === self)?.ackedSeq ?? 0)
    }
    const seen = this.lastSeen.get(id) ?? 0
    let unread = 0
    for (const event of state.events) if (event.seq > seen && event.type === 'chat.message' && event.author.participantId !== self) unread++
    return { channelId: id, title: visitorName(state.view), subtitle: state.view.question, unread, ended: state.view.status === 'ended', typing }
  }

  /** The agent has this channel on screen (counts only while the page is visible). */
  seen(state: ChannelState | undefined): void {
    if (state && document.visibilityState === 'visible') this.lastSeen.set(state.view.id, state.lastSeq)
  }

  forget(channelId: string): void {
    this.lastSeen.delete(channelId)
  }

  clear(): void {
    this.lastSeen.clear()
  }
}
