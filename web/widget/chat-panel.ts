/**
 * The chat panel: the lazily loaded entry of the widget (lit + socket.io live in its chunks).
 * The loader imports this module and calls `mount()` with its options.
 */
import { html, LitElement, nothing, type PropertyValues } from 'lit'
import type { PanelHandle, PanelModule, PanelOptions, SiteOptions, TopicOption } from './panel-api.js'
import { avatarFor } from './avatar-rules.js'
import { VisitorLeading, visitorLeadingStyles } from './visitor-leading.js'
import { chatPanelStyles } from './chat-panel-styles.js'
import { panelStyles } from './panel-styles.js'
import { summarize } from './presence-summary.js'
import type { QuestionDetail } from './question-form.js'
import { formatWhen } from './time-format.js'
import { VisitorCall, visitorCallStyles } from './visitor-call.js'
import { VisitorPhone, visitorPhoneStyles } from './visitor-phone.js'
import { VisitorSession, type VisitorStage } from './visitor-session.js'
import './question-form.js'
import './waiting-view.js'
import './booked-view.js'
import './message-list.js'
import './message-composer.js'

/** how often the typing indicator is re-checked, so a stale one disappears */
const TYPING_REFRESH_MS = 1000

/**
 * The whole visitor panel: header, connection banner and the current stage.
 * @fires parley-minimize - the visitor minimized the panel (header button or Escape)
 */
export class ChatPanel extends LitElement {
  static override properties = {
    session: { attribute: false },
    heading: {},
    topics: { attribute: false },
    callsAvailable: { attribute: false },
    confirmingEnd: { state: true },
  }
  static override styles = [panelStyles, chatPanelStyles, visitorCallStyles, visitorLeadingStyles, visitorPhoneStyles]

  /** the conversation this panel shows */
  declare session: VisitorSession
  /** header title (the shop's name) */
  declare heading: string
  /** the tenant's public topics for the question form */
  declare topics: TopicOption[]
  /** the visitor may start with a voice call */
  declare callsAvailable: boolean
  /** the tenant's site settings (monitoring notice, agents' pictures) */
  site: SiteOptions | undefined
  declare private confirmingEnd: boolean

  private unsubscribe: (() => void) | undefined
  private typingTimer: ReturnType<typeof setInterval> | undefined
  private shownStage: VisitorStage | undefined
  private readonly call = new VisitorCall(this)
  private readonly phone = new VisitorPhone(this)
  private readonly leading = new VisitorLeading(this)

