/**
 * `<parley-leading-settings>`: the tenant's rules for browser leading and supervision — who
 * leads when a conversation opens, sharing scrolls and clicks, extra origins followers may be
 * sent to, form fields that stay private, the monitoring notice visitors see, seats in a group
 * session, and the agent's picture by page. Saved through the settings API (validated there).
 */
import { LitElement, css, html, nothing } from 'lit'
import { fetchRouting, formErrors, saveSettings, type RoutingSettings } from './admin-api.js'
import { adminStyles } from './admin-styles.js'
import { registerAdminSection } from './admin-sections.js'
import { checkInt, FieldErrors } from './form-checks.js'

/** The leading settings as the server stores them (server/domain/tenant-settings.ts). */
export interface LeadingSettings {
  defaultLeader: 'agent' | 'visitor'
  shareScrollAndClicks: boolean
  leadOrigins: string[]
  maskedFields: string[]
  monitoringNotice: string
  maxVisitorsPerChannel: number
  avatarRules: { pattern: string; avatarUrl: string }[]
}

const FIELDS = ['defaultLeader', 'shareScrollAndClicks', 'leadOrigins', 'maskedFields', 'monitoringNotice', 'maxVisitorsPerChannel', 'avatarRules'] as const

interface Draft {
  defaultLeader: 'agent' | 'visitor'
  shareScrollAndClicks: boolean
  leadOrigins: string
  maskedFields: string
  monitoringNotice: string
  maxVisitorsPerChannel: string
  avatarRules: { pattern: string; avatarUrl: string }[]
}

const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)

const toDraft = (s: LeadingSettings): Draft => ({
  defaultLeader: s.defaultLeader,
  shareScrollAndClicks: s.shareScrollAndClicks,
  leadOrigins: s.leadOrigins.join('\n'),
  maskedFields: s.maskedFields.join('\n'),
  monitoringNotice: s.monitoringNotice,
  maxVisitorsPerChannel: String(s.maxVisitorsPerChannel),
  avatarRules: s.avatarRules.map((rule) => ({ ...rule })),
})

export class LeadingSettingsEditor extends LitElement {
  static override properties = { draft: { state: true }, stored: { state: true }, errors: { state: true }, formError: { state: true }, saving: { state: true }, status: { state: true } }
  static override styles = [
    adminStyles,
    css`
      textarea {
        width: 100%;
        min-height: 64px;
        font: inherit;
      }
      .rule {
        display: grid;
        grid-template-columns: 1fr 1fr auto;
        gap: 6px;
        margin-bottom: 4px;
      }
      .help {
        font-size: 12px;
        color: var(--p-text-muted);
      }
      .grid {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(260px, 1fr));
        gap: 12px 16px;
      }
    `,
  ]

  private stored: LeadingSettings | null = null
  private draft: Draft | null = null
  private errors: Record<string, string> = {}
  private formError = ''
  private saving = false
  private status = ''

  override connectedCallback(): void {
    super.connectedCallback()
    void fetchRouting().then(
      ({ settings }) => this.adopt(settings as RoutingSettings & LeadingSettings),
      (error: unknown) => (this.formError = error instanceof Error ? error.message : String(error)),
    )
  }

