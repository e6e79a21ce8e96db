/**
 * `<parley-archive-channel>`: one archived conversation: who, when, how long; its
 * transcript or its session replay; exports as JSON, as a PDF, and as a printable page
 * (opens in a new tab, for printing or the browser's richer "Save as PDF").
 */
import { LitElement, html, nothing } from 'lit'
import { repeat } from 'lit/directives/repeat.js'
import { adminStyles } from '../admin/admin-styles.js'
import { messageOf } from '../admin/api-request.js'
import { displayUrl, formatDateTime, safeHref } from '../agent/format.js'
import { clockLength, describeEvent, inTranscript } from './event-text.js'
import { exportUrl, fetchTranscript, type Transcript } from './archive-api.js'
import { archiveStyles } from './archive-styles.js'
import './session-replay.js'

type View = 'transcript' | 'replay'

/**
 * @fires archive-back - the user wants the results list again
 */
export class ArchiveChannel extends LitElement {
  static override properties = {
    channelId: { type: String, attribute: 'channel-id' },
    view: { type: String, reflect: true },
    transcript: { state: true },
    error: { state: true },
  }

  static override styles = [adminStyles, archiveStyles]

  /** The conversation shown. */
  channelId = ''
  /** Transcript or replay. */
  view: View = 'transcript'
  private transcript: Transcript | null = null
  private error = ''
  private loaded = ''

  protected override willUpdate(): void {
    if (this.channelId && this.channelId !== this.loaded) {
      this.loaded = this.channelId
      this.transcript = null
      this.error = ''
      void fetchTranscript(this.channelId).then(
        (transcript) => {
          if (transcript.channel.id === this.channelId) this.transcript = transcript
        },
        (error) => (this.error = messageOf(error)),
      )
    }
  }

  override render() {
    const back = html`<button type="button" class="link" data-test="archive-back" @click=${() => this.dispatchEvent(new CustomEvent('archive-back', { bubbles: true, composed: true }))}>← Back to the results</button>`
    if (this.error) return html`${back}<div class="form-error" role="alert" data-test="form-error">Could not open this conversation: ${this.error}</div>`
    const t = this.transcript
    if (!t) return html`${back}<div class="card"><div class="empty">Loading…</div></div>`
    const c = t.channel
    const visitor = c.participants.find((p) => p.role === 'visitor')?.name ?? 'Visitor'
    const page = safeHref(c.pageUrl)
    return html`${back}
      <div class="card" data-test="archive-channel" data-channel-id=${c.id}>
        <header class="top">
          <h1>Conversation with ${visitor}</h1>
          <span class="pill ${c.status}">${c.status}</span>
          <span class="spacer"></span>
          <div class="toolbar">
            <a class="button" data-test="export-json" href=${exportUrl(c.id, 'json')} download>Download JSON</a>
            <a class="button" data-test="export-html" href=${exportUrl(c.id, 'html')} target="_blank" rel="noopener">Printable transcript</a>
            <a class="button" data-test="export-pdf" href=${exportUrl(c.id, 'pdf')} download>Download PDF</a>
            <a class="button" data-test="export-html-download" href=${exportUrl(c.id, 'html', true)} download>Download HTML</a>
          </div>
        </header>
        <dl class="meta">
          <dt>Question</dt>
          <dd>${c.question}</dd>
          <dt>Queue</dt>
          <dd>${c.queue?.name ?? '—'}</dd>
          <dt>Started</dt>
          <dd>${formatDateTime(c.createdAt)}</dd>
          <dt>Length</dt>
          <dd>${clockLength(c.durationSec)}${c.endReason ? html` <span class="muted">(${c.endReason.replace('_', ' ')})</span>` : nothing}</dd>
          <dt>People</dt>
          <dd>${c.participants.map((p, i) => html`${i > 0 ? ', ' : ''}${p.name} <span class="muted">(${p.role})</span>`)}</dd>
          <dt>Page</dt>
          <dd>${page ? html`<a href=${page} target="_blank" rel="noopener noreferrer">${displayUrl(page)}</a>` : '—'}</dd>
        </dl>
        <nav class="views" role="tablist">
          ${(['transcript', 'replay'] as const).map(
            (view) => html`<button type="button" role="tab" data-test="archive-view" data-view=${view} aria-selected=${this.view === view ? 'true' : 'false'} @click=${() => (this.view = view)}>
              ${view === 'transcript' ? 'Transcript' : 'Session replay'}
            </button>`,
          )}
        </nav>
        ${this.view === 'replay' ? html`<parley-session-replay .transcript=${t}></parley-session-replay>` : this.renderTranscript(t)}
      </div>`
  }

  private renderTranscript(t: Transcript) {
    const names = new Map(t.channel.participants.map((p) => [p.id, p.name]))
    const events = t.events.filter(inTranscript)
    if (events.length === 0) return html`<div class="empty">Nothing was said.</div>`
    return html`<div class="log" data-test="transcript">
      ${repeat(
        events,
        (e) => e.seq,
        (e) => {
          const text = describeEvent(e, names)
          const time = html`<time datetime=${e.at} title=${formatDateTime(e.at)}>${new Date(e.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' })}</time>`
          return text.body !== undefined
            ? html`<div class="entry ${text.category}" data-test="transcript-entry" data-type=${e.type}>
                ${time}
                <div><div class="who">${text.from}${text.staffOnly ? html` <span class="pill staff">${text.category}, staff only</span>` : nothing}</div><div class="body">${text.body}</div></div>
              </div>`
            : html`<div class="entry ${text.category}" data-test="transcript-entry" data-type=${e.type}>${time}<div>${text.text}${text.staffOnly ? html` <span class="pill staff">staff only</span>` : nothing}</div></div>`
        },
      )}
    </div>`
  }
}

customElements.define('parley-archive-channel', ArchiveChannel)

declare global {
  interface HTMLElementTagNameMap {
    'parley-archive-channel': ArchiveChannel
  }
}
