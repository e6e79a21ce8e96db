/**
 * `<parley-agent-console>`: the agent console page (entry of the agent bundle). Shows the
 * login form, or the console: header (state, capacity, connection), incoming requests,
 * conversation tabs and, for admins, the embed settings.
 */
import { LitElement, html, nothing } from 'lit'
import { repeat } from 'lit/directives/repeat.js'
import type { ErrorBody } from '../protocol/events.js'
import type { AgentView, ChannelView } from '../protocol/views.js'
import type { ChannelState } from '../shared/channel-sync.js'
import { fetchMe, logout } from './agent-api.js'
import { agentConsoleStyles } from './agent-console-styles.js'
import { ADMIN_TAB, type ChannelTab, type TabCloseDetail, type TabSelectDetail } from './channel-tabs.js'
import type { ChannelCloseDetail } from './channel-view.js'
import { ConsoleAlerts } from './console-alerts.js'
import { ConsoleSession, type CallError, type PickableState } from './console-session.js'
import { baseStyles } from './console-styles.js'
import { ROLE_LABELS, visitorName } from './format.js'
import type { LoginDetail } from './login-form.js'
import type { AcceptDetail } from './offer-list.js'
import type { StateChangeDetail } from './state-picker.js'
import './channel-tabs.js'
import './channel-view.js'
import './embed-admin.js'
import './login-form.js'
import './offer-list.js'
import './state-picker.js'

type Phase = 'loading' | 'login' | 'console'

export class AgentConsole extends LitElement {
  static override properties = {
    phase: { state: true },
    loginNotice: { state: true },
    selected: { state: true },
    accepting: { state: true },
    settingState: { state: true },
  }

  static override styles = [baseStyles, agentConsoleStyles]

  private phase: Phase = 'loading'
  private loginNotice = ''
  private selected = ''
  private accepting = ''
  private settingState = false
  private session: ConsoleSession | null = null
  private readonly alerts = new ConsoleAlerts(this, () => this.session?.offers.length ?? 0)
  /** highest seq the agent has had on screen, per channel (drives unread badges) */
  private readonly lastSeen = new Map<string, number>()
  private readonly revisions = new Map<string, number>()
  private readonly unsubscribe: (() => void)[] = []
  private typingTicker: ReturnType<typeof setInterval> | undefined

  private readonly onVisibility = () => {
    if (document.visibilityState === 'visible') this.markSeen(this.selected)
  }

  override connectedCallback(): void {
    super.connectedCallback()
    document.addEventListener('visibilitychange', this.onVisibility)
    // Tab "typing…" marks expire without any event arriving.
    this.typingTicker = setInterval(() => {
      if (this.session && [...this.session.sync.channels.values()].some((state) => state.typing.size > 0)) this.requestUpdate()
    }, 1000)
    if (this.phase === 'loading') void this.boot()
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    document.removeEventListener('visibilitychange', this.onVisibility)
    clearInterval(this.typingTicker)
    this.stop()
  }