  override render() {
    const d = this.draft
    if (!d) return this.formError ? html`<div class="form-error" role="alert">${this.formError}</div>` : html`<p class="muted">Loading…</p>`
    const dirty = JSON.stringify(d) !== JSON.stringify(toDraft(this.stored!))
    return html`<form @submit=${this.save} novalidate data-test="leading-settings">
      <div class="card">
        <h2>Browser leading</h2>
        <div class="grid">
          <label class="field">
            <span class="label">Who leads when a conversation opens</span>
            <select data-test="leading-default-leader" .value=${d.defaultLeader} @change=${(e: Event) => this.set({ defaultLeader: (e.target as HTMLSelectElement).value as Draft['defaultLeader'] })}>
              <option value="agent">The agent</option>
              <option value="visitor">The visitor</option>
            </select>
            <span class="help">The lead can always be passed on, and agents can take it back.</span>
          </label>
          <div class="field">
            <span class="label">Scrolling and clicks</span>
            <label class="check"
              ><input type="checkbox" data-test="leading-scroll" .checked=${d.shareScrollAndClicks} @change=${(e: Event) => this.set({ shareScrollAndClicks: (e.target as HTMLInputElement).checked })} /> Show the leader’s
              scrolling and clicks to followers</label
            >
            <span class="help">For small groups on the same page.</span>
          </div>
          <label class="field">
            <span class="label">Visitors per conversation <span class="muted">(1–500)</span></span>
            <input type="number" min="1" max="500" data-test="leading-seats" .value=${d.maxVisitorsPerChannel} @input=${(e: Event) => this.set({ maxVisitorsPerChannel: (e.target as HTMLInputElement).value })} />
            ${this.fieldError('maxVisitorsPerChannel')}
            <span class="help">Seats of a group session (guided tours, training); 1 turns invitations off.</span>
          </label>
        </div>
        <label class="field">
          <span class="label">More origins followers may be sent to</span>
          <textarea data-test="leading-origins" placeholder="https://help.example.com" .value=${d.leadOrigins} @input=${(e: Event) => this.set({ leadOrigins: (e.target as HTMLTextAreaElement).value })}></textarea>
          ${this.fieldError('leadOrigins')}
          <span class="help">One per line. Pages of the allowed embed origins can always be shared; nothing else, never javascript: or data: links.</span>
        </label>
        <label class="field">
          <span class="label">Private form fields</span>
          <textarea data-test="leading-masked" placeholder="tax-id" .value=${d.maskedFields} @input=${(e: Event) => this.set({ maskedFields: (e.target as HTMLTextAreaElement).value })}></textarea>
          ${this.fieldError('maskedFields')}
          <span class="help">One word per line: a field whose name, id or autocomplete contains it is never read or filled by others. Passwords and card fields always are private.</span>
        </label>
      </div>
      <div class="card">
        <h2>Supervision</h2>
        <label class="field">
          <span class="label">Monitoring notice</span>
          <textarea data-test="leading-notice" maxlength="300" .value=${d.monitoringNotice} @input=${(e: Event) => this.set({ monitoringNotice: (e.target as HTMLTextAreaElement).value })}></textarea>
          ${this.fieldError('monitoringNotice')}
          <span class="help">Shown to visitors in every conversation; leave empty for none.</span>
        </label>
      </div>
      <div class="card">
        <h2>Agent pictures by page</h2>
        <p class="hint">The first rule whose page pattern fits the visitor’s page sets the picture shown next to the agent’s messages (* matches anything). Otherwise the agent’s own picture, or none.</p>
        ${d.avatarRules.map(
          (rule, index) => html`<div class="rule" data-test="avatar-rule">
              <input aria-label="Page pattern" placeholder="*/products/helmet-*" .value=${rule.pattern} @input=${(e: Event) => this.setRule(index, { pattern: (e.target as HTMLInputElement).value })} />
              <input aria-label="Picture URL" placeholder="https://cdn.example/expert.png or /avatars/bike-expert.svg" .value=${rule.avatarUrl} @input=${(e: Event) => this.setRule(index, { avatarUrl: (e.target as HTMLInputElement).value })} />
              <button type="button" class="link danger" aria-label="Remove rule" @click=${() => this.set({ avatarRules: d.avatarRules.filter((_, i) => i !== index) })}>✕</button>
            </div>
            ${this.fieldError(`avatarRules.${index}`)}`,
        )}
        ${this.fieldError('avatarRules')}
        <button type="button" class="link" data-test="avatar-rule-add" ?disabled=${d.avatarRules.length >= 50} @click=${() => this.set({ avatarRules: [...d.avatarRules, { pattern: '', avatarUrl: '' }] })}>+ Add rule</button>
      </div>
      ${this.formError ? html`<div class="form-error" role="alert" data-test="form-error">${this.formError}</div>` : nothing}
      <div class="buttons">
        <button type="submit" class="primary" data-test="leading-save" ?disabled=${this.saving || !dirty}>${this.saving ? 'Saving…' : 'Save'}</button>
        <button type="button" ?disabled=${this.saving || !dirty} @click=${() => this.adopt(this.stored!)}>Discard changes</button>
        ${this.status ? html`<span class="ok" role="status">${this.status}</span>` : nothing}
      </div>
    </form>`
  }

  private adopt(settings: LeadingSettings): void {
    this.stored = Object.fromEntries(FIELDS.map((field) => [field, settings[field]])) as unknown as LeadingSettings
    this.draft = toDraft(this.stored)
    this.errors = {}
  }

  private fieldError(field: string) {
    return this.errors[field] ? html`<span class="field-error" data-test="field-error" data-field=${field}>${this.errors[field]}</span>` : nothing
  }

  private set(change: Partial<Draft>): void {
    this.draft = { ...this.draft!, ...change }
    this.status = this.formError = ''
  }

  private setRule(index: number, change: Partial<Draft['avatarRules'][number]>): void {
    this.set({ avatarRules: this.draft!.avatarRules.map((rule, i) => (i === index ? { ...rule, ...change } : rule)) })
  }

  private readonly save = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault()
    const d = this.draft!
    const checks = new FieldErrors()
    const seats = checks.take('maxVisitorsPerChannel', checkInt(d.maxVisitorsPerChannel, 1, 500))
    d.avatarRules.forEach((rule, index) => {
      if (!rule.pattern.trim() || !rule.avatarUrl.trim()) checks.add(`avatarRules.${index}`, 'a rule needs a page pattern and a picture URL')
    })
    this.errors = checks.fields
    if (Object.keys(checks.fields).length > 0 || seats === undefined) return
    this.saving = true
    try {
      const saved = await saveSettings({
        defaultLeader: d.defaultLeader,
        shareScrollAndClicks: d.shareScrollAndClicks,
        leadOrigins: lines(d.leadOrigins),
        maskedFields: lines(d.maskedFields),
        monitoringNotice: d.monitoringNotice.trim(),
        maxVisitorsPerChannel: seats,
        avatarRules: d.avatarRules.map((rule) => ({ pattern: rule.pattern.trim(), avatarUrl: rule.avatarUrl.trim() })),
      } as Partial<RoutingSettings>)
      this.adopt(saved as RoutingSettings & LeadingSettings)
      this.status = 'Saved.'
    } catch (error) {
      const split = formErrors(error, [...FIELDS, ...d.avatarRules.map((_, i) => `avatarRules.${i}`), ...lines(d.leadOrigins).map((_, i) => `leadOrigins.${i}`)])
      // an origin's message belongs under the origins box
      this.errors = Object.fromEntries(Object.entries(split.fields).map(([path, message]) => [path.startsWith('leadOrigins.') ? 'leadOrigins' : path, message]))
      this.formError = split.form
    } finally {
      this.saving = false
    }
  }
}

customElements.define('parley-leading-settings', LeadingSettingsEditor)

declare global {
  interface HTMLElementTagNameMap {
    'parley-leading-settings': LeadingSettingsEditor
  }
}

registerAdminSection({
  id: 'leading',
  label: 'Leading & supervision',
  order: 45,
  description: 'Browser leading, group sessions, the monitoring notice and agents’ pictures by page.',
  render: () => html`<parley-leading-settings></parley-leading-settings>`,
})
