/**
 * `<parley-agent-board>`: the tenant's agents grouped by state (Ready, Busy, Wrap-up, Not
 * ready, Break, Away, Offline), each with the reason, time in state (or the wrap-up left),
 * load against capacity and skills with proficiency. Over-capacity loads show in red.
 */
import { LitElement, css, html, nothing } from 'lit'
import type { SupervisorSnapshot } from '../protocol/events.js'
import type { AgentState } from '../protocol/views.js'
import { baseStyles, stateColors } from '../agent/console-styles.js'
import { ROLE_LABELS, STATE_LABELS, formatCountdown, formatElapsed, formatLoad } from '../agent/format.js'
import { supervisorStyles } from './supervisor-styles.js'

/** One agent as the snapshot carries it. */
export type LiveAgent = SupervisorSnapshot['agents'][number]

/** The order of the groups on the board. */
const GROUPS: readonly AgentState[] = ['ready', 'busy', 'wrap_up', 'not_ready', 'break', 'away', 'offline']

export class AgentBoard extends LitElement {
  static override properties = {
    agents: { attribute: false },
    serverNow: { type: Number, attribute: 'server-now' },
  }

  static override styles = [
    baseStyles,
    stateColors,
    supervisorStyles,
    css`
      tbody th {
        background: var(--soft);
        color: var(--p-text);
        text-transform: none;
        letter-spacing: 0;
        font-size: 12px;
        border-top: 1px solid var(--p-border-soft);
      }
      .dot {
        display: inline-block;
        width: 8px;
        height: 8px;
        border-radius: 50%;
        background: var(--color);
        margin-right: 6px;
        vertical-align: baseline;
      }
      .count {
        color: var(--p-text-muted);
        font-weight: 400;
        margin-left: 4px;
      }
      tr.over td {
        background: var(--p-danger-soft);
      }
      .name {
        font-weight: 600;
      }
      .role {
        font-size: 11px;
        color: var(--p-text-muted);
        margin-left: 4px;
      }
      .gone {
        font-size: 11px;
        color: var(--p-danger);
        margin-left: 4px;
      }
      .skill .level {
        color: var(--p-text-faint);
        margin-left: 3px;
      }
    `,
  ]

  /** Every agent of the tenant. */
  agents: LiveAgent[] = []
  /** The server's clock now (epoch ms), for time in state and wrap-up countdowns. */
  serverNow = Date.now()

  override render() {
    const groups = GROUPS.map((state) => ({
      state,
      agents: this.agents.filter((agent) => agent.state === state).sort((a, b) => a.displayName.localeCompare(b.displayName)),
    })).filter((group) => group.agents.length > 0)
    const working = this.agents.filter((agent) => agent.state !== 'offline').length
    return html`<section class="card" aria-label="Agents">
      <h2>Agents <span class="badge ${working > 0 ? 'some' : ''}" title="Agents not offline">${working}</span><span class="sub">of ${this.agents.length}</span></h2>
      ${groups.length === 0
        ? html`<div class="empty">No agents.</div>`
        : html`<table>
            <thead>
              <tr>
                <th>Agent</th>
                <th>Reason</th>
                <th class="num">Time</th>
                <th>Load</th>
                <th>Skills</th>
              </tr>
            </thead>
            ${groups.map(
              (group) => html`<tbody data-test="sup-agent-group" data-state=${group.state}>
                <tr data-state=${group.state}>
                  <th colspan="5"><span class="dot" aria-hidden="true"></span>${STATE_LABELS[group.state]}<span class="count">${group.agents.length}</span></th>
                </tr>
                ${group.agents.map((agent) => this.renderAgent(agent))}
              </tbody>`,
            )}
          </table>`}
    </section>`
  }

  private renderAgent(agent: LiveAgent) {
    const time =
      agent.state === 'wrap_up' && agent.stateUntil
        ? html`<span title="Wrap-up left">${formatCountdown(agent.stateUntil, this.serverNow)} left</span>`
        : html`<span title="In this state since ${new Date(agent.stateChangedAt).toLocaleTimeString()}">${formatElapsed(agent.stateChangedAt, this.serverNow)}</span>`
    return html`<tr class=${agent.overCapacity ? 'over' : ''} data-test="sup-agent" data-agent-id=${agent.id} data-state=${agent.state}>
      <td>
        <span class="name" title=${agent.email}>${agent.displayName}</span>${agent.role !== 'agent' ? html`<span class="role">${ROLE_LABELS[agent.role]}</span>` : nothing}
        ${!agent.connected && agent.state !== 'offline' ? html`<span class="gone" title="No console connected">not connected</span>` : nothing}
      </td>
      <td class="sub">${agent.stateReason ?? ''}</td>
      <td class="num time">${time}</td>
      <td class="time ${agent.overCapacity ? 'bad' : ''}" data-test="sup-load">${formatLoad(agent)}</td>
      <td>
        ${agent.skills.length === 0
          ? html`<span class="muted">—</span>`
          : agent.skills.map((skill) => html`<span class="chip skill" title="proficiency ${skill.proficiency} of 5">${skill.skill.replace('=', ': ')}<span class="level">${skill.proficiency}</span></span>`)}
      </td>
    </tr>`
  }
}

customElements.define('parley-agent-board', AgentBoard)

declare global {
  interface HTMLElementTagNameMap {
    'parley-agent-board': AgentBoard
  }
}
