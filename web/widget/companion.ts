/**
 * The agent's co-browsing tab: the shop's own page, opened from the console with a lead token.
 * It connects to Parley as that agent for one conversation, follows the visitor when they lead,
 * leads when the agent holds the baton (page changes, form fills, highlights), and shows a small
 * bar with the baton, the visitor's page and the highlight tools.
 */
import { io } from 'socket.io-client'
import { LitElement, css, html, nothing } from 'lit'
import type { CompanionSession, ErrorBody } from '../protocol/events.js'
import { ChannelSync } from '../shared/channel-sync.js'
import { MemoryOutboxStore } from '../shared/outbox-store.js'
import { SocketLink } from '../shared/socket-link.js'
import { LeadController, samePage } from './lead/lead-controller.js'
import type { CompanionOptions } from './panel-api.js'

/** Refusals that no reconnect will fix: the link is spent. */
const FINAL = new Set(['unauthorized', 'forbidden', 'invalid_state'])

export function mountCompanion(options: CompanionOptions): { close(): void } {
  const base = new URL(options.baseUrl)
  const socket = io(`${base.origin}/agent`, { path: `${base.pathname.replace(/\/$/, '')}/socket.io`, auth: { leadToken: options.leadToken }, transports: ['websocket', 'polling'] })
  const link = new SocketLink(socket)
  const sync = new ChannelSync(link, new MemoryOutboxStore())
  const bar = document.createElement('parley-companion-bar')
  document.documentElement.append(bar)
  let controller: LeadController | null = null
  const end = (message: string) => {
    bar.ended = message
    controller?.close()
    controller = null
    socket.disconnect()
    options.onEnd()
  }
  socket.on('session', (session: CompanionSession) => {
    bar.agentName = session.agent.displayName
    sync.adopt(session.channel)
    if (!controller) {
      // The agent's tab always follows the visitor's lead by itself.
      controller = new LeadController(sync, session.channel.id, { followMode: () => 'auto', onChange: () => bar.requestUpdate() })
      bar.controller = controller
      bar.sync = sync
    }
  })
  sync.onChange(() => {
    bar.requestUpdate()
    const state = controller && sync.channels.get(controller.channelId)
    if (state?.view.status === 'ended') end('The conversation has ended.')
  })
  socket.on('connect_error', (error: Error & { data?: ErrorBody }) => {
    if (error.data && FINAL.has(error.data.code)) end(`Co-browsing stopped: ${error.data.message}`)
  })
  bar.addEventListener('parley-companion-stop', () => end('Co-browsing stopped. Open a new link from the console to start again.'))
  return {
    close: () => {
      controller?.close()
      sync.close()
      socket.disconnect()
      bar.remove()
    },
  }
}

/**
 * `<parley-companion-bar>`: the co-browsing tab's controls.
 * @fires parley-companion-stop - the agent stopped co-browsing in this tab
 */
export class CompanionBar extends LitElement {
  static override properties = { agentName: {}, ended: {}, error: { state: true }, picking: { state: true } }

  static override styles = css`
    :host {
      all: initial;
      position: fixed;
      left: 16px;
      bottom: 16px;
      z-index: 2147483002;
      font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
    }
    .bar {
      display: flex;
      flex-direction: column;
      gap: 8px;
      width: min(360px, calc(100vw - 32px));
      padding: 12px 14px;
      border-radius: 12px;
      background: #1d2433;
      color: #fff;
      font-size: 13px;
      box-shadow: 0 10px 30px rgba(0, 0, 0, 0.3);
    }
    .row {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 6px;
    }
    strong {
      font-size: 14px;
    }
    .tag {
      padding: 1px 8px;
      border-radius: 9px;
      background: #ff6a00;
      font-size: 11.5px;
      font-weight: 700;
    }
    .tag.follow {
      background: #3b4a66;
    }
    button {
      padding: 5px 10px;
      border: 0;
      border-radius: 7px;
      background: #2f6fed;
      color: #fff;
      font: 600 12.5px system-ui, sans-serif;
      cursor: pointer;
    }
    button.quiet {
      background: #3b4a66;
    }
    a {
      color: #9bbcff;
      overflow-wrap: anywhere;
    }
    .error {
      color: #ffb4b4;
    }
  `