  override render() {
    if (this.phase === 'loading') return html`<div class="boot">Loading…</div>`
    if (this.phase === 'login') return html`<parley-login-form .notice=${this.loginNotice} @login=${this.onLogin}></parley-login-form>${this.alerts.renderToasts()}`
    const session = this.session!
    const agent = session.agent
    const full = agent.activeChats >= agent.maxChats
    const channels = [...session.sync.channels.values()]
    return html`<div class="shell">
      <header class="top">
        <div class="brand"><span class="logo" aria-hidden="true">P</span>Parley</div>
        <div class="who" data-test="agent">
          <strong title=${agent.email}>${agent.displayName}</strong>
          <span>${ROLE_LABELS[agent.role] ?? agent.role} · ${agent.email}</span>
        </div>
        <span class="spacer"></span>
        <parley-state-picker .state=${agent.state} ?busy=${this.settingState} @state-change=${this.onStateChange}></parley-state-picker>
        <span class="capacity ${full ? 'full' : ''}" data-test="capacity" title="Active conversations / capacity"
          ><strong>${agent.activeChats} / ${agent.maxChats}</strong> chats</span
        >
        <span class="conn" data-test="connection" data-status=${session.status} role="status">
          <span class="dot" aria-hidden="true"></span>${session.status === 'connected' ? 'Connected' : session.status === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
        </span>
        <button type="button" data-test="logout" @click=${this.onLogout}>Log out</button>
      </header>
      <div class="body">
        <parley-offer-list .offers=${session.offers} ?ready=${agent.state === 'ready'} ?full=${full} .accepting=${this.accepting} @accept=${this.onAccept}></parley-offer-list>
        <main>
          <parley-channel-tabs .tabs=${channels.map((state) => this.tabOf(state))} .selected=${this.selected} ?admin=${agent.role === 'admin'} @tab-select=${this.onTabSelect} @tab-close=${this.onTabClose}></parley-channel-tabs>
          <div class="stage">
            ${repeat(
              channels,
              (state) => state.view.id,
              (state) =>
                html`<parley-channel-view
                  .sync=${session.sync}
                  channel-id=${state.view.id}
                  .revision=${this.revisions.get(state.view.id) ?? 0}
                  ?active=${this.selected === state.view.id}
                  @channel-close=${this.onChannelClose}
                ></parley-channel-view>`,
            )}
            ${this.selected === ADMIN_TAB && agent.role === 'admin' ? html`<parley-embed-admin></parley-embed-admin>` : nothing}
            ${this.selected === '' || (this.selected !== ADMIN_TAB && !session.sync.channels.has(this.selected)) ? this.renderPlaceholder(agent, channels.length) : nothing}
          </div>
        </main>
      </div>
      ${this.alerts.renderToasts()}
    </div>`
  }

  private renderPlaceholder(agent: AgentView, count: number) {
    return html`<div class="placeholder">
      <div>
        <strong>${count > 0 ? 'Pick a conversation above' : 'No conversation open'}</strong>
        ${agent.state === 'ready'
          ? 'Accept a request from the list on the left to start chatting.'
          : 'Set yourself Ready to receive requests, then accept one from the list on the left.'}
      </div>
    </div>`
  }

  private tabOf(state: ChannelState): ChannelTab {
    const id = state.view.id
    const self = state.view.selfParticipantId
    if (!this.lastSeen.has(id)) {
      // a channel found on (re)load: what this agent acknowledged before counts as read
      this.lastSeen.set(id, state.view.participants.find((participant) => participant.id === self)?.ackedSeq ?? 0)
    }
    const seen = this.lastSeen.get(id) ?? 0
    let unread = 0
    for (const event of state.events) if (event.seq > seen && event.type === 'chat.message' && event.author.participantId !== self) unread++
    const typing = this.session?.sync.activeTyping(id).some((signal) => signal.participantId !== self) ?? false
    return { channelId: id, title: visitorName(state.view), subtitle: state.view.question, unread, ended: state.view.status === 'ended', typing }
  }

  private async boot(): Promise<void> {
    try {
      const agent = await fetchMe()
      if (agent) this.start(agent)
      else this.phase = 'login'
    } catch (error) {
      this.loginNotice = error instanceof Error ? error.message : String(error)
      this.phase = 'login'
    }
  }

  private start(agent: AgentView): void {
    this.stop()
    const session = new ConsoleSession(agent)
    this.session = session
    this.selected = ''
    this.lastSeen.clear()
    this.revisions.clear()
    this.unsubscribe.push(
      session.on('change', () => {
        this.alerts.updateTitle()
        this.requestUpdate()
      }),
      session.on('offered', (request) => this.alerts.announce(request)),
      session.on('joined', (channel) => this.onJoined(channel)),
      session.on('unauthorized', (message) => this.backToLogin(message)),
      session.on('problem', (error: ErrorBody) => this.alerts.toast(error.message, 'error')),
      session.sync.onChange((channelId) => {
        this.revisions.set(channelId, (this.revisions.get(channelId) ?? 0) + 1)
        if (channelId === this.selected) this.markSeen(channelId)
        this.requestUpdate()
      }),
    )
    this.phase = 'console'
    this.alerts.updateTitle()
  }

