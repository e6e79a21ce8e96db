/**
 * `<parley-live-channels>`: the open conversations, oldest first — agent, visitors, question,
 * age, call, who monitors — each with a Monitor button.
 * @fires parley-monitor - CustomEvent<{ channelId: string }>: the supervisor wants to monitor it
 */
import { LitElement, html, nothing } from 'lit'
import { repeat } from 'lit/directives/repeat.js'
import type { LiveChannelView } from '../protocol/events.js'
import { baseStyles } from '../agent/console-styles.js'
import { formatSeconds } from '../agent/format.js'
import { supervisorStyles } from './supervisor-styles.js'

export class LiveChannels extends LitElement {
  static override properties = {
    channels: { attribute: false },
    serverNow: { type: Number, attribute: 'server-now' },
    mine: { attribute: false },
  }

  static override styles = [baseStyles, supervisorStyles]

  channels: LiveChannelView[] = []
  /** the server's clock now (ms), for the conversations' ages */
  serverNow = Date.now()
  /** conversations this console is already in */
  mine: ReadonlySet<string> = new Set()

  override render() {
    return html`<section class="card" data-test="sup-channels">
      <h2>Conversations <span class="badge ${this.channels.length ? 'some' : ''}">${this.channels.length}</span></h2>
      ${this.channels.length === 0
        ? html`<div class="empty">No open conversations.</div>`
        : html`<table>
            <thead>
              <tr><th>Agent</th><th>Visitors</th><th>Question</th><th>Open for</th><th>Monitored by</th><th></th></tr>
            </thead>
            <tbody>
              ${repeat(
                this.channels,
                (channel) => channel.id,
                (channel) => html`<tr data-test="sup-channel" data-channel-id=${channel.id}>
                  <td>${channel.agents.join(', ') || '—'}${channel.inCall ? html` <span title="In a call">☎</span>` : nothing}</td>
                  <td class="num">${channel.visitors}</td>
                  <td class="question" title=${channel.question}>${channel.question}</td>
                  <td class="num">${formatSeconds(Math.max(0, Math.round((this.serverNow - Date.parse(channel.openedAt)) / 1000)))}</td>
                  <td>${channel.monitoredBy.join(', ') || '—'}</td>
                  <td>
                    ${this.mine.has(channel.id)
                      ? html`<span class="muted">open in a tab</span>`
                      : html`<button type="button" data-test="monitor" @click=${() => this.monitor(channel.id)}>Monitor</button>`}
                  </td>
                </tr>`,
              )}
            </tbody>
          </table>`}
    </section>`
  }

  private monitor(channelId: string): void {
    this.dispatchEvent(new CustomEvent<{ channelId: string }>('parley-monitor', { detail: { channelId }, bubbles: true, composed: true }))
  }
}

customElements.define('parley-live-channels', LiveChannels)

declare global {
  interface HTMLElementTagNameMap {
    'parley-live-channels': LiveChannels
  }
}
