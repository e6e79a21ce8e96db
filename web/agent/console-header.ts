/**
 * `<parley-console-header>`: the console's top bar — brand, who is logged in, the state
 * picker, capacity (chats and calls), the connection indicator and Log out.
 */
import { LitElement, css, html } from 'lit'
import type { AgentView } from '../protocol/views.js'
import type { ConnectionStatus, StateReasons } from './console-session.js'
import { baseStyles } from './console-styles.js'
import { ROLE_LABELS, formatLoad } from './format.js'
import './state-picker.js'

/**
 * @fires logout - Event: the agent clicked Log out
 * @fires state-change - CustomEvent<StateChangeDetail> (from the state picker, bubbles through)
 */
export class ConsoleHeader extends LitElement {
  static override properties = {
    agent: { attribute: false },
    status: { type: String },
    reasons: { attribute: false },
    settingState: { type: Boolean, attribute: 'setting-state' },
  }

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      .top {
        display: flex;
        align-items: center;
        gap: 14px;
        height: 52px;
        padding: 0 16px;
        background: var(--p-surface);
        border-bottom: 1px solid var(--p-border);
      }
      .brand {
        display: flex;
        align-items: center;
        gap: 8px;
        font-weight: 700;
        font-size: 14px;
      }
      .logo {
        width: 24px;
        height: 24px;
        border-radius: 6px;
        background: var(--p-primary);
        color: #fff;
        display: grid;
        place-items: center;
        font-size: 13px;
      }
      .who {
        display: flex;
        flex-direction: column;
        line-height: 1.2;
        padding-left: 14px;
        border-left: 1px solid var(--p-border);
        min-width: 0;
      }
      .who strong {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        max-width: 220px;
      }
      .who span {
        font-size: 11px;
        color: var(--p-text-muted);
      }
      .spacer {
        flex: 1;
      }
      .capacity {
        font-variant-numeric: tabular-nums;
        color: var(--p-text-muted);
        white-space: nowrap;
      }
      .capacity strong {
        color: var(--p-text);
      }
      .capacity strong.full {
        color: var(--p-danger);
      }
      .conn {
        display: inline-flex;
        align-items: center;
        gap: 6px;
        font-size: 12px;
        color: var(--p-text-muted);
        white-space: nowrap;
      }
      .conn .dot {
        width: 8px;
        height: 8px;
        border-radius: 50%;
        background: var(--p-ready);
      }
      .conn[data-status='reconnecting'] .dot,
      .conn[data-status='connecting'] .dot {
        background: #d4a72c;
        animation: pulse 1s ease-in-out infinite;
      }
      .conn[data-status='reconnecting'] {
        color: #9a6700;
        font-weight: 600;
      }
      @keyframes pulse {
        50% {
          opacity: 0.35;
        }
      }
      .capacity .sep {
        color: var(--p-text-faint);
        margin: 0 2px;
      }
      @media (max-width: 1150px) {
        .top {
          gap: 10px;
        }
        .who {
          display: none;
        }
      }
    `,
  ]

  /** The logged-in agent. */
  agent: AgentView | null = null
  /** The console's connection. */
  status: ConnectionStatus = 'connecting'
  /** The tenant's reasons per state. */
  reasons: StateReasons = { not_ready: [], break: [], away: [] }
  /** A state change is in flight. */
  settingState = false

  override render() {
    const agent = this.agent
    if (!agent) return html``
    const connected = this.status === 'connected'
    const chatsFull = agent.activeChats >= agent.maxChats
    const callsFull = agent.activeCalls >= agent.maxCalls
    return html`<header class="top">
      <div class="brand"><span class="logo" aria-hidden="true">P</span>Parley</div>
      <div class="who" data-test="agent">
        <strong title=${agent.email}>${agent.displayName}</strong>
        <span>${ROLE_LABELS[agent.role] ?? agent.role} · ${agent.email}</span>
      </div>
      <span class="spacer"></span>
      <parley-state-picker
        .state=${connected ? agent.state : 'offline'}
        .reason=${connected ? agent.stateReason : null}
        .until=${agent.stateUntil}
        .reasons=${this.reasons}
        ?busy=${this.settingState}
        ?disabled=${!connected}
      ></parley-state-picker>
      <span class="capacity" data-test="capacity" title="Open conversations / capacity: ${formatLoad(agent)}" aria-label="Capacity: ${formatLoad(agent)}"
        ><strong class=${chatsFull ? 'full' : ''}>${agent.activeChats}/${agent.maxChats}</strong> ${agent.maxChats === 1 ? 'chat' : 'chats'}<span class="sep"> · </span
        ><strong class=${callsFull ? 'full' : ''}>${agent.activeCalls}/${agent.maxCalls}</strong> ${agent.maxCalls === 1 ? 'call' : 'calls'}</span
      >
      <span class="conn" data-test="connection" data-status=${this.status} role="status">
        <span class="dot" aria-hidden="true"></span>${connected ? 'Connected' : this.status === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
      </span>
      <button type="button" data-test="logout" @click=${() => this.dispatchEvent(new Event('logout', { bubbles: true, composed: true }))}>Log out</button>
    </header>`
  }
}

customElements.define('parley-console-header', ConsoleHeader)

declare global {
  interface HTMLElementTagNameMap {
    'parley-console-header': ConsoleHeader
  }
}
