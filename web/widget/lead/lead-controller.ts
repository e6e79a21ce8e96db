/**
 * Browser leading on a shop page, for one channel: follows the channel's lead events (go where
 * the leader goes or pushes, show their highlight, take their form fills, scroll and clicks),
 * reports this page, and switches the leader's tools on while this side holds the baton.
 * Used by the visitor's chat panel and by the agent's co-browsing tab alike.
 *
 * One-shot actions (navigation, scroll, clicks) run once per tab: the last applied seq is kept
 * in sessionStorage, so the next page does not repeat them. What stays on a page (its highlight,
 * its filled fields) is restored from the log whenever the page loads.
 */
import type { ChannelEvent } from '../../protocol/channel-event.js'
import type { ChannelState, ChannelSync } from '../../shared/channel-sync.js'
import { isFinalError } from '../../shared/socket-link.js'
import { writeField } from './form-fields.js'
import { LeadLeader } from './lead-leader.js'
import { PageLayer } from './page-layer.js'
import { findBySelector } from './stable-selector.js'

/** How a follower takes the leader's page changes (pushed links are always followed). */
export type FollowMode = 'auto' | 'prompt'

export interface LeadControllerOptions {
  /** how this side follows the leader's own page changes */
  followMode(): FollowMode
  /** go to another page of the site (default: location.assign) */
  navigate?(url: string): void
  /** something about leading changed (who leads, the tools) */
  onChange?(): void
}

/** How often the page's address is checked, for single-page shops that change it without loading. */
const URL_CHECK_MS = 1000
/** A moment for the visitor to read where they are taken before the page goes. */
const NAVIGATE_DELAY_MS = 600

export class LeadController {
  readonly layer = new PageLayer()
  readonly leader: LeadLeader
  private applied: number | null = null
  private reported: string | null = null
  private restored = false
  private closed = false
  private readonly unsubscribe: () => void
  private readonly urlTimer: ReturnType<typeof setInterval>
  private readonly storageKey: string

  constructor(
    private readonly sync: ChannelSync,
    readonly channelId: string,
    private readonly options: LeadControllerOptions,
  ) {
    this.storageKey = `parley:lead:${channelId}`
    this.applied = readSeq(this.storageKey)
    this.leader = new LeadLeader(sync.link, channelId, this.layer, () => this.state?.view.leading ?? { leaderId: null, scrollAndClicks: false, maskedFields: [] })
    this.unsubscribe = sync.onChange((id) => id === channelId && this.update())
    this.urlTimer = setInterval(() => this.reportPage(), URL_CHECK_MS)
    this.update()
  }

  /** This side holds the baton. */
  get isLeader(): boolean {
    const view = this.state?.view
    return !!view && view.status === 'open' && view.leading.leaderId !== null && view.leading.leaderId === view.selfParticipantId
  }

  /** Who leads now, by name, or null. */
  get leaderName(): string | null {
    const view = this.state?.view
    return view?.participants.find((p) => p.id === view.leading.leaderId)?.name ?? null
  }

  /** Hand the baton to a participant (the leader, or an agent, may). */
  async pass(participantId: string): Promise<void> {
    await this.sync.link.call('lead:pass', { channelId: this.channelId, participantId })
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.unsubscribe()
    clearInterval(this.urlTimer)
    this.leader.stop()
    this.layer.close()
  }

  private get state(): ChannelState | undefined {
    return this.sync.channels.get(this.channelId)
  }

  private update(): void {
    const state = this.state
    if (this.closed || !state || state.loading) return
    if (state.view.status === 'ended') {
      this.leader.stop()
      this.layer.clearHighlight()
      return this.options.onChange?.()
    }
    if (!this.restored) {
      this.restored = true
      // A tab that never followed this channel starts from now: old pushes are history.
      if (this.applied === null) this.save(state.lastSeq)
      this.restorePage(state)
    }
    for (const event of state.events) if (event.seq > (this.applied ?? 0)) this.follow(event, state)
    this.save(state.lastSeq)
    if (this.isLeader) this.leader.start()
    else this.leader.stop()
    this.reportPage()
    this.options.onChange?.()
  }