  private stop(): void {
    for (const off of this.unsubscribe.splice(0)) off()
    this.session?.close()
    this.session = null
    this.alerts.updateTitle()
  }

  private backToLogin(message: string): void {
    this.stop()
    this.loginNotice = message
    this.phase = 'login'
  }

  private onLogin(event: CustomEvent<LoginDetail>): void {
    this.loginNotice = ''
    this.start(event.detail.agent)
  }

  private async onLogout(): Promise<void> {
    this.stop()
    this.loginNotice = ''
    this.phase = 'login'
    try {
      await logout()
    } catch (error) {
      this.alerts.toast(`Logout may not have completed: ${error instanceof Error ? error.message : String(error)}`, 'error')
    }
  }

  private async onStateChange(event: CustomEvent<StateChangeDetail>): Promise<void> {
    const session = this.session
    if (!session) return
    // NOTE: browsers only show the permission prompt from a user gesture, and picking
    // Ready is the moment the agent starts caring about being notified.
    if (event.detail.state === 'ready') this.alerts.askPermission()
    this.settingState = true
    try {
      await session.setState(event.detail.state as PickableState)
    } catch (error) {
      this.alerts.toast(`Could not change your state: ${messageOf(error)}`, 'error')
    } finally {
      this.settingState = false
    }
  }

  private async onAccept(event: CustomEvent<AcceptDetail>): Promise<void> {
    const session = this.session
    if (!session || this.accepting) return
    this.accepting = event.detail.requestId
    try {
      const channel = await session.accept(event.detail.requestId)
      this.select(channel.id)
    } catch (error) {
      this.alerts.toast(`Could not accept: ${messageOf(error)}`, 'error')
    } finally {
      this.accepting = ''
    }
  }

  private onJoined(channel: ChannelView): void {
    if (this.selected === '') this.select(channel.id)
    this.requestUpdate()
  }

  private onTabSelect(event: CustomEvent<TabSelectDetail>): void {
    this.select(event.detail.tab)
  }

  private onTabClose(event: CustomEvent<TabCloseDetail>): void {
    this.closeChannel(event.detail.channelId)
  }

  private onChannelClose(event: CustomEvent<ChannelCloseDetail>): void {
    this.closeChannel(event.detail.channelId)
  }

  private select(tab: string): void {
    this.selected = tab
    this.markSeen(tab)
  }

  private markSeen(channelId: string): void {
    const state = this.session?.sync.channels.get(channelId)
    if (state && document.visibilityState === 'visible') this.lastSeen.set(channelId, state.lastSeq)
  }

  /** Forget an ended conversation (its tab closes); open ones must be ended first. */
  private closeChannel(channelId: string): void {
    const sync = this.session?.sync
    const state = sync?.channels.get(channelId)
    if (!sync || !state || state.view.status !== 'ended') return
    const ids = [...sync.channels.keys()]
    const index = ids.indexOf(channelId)
    sync.forget(channelId)
    this.lastSeen.delete(channelId)
    this.revisions.delete(channelId)
    if (this.selected === channelId) {
      const rest = ids.filter((id) => id !== channelId)
      this.selected = rest[Math.min(index, rest.length - 1)] ?? ''
      this.markSeen(this.selected)
    }
  }
}

function messageOf(error: unknown): string {
  const body = (error as CallError | undefined)?.body
  if (body?.message) return body.message
  return error instanceof Error ? error.message : String(error)
}

customElements.define('parley-agent-console', AgentConsole)

declare global {
  interface HTMLElementTagNameMap {
    'parley-agent-console': AgentConsole
  }
}
