/**
 * `<parley-replay-stage>`: the picture of a conversation at one moment of its replay: the
 * browser being led (address, leader, highlight, filled fields, scroll, last click), the
 * call, and who is present. Renders a ReplayState; knows nothing about time.
 */
import { LitElement, css, html, nothing } from 'lit'
import { adminStyles } from '../admin/admin-styles.js'
import { displayUrl } from '../agent/format.js'
import { shownPage, type ReplayState } from './replay-state.js'

/**
 * @csspart browser - the simulated browser window
 */
export class ReplayStage extends LitElement {
  static override properties = { state: { attribute: false } }

  static override styles = [
    adminStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: 10px;
      }
      .browser {
        border: 1px solid var(--p-border);
        border-radius: 8px;
        background: var(--p-surface);
        overflow: hidden;
      }
      .bar {
        display: flex;
        gap: 8px;
        align-items: center;
        padding: 6px 10px;
        background: var(--p-bg);
        border-bottom: 1px solid var(--p-border);
      }
      .address {
        flex: 1;
        font-family: var(--p-mono);
        font-size: 12px;
        background: var(--p-surface);
        border: 1px solid var(--p-border-soft);
        border-radius: 12px;
        padding: 2px 10px;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .page {
        position: relative;
        min-height: 170px;
        padding: 12px 34px 12px 12px;
      }
      .scrollbar {
        position: absolute;
        right: 8px;
        top: 10px;
        bottom: 10px;
        width: 6px;
        border-radius: 3px;
        background: var(--p-border-soft);
      }
      .thumb {
        position: absolute;
        left: 0;
        width: 6px;
        height: 24px;
        border-radius: 3px;
        background: var(--p-text-faint);
        transition: top 0.2s;
      }
      .highlight {
        border: 3px solid #f59e0b;
        border-radius: 8px;
        padding: 6px 10px;
        background: #fffbeb;
        margin-bottom: 8px;
        animation: glow 1.2s ease-in-out infinite alternate;
      }
      @keyframes glow {
        to {
          box-shadow: 0 0 0 4px rgba(245, 158, 11, 0.25);
        }
      }
      .fills {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 2px 10px;
        font-size: 12px;
      }
      .fills code {
        color: var(--p-text-muted);
      }
      .people {
        display: flex;
        flex-wrap: wrap;
        gap: 6px;
      }
      .person[data-present='false'] {
        opacity: 0.45;
        text-decoration: line-through;
      }
      .call {
        padding: 6px 10px;
        border-radius: 6px;
        background: var(--p-ready-soft);
        color: var(--p-ready);
        font-weight: 600;
      }
      .call[data-status='ringing'] {
        background: #fff8c5;
        color: #7d4e00;
      }
      .call[data-status='ended'] {
        background: var(--p-border-soft);
        color: var(--p-text-muted);
        font-weight: 400;
      }
      .ended {
        font-weight: 600;
        color: var(--p-text-muted);
      }
    `,
  ]

  /** The moment to show. */
  state: ReplayState | null = null

  override render() {
    const s = this.state
    if (!s) return nothing
    const url = shownPage(s)
    const leader = s.leaderId ? s.participants.get(s.leaderId)?.name : null
    return html`
      <div class="browser" part="browser" data-test="replay-browser">
        <div class="bar">
          <span class="address" data-test="replay-url" title=${url ?? ''}>${url ? displayUrl(url, 120) : 'no page yet'}</span>
          ${leader ? html`<span class="chip on" data-test="replay-leader">led by ${leader}</span>` : nothing}
        </div>
        <div class="page">
          ${s.highlight
            ? html`<div class="highlight" data-test="replay-highlight">
                <strong>${s.highlight.label ?? 'Highlighted'}</strong> <code>${s.highlight.selector}</code>
                ${s.highlight.region ? html`<span class="muted"> (part of it: ${Math.round(s.highlight.region.width * 100)}% × ${Math.round(s.highlight.region.height * 100)}%)</span>` : nothing}
              </div>`
            : nothing}
          ${s.fills.size > 0
            ? html`<div class="fills" data-test="replay-fills">
                ${[...s.fills].map(([selector, value]) => html`<code>${selector}</code><span>${typeof value === 'boolean' ? (value ? '☑ checked' : '☐ unchecked') : value}</span>`)}
              </div>`
            : nothing}
          ${s.lastClick ? html`<div class="muted" data-test="replay-click">last click: <code>${s.lastClick.selector}</code></div>` : nothing}
          ${!s.highlight && s.fills.size === 0 && !s.lastClick ? html`<div class="muted">${url ? 'The page as the visitor saw it; highlights, form fills and clicks appear here.' : 'No page was shared in this conversation yet.'}</div>` : nothing}
          <div class="scrollbar" aria-hidden="true"><div class="thumb" style="top: calc(${Math.round((s.scroll?.y ?? 0) * 100)}% - ${Math.round((s.scroll?.y ?? 0) * 24)}px)"></div></div>
        </div>
      </div>
      ${s.call
        ? html`<div class="call" data-test="replay-call" data-status=${s.call.status}>
            ${s.call.video ? 'Video' : 'Voice'} call ${s.call.status === 'active' ? 'in progress' : s.call.status === 'ringing' ? 'ringing' : `ended (${s.call.reason ?? ''})`}${s.call.recording ? ' · recording' : ''}
          </div>`
        : nothing}
      <div class="people" data-test="replay-people">
        ${[...s.participants.values()].map(
          (p) => html`<span class="chip person" data-present=${p.present ? 'true' : 'false'} data-role=${p.role}>${p.name} <span class="muted">${p.role}${p.silent ? ', silent' : ''}</span></span>`,
        )}
      </div>
      ${s.ended ? html`<div class="ended" data-test="replay-ended">Conversation ended (${s.ended.replace('_', ' ')})</div>` : nothing}
    `
  }
}

customElements.define('parley-replay-stage', ReplayStage)

declare global {
  interface HTMLElementTagNameMap {
    'parley-replay-stage': ReplayStage
  }
}
