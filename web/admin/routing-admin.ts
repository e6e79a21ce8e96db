/**
 * `<parley-routing-admin>` (admins only): skills, agents' proficiencies and capacities,
 * queues, hint rules and routing settings, one section at a time. Loads everything with
 * `GET /api/admin/routing` and reloads after every save an editor reports.
 */
import { LitElement, css, html, nothing } from 'lit'
import { fetchRouting, type RoutingData } from './admin-api.js'
import type { AdminSection } from './admin-events.js'
import { adminStyles } from './admin-styles.js'
import './agent-skills-editor.js'
import './queues-editor.js'
import './rules-editor.js'
import './settings-editor.js'
import './skills-editor.js'

const SECTIONS: { id: AdminSection; label: string; count?: (data: RoutingData) => number }[] = [
  { id: 'skills', label: 'Skills', count: (data) => data.skills.length },
  { id: 'agents', label: 'Agents', count: (data) => data.agents.length },
  { id: 'queues', label: 'Queues', count: (data) => data.queues.length },
  { id: 'rules', label: 'Hint rules', count: (data) => data.rules.length },
  { id: 'settings', label: 'Settings' },
]

/**
 * The routing admin. Editors stay rendered while hidden, so unsaved edits survive a
 * section switch.
 * @csspart sheet - the scrolling content column
 */
export class ParleyRoutingAdmin extends LitElement {
  static override properties = {
    section: { type: String, reflect: true },
    data: { state: true },
    loading: { state: true },
    loadError: { state: true },
  }

  static override styles = [
    adminStyles,
    css`
      :host {
        height: 100%;
        overflow-y: auto;
        background: var(--p-bg);
      }
      .sheet {
        max-width: 1120px;
        padding: 16px 20px 40px;
      }
      header {
        display: flex;
        align-items: baseline;
        gap: 12px;
        margin-bottom: 10px;
      }
      h1 {
        font-size: 18px;
        margin: 0;
      }
      header .spacer {
        flex: 1;
      }
      nav {
        display: flex;
        gap: 2px;
        border-bottom: 1px solid var(--p-border);
        margin-bottom: 14px;
      }
      nav button {
        border: none;
        border-bottom: 2px solid transparent;
        border-radius: 0;
        background: none;
        padding: 7px 12px;
        color: var(--p-text-muted);
        font-weight: 600;
        margin-bottom: -1px;
      }
      nav button:hover:not(:disabled) {
        background: none;
        color: var(--p-text);
      }
      nav button[aria-selected='true'] {
        color: var(--p-text);
        border-bottom-color: var(--p-primary);
      }
      nav .count {
        margin-left: 5px;
        font-weight: 500;
        color: var(--p-text-faint);
      }
      .load-error {
        display: flex;
        gap: 12px;
        align-items: center;
        margin-bottom: 14px;
      }
    `,
  ]

  /** The visible section. */
  section: AdminSection = 'skills'
  private data: RoutingData | null = null
  private loading = false
  private loadError = ''
  private loadSeq = 0

  override connectedCallback(): void {
    super.connectedCallback()
    this.addEventListener('routing-changed', this.onChanged)
    void this.load()
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.removeEventListener('routing-changed', this.onChanged)
  }

  /** Fetch skills, agents, queues, rules and settings again. */
  async load(): Promise<void> {
    const seq = ++this.loadSeq
    this.loading = true
    try {
      const data = await fetchRouting()
      // NOTE: a slower earlier load must not overwrite a newer one
      if (seq !== this.loadSeq) return
      this.data = data
      this.loadError = ''
    } catch (error) {
      if (seq === this.loadSeq) this.loadError = error instanceof Error ? error.message : String(error)
    } finally {
      if (seq === this.loadSeq) this.loading = false
    }
  }

  private onChanged = () => {
    void this.load()
  }

  override render() {
    const data = this.data
    return html`<div class="sheet" part="sheet" data-test="routing-admin">
      <header>
        <h1>Routing</h1>
        <span class="muted">Who gets which conversation: skills, queues and the hints that pick them.</span>
        <span class="spacer"></span>
        <button type="button" ?disabled=${this.loading} @click=${() => this.load()}>${this.loading ? 'Loading…' : 'Reload'}</button>
      </header>
      <nav role="tablist" aria-label="Routing sections">
        ${SECTIONS.map(
          (section) => html`<button
            type="button"
            role="tab"
            data-test="admin-section"
            data-section=${section.id}
            aria-selected=${this.section === section.id ? 'true' : 'false'}
            @click=${() => (this.section = section.id)}
          >
            ${section.label}${data && section.count ? html`<span class="count">${section.count(data)}</span>` : nothing}
          </button>`,
        )}
      </nav>
      ${this.loadError
        ? html`<div class="form-error load-error" role="alert" data-test="form-error">
            <span>Could not load the routing configuration: ${this.loadError}</span>
            <button type="button" @click=${() => this.load()}>Try again</button>
          </div>`
        : nothing}
      ${!data
        ? html`<div class="card"><div class="empty">${this.loading ? 'Loading…' : 'Nothing to show.'}</div></div>`
        : html`
            <parley-skills-editor role="tabpanel" ?hidden=${this.section !== 'skills'} .skills=${data.skills} .queues=${data.queues} .agents=${data.agents}></parley-skills-editor>
            <parley-agent-skills-editor role="tabpanel" ?hidden=${this.section !== 'agents'} .agents=${data.agents} .skills=${data.skills}></parley-agent-skills-editor>
            <parley-queues-editor role="tabpanel" ?hidden=${this.section !== 'queues'} .data=${data}></parley-queues-editor>
            <parley-rules-editor role="tabpanel" ?hidden=${this.section !== 'rules'} .rules=${data.rules} .skills=${data.skills}></parley-rules-editor>
            <parley-settings-editor role="tabpanel" ?hidden=${this.section !== 'settings'} .settings=${data.settings}></parley-settings-editor>
          `}
    </div>`
  }
}

customElements.define('parley-routing-admin', ParleyRoutingAdmin)

declare global {
  interface HTMLElementTagNameMap {
    'parley-routing-admin': ParleyRoutingAdmin
  }
}