  agentName = ''
  ended = ''
  controller: LeadController | null = null
  sync: ChannelSync | null = null
  declare private error: string
  /** the agent is pointing at something: the bar steps aside so it covers nothing */
  declare private picking: boolean

  constructor() {
    super()
    this.error = ''
    this.picking = false
  }

  override render() {
    if (this.picking) return nothing
    if (this.ended) return html`<div class="bar" data-test="companion-bar" data-state="ended"><strong>Parley co-browsing</strong><span>${this.ended}</span></div>`
    const controller = this.controller
    const state = controller && this.sync?.channels.get(controller.channelId)
    if (!controller || !state) return html`<div class="bar" data-test="companion-bar" data-state="connecting"><strong>Parley co-browsing</strong><span>Connecting…</span></div>`
    const view = state.view
    const visitor = view.participants.find((p) => p.role === 'visitor' && !p.leftAt)
    const leading = controller.isLeader
    const visitorPage = visitor ? [...state.events].reverse().find((e) => e.type === 'page.viewed' && e.author.participantId === visitor.id) : undefined
    // NOTE: lit escapes text, not URLs: only http(s) becomes a link (the server also refuses others)
    const url = visitorPage?.type === 'page.viewed' ? visitorPage.payload.url : null
    const page = url && /^https?:\/\//i.test(url) ? url : null
    return html`<div class="bar" data-test="companion-bar" data-state=${leading ? 'leading' : 'following'}>
      <div class="row">
        <strong>Co-browsing as ${this.agentName}</strong>
        ${leading ? html`<span class="tag">You lead</span>` : html`<span class="tag follow">Following ${controller.leaderName ?? 'the leader'}</span>`}
      </div>
      ${page
        ? html`<div class="row" data-test="companion-visitor-page">
            ${visitor?.name ?? 'The visitor'} is on <a href=${page} title=${page}>${new URL(page).pathname}</a>
            ${samePage(page, location.href) ? html`<span>(here too)</span>` : nothing}
          </div>`
        : nothing}
      <div class="row">
        ${leading
          ? html`<button data-test="companion-highlight" @click=${this.highlight}>Highlight</button>
              <button class="quiet" data-test="companion-clear" @click=${() => void controller.leader.clearHighlight()}>Clear</button>
              ${visitor ? html`<button class="quiet" data-test="companion-give-lead" @click=${() => void this.pass(visitor.id)}>Let ${visitor.name} lead</button>` : nothing}`
          : html`<button data-test="companion-take-lead" @click=${() => view.selfParticipantId && void this.pass(view.selfParticipantId)}>Take the lead</button>`}
        <button class="quiet" data-test="companion-stop" @click=${() => this.dispatchEvent(new CustomEvent('parley-companion-stop'))}>Stop</button>
      </div>
      ${leading ? html`<span>Pages you open and fields you fill here are shown to everyone following.</span>` : nothing}
      ${this.error ? html`<span class="error" role="alert">${this.error}</span>` : nothing}
    </div>`
  }

  private readonly highlight = async (): Promise<void> => {
    this.picking = true
    try {
      await this.controller?.leader.highlight()
    } finally {
      this.picking = false
    }
  }

  private async pass(participantId: string): Promise<void> {
    this.error = ''
    try {
      await this.controller?.pass(participantId)
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error)
    }
  }
}

if (!customElements.get('parley-companion-bar')) customElements.define('parley-companion-bar', CompanionBar)

declare global {
  interface HTMLElementTagNameMap {
    'parley-companion-bar': CompanionBar
  }
}
