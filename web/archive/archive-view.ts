/**
 * `<parley-archive>`: search the tenant's conversations (text, dates, status, queue, agent),
 * page through the results, open one to read, replay and export it. Agents see their own
 * conversations; supervisors and admins everyone's (the server decides).
 */
import { LitElement, html, nothing } from 'lit'
import { repeat } from 'lit/directives/repeat.js'
import { adminStyles } from '../admin/admin-styles.js'
import { messageOf } from '../admin/api-request.js'
import { formatDateTime } from '../agent/format.js'
import { clockLength } from './event-text.js'
import { fetchFilterOptions, searchChannels, type ArchiveFilters, type ArchivedChannel, type FilterOptions } from './archive-api.js'
import { archiveStyles } from './archive-styles.js'
import './archive-channel.js'

const visitorsOf = (c: ArchivedChannel) => [...new Set(c.participants.filter((p) => p.role === 'visitor').map((p) => p.name))].join(', ') || 'Visitor'
const agentsOf = (c: ArchivedChannel) => [...new Set(c.participants.filter((p) => p.role === 'agent').map((p) => p.name))].join(', ')

/**
 * The archive: a search form, results and the opened conversation.
 * @csspart sheet - the scrolling content column
 */
export class ParleyArchive extends LitElement {
  static override properties = {
    draft: { state: true },
    results: { state: true },
    next: { state: true },
    loading: { state: true },
    error: { state: true },
    options: { state: true },
    openId: { state: true },
  }

  static override styles = [adminStyles, archiveStyles]

  private draft: ArchiveFilters = { q: '', status: '', from: '', to: '', queue: '', agent: '' }
  private applied: ArchiveFilters = { ...this.draft }
  private results: ArchivedChannel[] = []
  private next: string | null = null
  private loading = false
  private error = ''
  private options: FilterOptions | null = null
  /** the conversation opened from the results */
  private openId = ''
  private seq = 0

  override connectedCallback(): void {
    super.connectedCallback()
    if (!this.options) {
      void fetchFilterOptions().then(
        (options) => (this.options = options),
        () => undefined,
      )
      void this.search()
    }
  }

  /** Open a conversation by id (also from outside, e.g. a link). */
  open(channelId: string): void {
    this.openId = channelId
  }

  override render() {
    if (this.openId) {
      return html`<div class="sheet" part="sheet">
        <parley-archive-channel channel-id=${this.openId} @archive-back=${() => (this.openId = '')}></parley-archive-channel>
      </div>`
    }
    const d = this.draft
    const set = (change: Partial<ArchiveFilters>) => (this.draft = { ...this.draft, ...change })
    return html`<div class="sheet" part="sheet" data-test="archive">
      <header class="top">
        <h1>Archive</h1>
        <span class="muted">Every conversation, with its whole log${this.options ? html` · times in your browser's zone, days in ${this.options.timezone}` : nothing}.</span>
      </header>
      <div class="card">
        <form class="filters" @submit=${this.onSubmit}>
          <label class="field"><span class="label">Words</span><input type="search" data-test="archive-q" placeholder="in the question or any message" .value=${d.q ?? ''} @input=${(e: Event) => set({ q: (e.target as HTMLInputElement).value })} /></label>
          <label class="field"><span class="label">From</span><input type="date" data-test="archive-from" .value=${d.from ?? ''} @input=${(e: Event) => set({ from: (e.target as HTMLInputElement).value })} /></label>
          <label class="field"><span class="label">To</span><input type="date" data-test="archive-to" .value=${d.to ?? ''} @input=${(e: Event) => set({ to: (e.target as HTMLInputElement).value })} /></label>
          <label class="field"
            ><span class="label">Status</span>
            <select data-test="archive-status" .value=${d.status ?? ''} @change=${(e: Event) => set({ status: (e.target as HTMLSelectElement).value as ArchiveFilters['status'] })}>
              <option value="">Any</option>
              <option value="open">Open</option>
              <option value="ended">Ended</option>
            </select></label
          >
          <label class="field"
            ><span class="label">Queue</span>
            <select .value=${d.queue ?? ''} @change=${(e: Event) => set({ queue: (e.target as HTMLSelectElement).value })}>
              <option value="">Any</option>
              ${(this.options?.queues ?? []).map((q) => html`<option value=${q.id}>${q.name}</option>`)}
            </select></label
          >
          <label class="field" ?hidden=${(this.options?.agents.length ?? 0) === 0}
            ><span class="label">Agent</span>
            <select .value=${d.agent ?? ''} @change=${(e: Event) => set({ agent: (e.target as HTMLSelectElement).value })}>
              <option value="">Anyone</option>
              ${(this.options?.agents ?? []).map((a) => html`<option value=${a.id}>${a.displayName}</option>`)}
            </select></label
          >
          <button type="submit" class="primary" data-test="archive-search" ?disabled=${this.loading}>Search</button>
        </form>
        ${this.error ? html`<div class="form-error" role="alert" data-test="form-error">${this.error}</div>` : nothing}
      </div>
      <div class="card">
        ${this.results.length === 0
          ? html`<div class="empty" data-test="archive-empty">${this.loading ? 'Searching…' : 'No conversations match.'}</div>`
          : html`<table class="results">
              <thead>
                <tr><th>Started</th><th>Visitor</th><th>Agent</th><th>Question</th><th>Queue</th><th class="num">Length</th><th class="num">Messages</th><th>Status</th></tr>
              </thead>
              <tbody>
                ${repeat(
                  this.results,
                  (c) => c.id,
                  (c) => html`<tr data-test="archive-row" data-channel-id=${c.id} tabindex="0" @click=${() => this.open(c.id)} @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && this.open(c.id)}>
                    <td>${formatDateTime(c.createdAt)}</td>
                    <td>${visitorsOf(c)}</td>
                    <td>${agentsOf(c) || html`<span class="muted">—</span>`}</td>
                    <td class="question" title=${c.question}>${c.question}</td>
                    <td>${c.queue?.name ?? html`<span class="muted">—</span>`}</td>
                    <td class="num">${clockLength(c.durationSec)}</td>
                    <td class="num">${c.messages}</td>
                    <td><span class="pill ${c.status}">${c.status}</span>${c.calls > 0 ? html` <span class="pill">call</span>` : nothing}</td>
                  </tr>`,
                )}
              </tbody>
            </table>`}
        ${this.next ? html`<div class="toolbar" style="margin-top:10px"><button type="button" data-test="archive-more" ?disabled=${this.loading} @click=${() => this.search(true)}>${this.loading ? 'Loading…' : 'Show more'}</button></div>` : nothing}
      </div>
    </div>`
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault()
    if (this.draft.from && this.draft.to && this.draft.to < this.draft.from) {
      this.error = '"To" is before "From".'
      return
    }
    this.applied = { ...this.draft }
    void this.search()
  }

  private async search(more = false): Promise<void> {
    const seq = ++this.seq
    this.loading = true
    this.error = ''
    try {
      const page = await searchChannels(this.applied, more ? this.next : null)
      if (seq !== this.seq) return
      this.results = more ? [...this.results, ...page.channels] : page.channels
      this.next = page.next
    } catch (error) {
      if (seq === this.seq) this.error = `Could not search the archive: ${messageOf(error)}`
    } finally {
      if (seq === this.seq) this.loading = false
    }
  }
}

customElements.define('parley-archive', ParleyArchive)

declare global {
  interface HTMLElementTagNameMap {
    'parley-archive': ParleyArchive
  }
}
