/**
 * Browser leading in the visitor's chat panel: runs a LeadController for the open
 * conversation (the page follows the leader, the visitor's pages are reported) and renders the
 * strip that says who leads, with the visitor's choice to follow automatically or be asked,
 * and — while the visitor holds the baton — their tools (highlight, give the lead back).
 * A lit ReactiveController of `<parley-chat-panel>`.
 */
import { css, html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit'
import { LeadController, type FollowMode } from './lead/lead-controller.js'
import type { VisitorSession } from './visitor-session.js'

export interface VisitorLeadingHost extends ReactiveControllerHost {
  readonly session: VisitorSession
}

export class VisitorLeading implements ReactiveController {
  private controller: LeadController | null = null
  private error = ''
  /** one choice per shop site (localStorage is per origin) */
  private readonly followKey: string

  constructor(private readonly host: VisitorLeadingHost) {
    this.followKey = 'parley:follow'
    host.addController(this)
  }

  /** Follow the leader's page changes by themselves, or be asked first. */
  get followMode(): FollowMode {
    try {
      return localStorage.getItem(this.followKey) === 'prompt' ? 'prompt' : 'auto'
    } catch {
      return 'auto'
    }
  }

  hostUpdate(): void {
    const channel = this.host.session.channel
    const open = channel?.view.status === 'open' ? channel.view.id : null
    if (this.controller && this.controller.channelId !== open) {
      this.controller.close()
      this.controller = null
    }
    if (open && !this.controller) this.controller = new LeadController(this.host.session.sync, open, { followMode: () => this.followMode, onChange: () => this.host.requestUpdate() })
  }

  hostDisconnected(): void {
    this.controller?.close()
    this.controller = null
  }

  /** The strip over the messages: who leads, and the visitor's choices. */
  render(): TemplateResult | typeof nothing {
    const controller = this.controller
    const view = this.host.session.channel?.view
    if (!controller || !view || view.status !== 'open' || !view.leading.leaderId) return nothing
    if (controller.isLeader) {
      const agent = view.participants.find((p) => p.role === 'agent' && !p.leftAt)
      return html`<div class="lead" data-test="lead-strip" data-leading="self">
        <span><strong>You are leading.</strong> Others follow the pages you open.</span>
        <button data-test="lead-point" @click=${() => void controller.leader.highlight()}>Point at something</button>
        <button data-test="lead-clear" @click=${() => void controller.leader.clearHighlight()}>Clear</button>
        ${agent ? html`<button data-test="lead-give-back" @click=${() => void this.pass(agent.id)}>Give the lead back</button>` : nothing}
        ${this.error ? html`<em role="alert">${this.error}</em>` : nothing}
      </div>`
    }
    return html`<div class="lead" data-test="lead-strip" data-leading="other">
      <span><strong>${controller.leaderName ?? 'Your guide'}</strong> can guide you through the site.</span>
      <label><input type="checkbox" data-test="lead-follow" .checked=${this.followMode === 'auto'} @change=${this.toggleFollow} /> Follow automatically</label>
    </div>`
  }

  private readonly toggleFollow = (event: Event): void => {
    const mode: FollowMode = (event.target as HTMLInputElement).checked ? 'auto' : 'prompt'
    try {
      localStorage.setItem(this.followKey, mode)
    } catch {}
    this.host.requestUpdate()
  }

  private async pass(participantId: string): Promise<void> {
    this.error = ''
    try {
      await this.controller?.pass(participantId)
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error)
    }
    this.host.requestUpdate()
  }
}

export const visitorLeadingStyles = css`
  .lead {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 6px 10px;
    padding: 8px 14px;
    border-bottom: 1px solid #e3e8f2;
    background: #f5f8ff;
    font-size: 12.5px;
    color: #33405a;
  }
  .lead[data-leading='self'] {
    background: #fff4eb;
  }
  .lead span {
    flex: 1 1 180px;
  }
  .lead button {
    padding: 4px 10px;
    border: 1px solid #c9d4ea;
    border-radius: 6px;
    background: #fff;
    color: #1d2433;
    font: inherit;
    cursor: pointer;
  }
  .lead label {
    display: flex;
    align-items: center;
    gap: 4px;
    cursor: pointer;
  }
  .lead em {
    flex-basis: 100%;
    color: #c4322f;
    font-style: normal;
  }
`