  constructor() {
    super()
    this.heading = 'Talk to us'
    this.topics = []
    this.callsAvailable = false
    this.confirmingEnd = false
    this.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') this.minimize()
    })
  }

  override connectedCallback(): void {
    super.connectedCallback()
    this.unsubscribe = this.session?.onChange(() => this.requestUpdate())
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.unsubscribe?.()
    clearInterval(this.typingTimer)
    this.typingTimer = undefined
  }

  /** Focus the current stage's input and show the newest messages. */
  async focusInput(): Promise<void> {
    await this.updateComplete
    const root = this.renderRoot
    root.querySelector('parley-message-list')?.scrollToEnd()
    const target = root.querySelector<HTMLElement>('parley-message-composer, parley-question-form') ?? root.querySelector<HTMLElement>('main button')
    target?.focus()
  }

  override render() {
    const session = this.session
    return html`
      <header>
        <div class="title">
          <strong>${this.heading}</strong>
          <span>${this.subtitle()}</span>
        </div>
        ${session.stage === 'chat' && session.channel?.view.status === 'open' && !this.confirmingEnd
          ? html`<button class="end" data-test="end" @click=${() => (this.confirmingEnd = true)}>End chat</button>`
          : nothing}
        ${this.confirmingEnd ? nothing : this.call.renderHeaderButtons()}${this.confirmingEnd ? nothing : this.phone.renderHeaderButton()}
        <button class="icon" data-test="minimize" aria-label="Minimize chat" title="Minimize" @click=${this.minimize}>
          <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true"><path d="M3 8h10" stroke="currentColor" stroke-width="2" stroke-linecap="round" /></svg>
        </button>
      </header>
      ${session.connection === 'reconnecting' ? html`<div class="banner" data-test="reconnecting" role="status">Connection lost. Reconnecting…</div>` : nothing}
      ${this.renderReminder()}
      <main>${this.renderStage()}</main>
    `
  }

  protected override updated(_changed: PropertyValues): void {
    // Keep re-rendering while someone types, so the indicator expires on its own.
    const typing = this.renderRoot.querySelector('[data-test="typing"]') !== null
    if (typing && !this.typingTimer) this.typingTimer = setInterval(() => this.requestUpdate(), TYPING_REFRESH_MS)
    if (!typing && this.typingTimer) {
      clearInterval(this.typingTimer)
      this.typingTimer = undefined
    }
    // A new stage moves focus to its input, but only while the panel is on screen.
    const stage = this.session.stage
    if (stage !== this.shownStage) {
      if (this.shownStage !== undefined && this.getClientRects().length > 0) void this.focusInput()
      this.shownStage = stage
      if (stage !== 'chat') this.confirmingEnd = false
    }
  }

  private renderReminder() {
    const reminder = this.session.reminder
    if (!reminder?.scheduledFor) return nothing
    const left = Math.round((Date.parse(reminder.scheduledFor) - Date.now()) / 60_000)
    const text =
      left >= 1 ? `Your session starts in ${left} minute${left === 1 ? '' : 's'} (at ${formatWhen(reminder.scheduledFor)}).` : 'Your session is about to start.'
    return html`<div class="reminder" data-test="reminder" role="alert">
      <span>${text} Stay on this page and we'll connect you.</span>
      <button aria-label="Dismiss" title="Dismiss" @click=${() => this.session.dismissReminder()}>×</button>
    </div>`
  }

  private subtitle(): string {
    const session = this.session
    if (session.connection === 'refused') return 'Chat unavailable'
    switch (session.stage) {
      case 'connecting':
        return 'Connecting…'
      case 'question':
        return session.presence ? summarize(session.presence).text : 'We usually answer within minutes'
      case 'waiting':
        return session.request?.queue ? `In the queue · ${session.request.queue.name}` : 'In the queue'
      case 'booked':
        return 'Session booked'
      case 'chat': {
        const channel = session.channel
        if (!channel) return 'Connecting you…'
        if (channel.view.status === 'ended') return 'Chat ended'
        const self = channel.view.selfParticipantId
        const agent = channel.view.participants.find((participant) => participant.id !== self && participant.role !== 'visitor' && !participant.leftAt)
        return agent ? `Chatting with ${agent.name}` : 'Chat in progress'
      }
    }
  }

  private renderStage() {
    const session = this.session
    if (session.connection === 'refused') {
      return html`<div class="center">
        <p class="error" data-test="error" role="alert">${session.refusal?.message ?? 'The chat is not available.'}</p>
        <button class="secondary" @click=${() => session.reconnect()}>Try again</button>
      </div>`
    }
    switch (session.stage) {
      case 'connecting':
        return html`<div class="center" role="status">
          <div class="spinner" aria-hidden="true"></div>
          <p class="note">${session.failedAttempts > 1 ? 'Still trying to reach the chat server…' : 'Connecting…'}</p>
        </div>`
      case 'question':
        return html`<parley-question-form
          .value=${session.draft}
          .topic=${session.draftTopic}
          .topics=${this.topics}
          ?callsAvailable=${this.callsAvailable}
          .presence=${session.presence}
          ?busy=${session.creating}
          .note=${session.note}
          .error=${session.error}
          @parley-question=${(event: CustomEvent<QuestionDetail>) =>
            void session.createRequest(event.detail.question, { topic: event.detail.topic, scheduledFor: event.detail.scheduledFor, kind: event.detail.kind })}
        ></parley-question-form>`
      case 'waiting':
        return html`<parley-waiting-view
          .request=${session.request}
          ?keptWaiting=${session.keptWaiting}
          ?busy=${session.cancelling}
          ?scheduling=${session.scheduling}
          .error=${session.error}
          @parley-cancel=${() => void session.cancelRequest()}
          @parley-keep-waiting=${() => session.keepWaiting()}
          @parley-schedule=${(event: CustomEvent<{ at: string }>) => void session.schedule(event.detail.at)}
        ></parley-waiting-view>`
      case 'booked':
        return html`<parley-booked-view
          .request=${session.request}
          ?busy=${session.cancelling}
          ?scheduling=${session.scheduling}
          .error=${session.error}
          @parley-cancel=${() => void session.cancelRequest()}
          @parley-schedule=${(event: CustomEvent<{ at: string }>) => void session.schedule(event.detail.at)}
        ></parley-booked-view>`
      case 'chat':
        return this.renderChat()
    }
  }

  private renderChat() {
    const session = this.session
    const channel = session.channel
    const ended = channel?.view.status === 'ended'
    const self = channel?.view.selfParticipantId
    const typers = channel && !ended ? session.sync.activeTyping(channel.view.id).filter((signal) => signal.participantId !== self) : []
    const notice = this.site?.monitoringNotice
    const avatar = (participantId: string) => {
      const participant = channel?.view.participants.find((p) => p.id === participantId)
      return participant && participant.role !== 'visitor' ? avatarFor(this.site, location.href, participant.avatarUrl, session.baseUrl) : null
    }
    return html`
      ${this.phone.renderBar()}${this.call.renderBar()} ${ended ? nothing : this.leading.render()}
      ${notice && !ended ? html`<p class="notice" data-test="monitoring-notice">${notice}</p>` : nothing}
      <parley-message-list
        .channel=${channel}
        .avatarFor=${avatar}
        @parley-retry=${(event: CustomEvent<{ clientMsgId: string }>) => session.retry(event.detail.clientMsgId)}
        @parley-discard=${(event: CustomEvent<{ clientMsgId: string }>) => session.discard(event.detail.clientMsgId)}
      ></parley-message-list>
      <div class="typing" aria-hidden="true">
        ${typers.length ? html`<span data-test="typing">${typers.map((signal) => signal.name).join(', ')} ${typers.length > 1 ? 'are' : 'is'} typing…</span>` : nothing}
      </div>
      ${session.error ? html`<p class="error" data-test="error" role="alert">${session.error}</p>` : nothing}
      ${ended
        ? html`<div class="footer" data-test="ended" role="status">
            <p>This chat has ended</p>
            <button class="primary" data-test="new-chat" @click=${() => session.startOver()}>Start a new chat</button>
          </div>`
        : this.confirmingEnd
          ? html`<div class="footer" role="group" aria-label="End the chat?">
              <p>End this chat?</p>
              <button class="danger" data-test="end-confirm" ?disabled=${session.leaving} @click=${this.endChat}>End chat</button>
              <button class="secondary" data-test="end-cancel" @click=${() => (this.confirmingEnd = false)}>Keep chatting</button>
            </div>`
          : html`<parley-message-composer
              ?disabled=${!channel}
              @parley-send=${(event: CustomEvent<{ text: string }>) => session.send(event.detail.text)}
              @parley-typing=${(event: CustomEvent<{ text: string }>) => session.typing(event.detail.text)}
            ></parley-message-composer>`}
    `
  }

  private async endChat(): Promise<void> {
    await this.session.leave()
    this.confirmingEnd = false
  }

  private minimize(): void {
    this.dispatchEvent(new CustomEvent('parley-minimize', { bubbles: true, composed: true }))
  }
}

if (!customElements.get('parley-chat-panel')) customElements.define('parley-chat-panel', ChatPanel)

declare global {
  interface HTMLElementTagNameMap {
    'parley-chat-panel': ChatPanel
  }
}

export { mountCompanion } from './companion.js'

/** Mount the chat panel into the loader's container and connect to Parley. */
export const mount: PanelModule['mount'] = (container: HTMLElement, options: PanelOptions): PanelHandle => {
  const session = new VisitorSession(options)
  const panel = document.createElement('parley-chat-panel')
  panel.session = session
  panel.heading = options.tenantName || 'Talk to us'
  panel.topics = options.topics ?? []
  panel.callsAvailable = options.calls ?? false
  panel.site = options.site
  panel.addEventListener('parley-minimize', () => options.onMinimize())
  container.append(panel)
  let closed = false
  return {
    focus: () => void panel.focusInput(),
    close: () => {
      if (closed) return
      closed = true
      session.close()
      panel.remove()
    },
  }
}
