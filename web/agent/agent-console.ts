/**
 * `<parley-agent-console>`: the agent console page (entry of the agent bundle). Shows the
 * login form, or the console: header (state, capacity, connection), the ringing request,
 * conversation tabs, for supervisors and admins the live view and, for admins, the embed
 * and routing settings.
 */
import { LitElement, html, nothing } from 'lit'
import { repeat } from 'lit/directives/repeat.js'
import type { ErrorBody } from '../protocol/events.js'
import type { AgentView, ChannelView } from '../protocol/views.js'
import { fetchMe, logout } from './agent-api.js'
import { agentConsoleStyles } from './agent-console-styles.js'
import { ADMIN_TAB, ARCHIVE_TAB, LIVE_TAB, REPORTS_TAB, type TabCloseDetail, type TabSelectDetail } from './channel-tabs.js'
import { loadPanel } from './console-panels.js'
import type { ChannelCloseDetail } from './channel-view.js'
import { ConsoleAlerts } from './console-alerts.js'
import { ConsoleSession, type CallError } from './console-session.js'
import { baseStyles } from './console-styles.js'
import type { LoginDetail } from './login-form.js'
import type { AcceptDetail, DeclineDetail } from './offer-list.js'
import type { StateChangeDetail } from './state-picker.js'
import { UnreadTracker } from './unread-tracker.js'
import '../supervisor/supervisor-view.js'
import './channel-tabs.js'
import './channel-view.js'
import './console-header.js'
import './login-form.js'
import './offer-list.js'

type Phase = 'loading' | 'login' | 'console'

export class AgentConsole extends LitElement {
  static override properties = {
    phase: { state: true },
    loginNotice: { state: true },
    selected: { state: true },
    accepting: { state: true },
    declining: { state: true },
    settingState: { state: true },
  }

  static override styles = [baseStyles, agentConsoleStyles]

  private phase: Phase = 'loading'
  private loginNotice = ''
  private selected = ''
  private accepting = ''
  private declining = ''
  private settingState = false
  private session: ConsoleSession | null = null
  private readonly alerts = new ConsoleAlerts(this, () => this.session?.offers.length ?? 0)
  private readonly unread = new UnreadTracker()
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
    const channels = [...session.sync.channels.values()]
    const live = agent.role !== 'agent'
    const admin = agent.role === 'admin'
    const known = this.selected === '' || session.sync.channels.has(this.selected) || (this.selected === LIVE_TAB && live) || (this.selected === ADMIN_TAB && admin) || this.selected === ARCHIVE_TAB || (this.selected === REPORTS_TAB && live)
    return html`<div class="shell">
      <parley-console-header
        .agent=${agent}
        .status=${session.status}
        .reasons=${session.stateReasons}
        ?setting-state=${this.settingState}
        @state-change=${this.onStateChange}
        @logout=${this.onLogout}
      ></parley-console-header>
      <div class="body">
        <parley-offer-list
          .offers=${session.offers}
          .agent=${agent}
          ?connected=${session.status === 'connected'}
          .accepting=${this.accepting}
          .declining=${this.declining}
          .hold=${session.hold}
          @accept=${this.onAccept}
          @decline=${this.onDecline}
        ></parley-offer-list>
        <main>
          <parley-channel-tabs
            .tabs=${channels.map((state) => this.unread.tabOf(state, session.sync.activeTyping(state.view.id).some((signal) => signal.participantId !== state.view.selfParticipantId)))}
            .selected=${this.selected}
            ?live=${live}
            ?admin=${admin}
            @tab-select=${this.onTabSelect}
            @tab-close=${this.onTabClose}
          ></parley-channel-tabs>
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
            ${this.selected === LIVE_TAB && live
              ? html`<parley-supervisor-view .watch=${session.live} .mine=${new Set(session.sync.channels.keys())} @parley-monitor=${this.onMonitor}></parley-supervisor-view>`
              : nothing}
            ${this.selected === ADMIN_TAB && admin
              ? html`<div class="admin-pane" data-test="admin-pane"><parley-admin-console></parley-admin-console></div>`
              : nothing}
            ${this.selected === ARCHIVE_TAB ? html`<parley-archive></parley-archive>` : nothing}
            ${this.selected === REPORTS_TAB && live ? html`<parley-reports></parley-reports>` : nothing}
            ${this.selected === '' || !known ? this.renderPlaceholder(agent, channels.length) : nothing}
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
        ${agent.state === 'ready' || agent.state === 'busy' || agent.state === 'wrap_up'
          ? 'Requests ring on the left, one at a time: accept one to start chatting.'
          : 'Set yourself Ready to receive requests; they ring on the left.'}
      </div>
    </div>`
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
    this.unread.clear()
    this.revisions.clear()
    this.unsubscribe.push(
      session.on('change', () => {
        this.alerts.updateTitle()
        this.requestUpdate()
      }),
      session.on('offered', (request) => this.alerts.announce(request)),
      session.on('withdrawn', (requestId) => this.alerts.offerGone(requestId)),
      session.on('missed', (setNotReady) =>
        this.alerts.toast(setNotReady ? 'You missed a request and were set Not ready.' : 'You missed a request; it went to the next agent.', setNotReady ? 'error' : 'info'),
      ),
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
      await session.setState(event.detail.state, event.detail.reason)
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

  private async onDecline(event: CustomEvent<DeclineDetail>): Promise<void> {
    const session = this.session
    if (!session || this.declining || this.accepting) return
    this.declining = event.detail.requestId
    try {
      await session.decline(event.detail.requestId)
    } catch (error) {
      this.alerts.toast(`Could not decline: ${messageOf(error)}`, 'error')
    } finally {
      this.declining = ''
    }
  }

  private onJoined(channel: ChannelView): void {
    if (this.selected === '') this.select(channel.id)
    this.requestUpdate()
  }

  /** A supervisor picked a conversation to monitor in the live view: open it in its tab. */
  private readonly onMonitor = async (event: CustomEvent<{ channelId: string }>): Promise<void> => {
    try {
      const channel = await this.session!.monitor(event.detail.channelId)
      this.select(channel.id)
    } catch (error) {
      this.alerts.toast(`Could not monitor: ${error instanceof Error ? error.message : String(error)}`, 'error')
    }
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
    loadPanel(tab, (error) => this.alerts.toast(`Could not load this panel: ${messageOf(error)}`, 'error'))
    this.selected = tab
    this.markSeen(tab)
  }

  private markSeen(channelId: string): void {
    this.unread.seen(this.session?.sync.channels.get(channelId))
  }

  /** Forget an ended conversation (its tab closes); open ones must be ended first. */
  private closeChannel(channelId: string): void {
    const sync = this.session?.sync
    const state = sync?.channels.get(channelId)
    if (!sync || !state || state.view.status !== 'ended') return
    const ids = [...sync.channels.keys()]
    const index = ids.indexOf(channelId)
    sync.forget(channelId)
    this.unread.forget(channelId)
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