  /** This page's lasting lead state: the highlight and fills made on it since the leader last led elsewhere. */
  private restorePage(state: ChannelState): void {
    let since = 0
    for (const event of state.events) if (event.type === 'lead.navigate' && !samePage(event.payload.url, location.href)) since = event.seq
    let highlight: Extract<ChannelEvent, { type: 'lead.highlight' | 'lead.highlight-cleared' }> | null = null
    const fills = new Map<string, string | boolean>()
    for (const event of state.events) {
      if (event.seq <= since) continue
      if ((event.type === 'lead.highlight' || event.type === 'lead.highlight-cleared') && samePage(event.payload.pageUrl, location.href)) highlight = event
      if (event.type === 'lead.fill' && samePage(event.payload.pageUrl, location.href) && event.author.participantId !== state.view.selfParticipantId) fills.set(event.payload.selector, event.payload.value)
    }
    if (highlight?.type === 'lead.highlight') this.layer.showHighlight(highlight.payload)
    for (const [selector, value] of fills) writeField(findBySelector(selector), value, state.view.leading.maskedFields)
  }

  private follow(event: ChannelEvent, state: ChannelState): void {
    const self = state.view.selfParticipantId
    const mine = event.author.participantId === self
    const here = (url: string) => samePage(url, location.href)
    switch (event.type) {
      case 'lead.navigate':
        return this.navigation(event, mine)
      case 'lead.highlight':
        if (here(event.payload.pageUrl)) this.layer.showHighlight(event.payload)
        return
      case 'lead.highlight-cleared':
        if (here(event.payload.pageUrl)) this.layer.clearHighlight()
        return
      case 'lead.fill':
        if (!mine && here(event.payload.pageUrl) && writeField(findBySelector(event.payload.selector), event.payload.value, state.view.leading.maskedFields)) this.layer.flash(event.payload.selector, 'fill')
        return
      case 'lead.scroll': {
        if (mine || !here(event.payload.pageUrl)) return
        const root = document.documentElement
        scrollTo({ left: event.payload.x * (root.scrollWidth - innerWidth), top: event.payload.y * (root.scrollHeight - innerHeight), behavior: 'smooth' })
        return
      }
      case 'lead.click':
        if (!mine && here(event.payload.pageUrl)) this.layer.flash(event.payload.selector, 'click')
        return
    }
  }

  private navigation(event: Extract<ChannelEvent, { type: 'lead.navigate' }>, mine: boolean): void {
    const { url, newTab, includeLeader, source } = event.payload
    const who = event.author.name ?? 'Your guide'
    if (mine || (this.isLeader && !includeLeader)) return // the leader's own page change, or a push the leader keeps for others
    if (samePage(url, location.href) && !newTab) return
    if (newTab) return void this.layer.note(`${who} shares a page with you: ${displayUrl(url)}`, { label: 'Open', href: url, newTab: true })
    if (source === 'leader_page' && this.options.followMode() === 'prompt') return void this.layer.note(`${who} went to ${displayUrl(url)}`, { label: 'Go there', href: url })
    this.layer.note(`${who} is taking you to ${displayUrl(url)}…`)
    this.save(event.seq)
    const go = this.options.navigate ?? ((to: string) => location.assign(to))
    setTimeout(() => this.closed || go(url), NAVIGATE_DELAY_MS)
  }

  /** Tell the channel which page this tab shows (again after a reconnect; the server ignores repeats). */
  private reportPage(): void {
    const state = this.state
    if (this.closed || !state || state.loading || state.view.status !== 'open' || !this.sync.link.connected) return
    const url = location.href
    if (this.reported === url) return
    this.reported = url
    void this.sync.link.request('page:viewed', { channelId: this.channelId, url, title: document.title.slice(0, 300) || null }).then(
      (answer) => {
        if (!answer.ok && !isFinalError(answer.error)) this.reported = null // try again; a refusal stays refused
      },
      () => (this.reported = null),
    )
  }

  private save(seq: number): void {
    if (this.applied !== null && seq <= this.applied) return
    this.applied = seq
    try {
      sessionStorage.setItem(this.storageKey, String(seq))
    } catch {}
  }
}

function readSeq(key: string): number | null {
  try {
    const value = Number(sessionStorage.getItem(key))
    return Number.isInteger(value) && value > 0 ? value : null
  } catch {
    return null
  }
}

/** Same origin, path and query (the fragment does not make another page). */
export function samePage(a: string, b: string): boolean {
  try {
    const x = new URL(a)
    const y = new URL(b)
    return x.origin === y.origin && x.pathname === y.pathname && x.search === y.search
  } catch {
    return false
  }
}

function displayUrl(url: string): string {
  try {
    const parsed = new URL(url)
    return parsed.origin === location.origin ? parsed.pathname + parsed.search : parsed.host + parsed.pathname
  } catch {
    return url
  }
}
