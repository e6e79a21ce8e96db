/**
 * `<parley-settings-editor>`: the tenant's routing settings (ringing, wrap-up, priority
 * ageing, seats, handle time) and the reasons agents pick for Not ready, Break and Away.
 */
import { LitElement, css, html, nothing } from 'lit'
import { formErrors, saveSettings, type RoutingSettings, type StateReasons } from './admin-api.js'
import { fireRoutingChanged } from './admin-events.js'
import { adminStyles } from './admin-styles.js'
import { checkInt, checkText, FieldErrors } from './form-checks.js'

type NumberField = 'ringTimeoutSec' | 'wrapUpSec' | 'agePerPrioritySec' | 'seatCap' | 'defaultHandleTimeSec'

/** The number fields with the server's limits and a line of help each. */
const NUMBERS: { field: NumberField; label: string; min: number; max: number; help: string; test: string }[] = [
  { field: 'ringTimeoutSec', label: 'Ring timeout (s)', min: 5, max: 120, help: 'How long an offer rings at one agent before it moves on.', test: 'settings-ring-timeout' },
  { field: 'wrapUpSec', label: 'Wrap-up (s)', min: 0, max: 600, help: 'Time after each conversation before new offers (0: none).', test: 'settings-wrap-up' },
  { field: 'agePerPrioritySec', label: 'Seconds per priority level', min: 1, max: 3600, help: 'One priority point is worth this much waiting.', test: 'settings-age-per-priority' },
  { field: 'seatCap', label: 'Seats', min: 0, max: 100_000, help: 'Agents who may be Ready at once (0: unlimited).', test: 'settings-seat-cap' },
  { field: 'defaultHandleTimeSec', label: 'Default handle time (s)', min: 10, max: 7200, help: 'Assumed for wait estimates until real conversations were measured.', test: 'settings-handle-time' },
]

const STATES: { state: keyof StateReasons; label: string }[] = [
  { state: 'not_ready', label: 'Not ready' },
  { state: 'break', label: 'Break' },
  { state: 'away', label: 'Away' },
]

const MAX_REASONS = 20

/** The form's text, as typed. */
interface SettingsDraft extends Record<NumberField, string> {
  notReadyOnNoAnswer: boolean
  stateReasons: StateReasons
}

const toDraft = (s: RoutingSettings): SettingsDraft => ({
  ringTimeoutSec: String(s.ringTimeoutSec),
  wrapUpSec: String(s.wrapUpSec),
  agePerPrioritySec: String(s.agePerPrioritySec),
  seatCap: String(s.seatCap),
  defaultHandleTimeSec: String(s.defaultHandleTimeSec),
  notReadyOnNoAnswer: s.notReadyOnNoAnswer,
  stateReasons: { not_ready: [...s.stateReasons.not_ready], break: [...s.stateReasons.break], away: [...s.stateReasons.away] },
})

/**
 * Routing settings form.
 * @fires routing-changed - after the settings were saved
 */
export class SettingsEditor extends LitElement {
  static override properties = {
    settings: { attribute: false },
    draft: { state: true },
    errors: { state: true },
    formError: { state: true },
    saving: { state: true },
    status: { state: true },
  }

  static override styles = [
    adminStyles,
    css`
      .numbers {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(220px, 1fr));
        gap: 12px 16px;
      }
      .numbers input[type='number'] {
        width: 110px;
      }
      .form-error {
        margin: 0 0 10px;
      }
      .help {
        font-size: 12px;
        color: var(--p-text-muted);
      }
      .reasons {
        display: grid;
        grid-template-columns: repeat(3, minmax(0, 1fr));
        gap: 16px;
      }
      .reason {
        display: flex;
        gap: 4px;
        margin-bottom: 4px;
      }
      .reason input {
        flex: 1;
      }
      .buttons {
        display: flex;
        gap: 10px;
        align-items: center;
      }
    `,
  ]

  /** The stored settings. */
  settings: RoutingSettings | null = null
  private draft: SettingsDraft | null = null
  private errors: Record<string, string> = {}
  private formError = ''
  private saving = false
  private status = ''

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('settings') && this.settings) {
      const before = changed.get('settings') as RoutingSettings | null | undefined
      // NOTE: a reload after another section saved must not wipe unsaved edits
      if (!this.draft || !before || JSON.stringify(this.draft) === JSON.stringify(toDraft(before))) this.draft = toDraft(this.settings)
    }
  }

  override render() {
    const d = this.draft
    if (!d || !this.settings) return nothing
    const dirty = JSON.stringify(d) !== JSON.stringify(toDraft(this.settings))
    return html`<form @submit=${this.save} novalidate>
      <div class="card">
        <h2>Routing</h2>
        <p class="hint">Apply to new offers at once.</p>
        <div class="numbers">
          ${NUMBERS.map(
            (n) => html`<label class="field">
              <span class="label">${n.label} <span class="muted">(${n.min}–${n.max})</span></span>
              <input type="number" min=${n.min} max=${n.max} data-test=${n.test} .value=${d[n.field]} aria-invalid=${this.errors[n.field] ? 'true' : 'false'} @input=${(e: Event) => this.set({ [n.field]: (e.target as HTMLInputElement).value }, n.field)} />
              ${this.fieldError(n.field)}
              <span class="help">${n.help}</span>
            </label>`,
          )}
          <div class="field">
            <span class="label">Missed offers</span>
            <label class="check"><input type="checkbox" data-test="settings-not-ready-on-no-answer" .checked=${d.notReadyOnNoAnswer} @change=${(e: Event) => this.set({ notReadyOnNoAnswer: (e.target as HTMLInputElement).checked }, 'notReadyOnNoAnswer')} /> Set the agent Not ready</label>
            <span class="help">When an offer rings out unanswered, stop offering to that agent until they are Ready again.</span>
          </div>
        </div>
      </div>
      <div class="card">
        <h2>State reasons</h2>
        <p class="hint">What agents choose from when they leave Ready (up to ${MAX_REASONS} per state, 60 characters each).</p>
        <div class="reasons">${STATES.map(({ state, label }) => this.renderReasons(state, label, d.stateReasons[state]))}</div>
      </div>
      ${this.formError ? html`<div class="form-error" role="alert" data-test="form-error">${this.formError}</div>` : nothing}
      <div class="buttons">
        <button type="submit" class="primary" data-test="settings-save" ?disabled=${this.saving || !dirty}>${this.saving ? 'Saving…' : 'Save settings'}</button>
        <button type="button" ?disabled=${this.saving || !dirty} @click=${this.discard}>Discard changes</button>
        ${this.status ? html`<span class="ok" role="status">${this.status}</span>` : nothing}
      </div>
    </form>`
  }

  private renderReasons(state: keyof StateReasons, label: string, reasons: string[]) {
    const path = `stateReasons.${state}`
    return html`<div class="field" data-test="reason-list" data-state=${state}>
      <span class="label">${label}</span>
      ${reasons.map(
        (reason, index) => html`<div class="reason">
          <input data-test="reason" maxlength="60" aria-label=${`${label} reason ${index + 1}`} aria-invalid=${this.errors[`${path}.${index}`] ? 'true' : 'false'} .value=${reason} @input=${(e: Event) => this.setReasons(state, reasons.map((r, i) => (i === index ? (e.target as HTMLInputElement).value : r)))} />
          <button type="button" class="link danger" data-test="reason-remove" aria-label=${`Remove ${reason}`} @click=${() => this.setReasons(state, reasons.filter((_, i) => i !== index))}>✕</button>
        </div>
        ${this.fieldError(`${path}.${index}`)}`,
      )}
      ${reasons.length === 0 ? html`<span class="muted">No reasons: agents pick none.</span>` : nothing}
      ${this.fieldError(path)}
      <div><button type="button" class="link" data-test="reason-add" ?disabled=${reasons.length >= MAX_REASONS} @click=${() => this.addReason(state)}>+ Add reason</button></div>
    </div>`
  }

  private fieldError(field: string) {
    return this.errors[field] ? html`<span class="field-error" data-test="field-error" data-field=${field}>${this.errors[field]}</span>` : nothing
  }

  private set(change: Partial<SettingsDraft>, field: string): void {
    this.draft = { ...this.draft!, ...change }
    if (Object.keys(this.errors).some((path) => path.startsWith(field))) this.errors = Object.fromEntries(Object.entries(this.errors).filter(([path]) => !path.startsWith(field)))
    this.formError = ''
    this.status = ''
  }

  private setReasons(state: keyof StateReasons, reasons: string[]): void {
    this.set({ stateReasons: { ...this.draft!.stateReasons, [state]: reasons } }, `stateReasons.${state}`)
  }

  private async addReason(state: keyof StateReasons): Promise<void> {
    this.setReasons(state, [...this.draft!.stateReasons[state], ''])
    await this.updateComplete
    const inputs = this.renderRoot.querySelectorAll<HTMLInputElement>(`[data-state="${state}"] input`)
    inputs[inputs.length - 1]?.focus()
  }

  private discard(): void {
    if (this.settings) this.draft = toDraft(this.settings)
    this.errors = {}
    this.formError = ''
  }

  private async save(event: SubmitEvent): Promise<void> {
    event.preventDefault()
    const d = this.draft
    if (!d || this.saving) return
    const checks = new FieldErrors()
    const numbers = Object.fromEntries(NUMBERS.map((n) => [n.field, checks.take(n.field, checkInt(d[n.field], n.min, n.max))]))
    const stateReasons = { not_ready: [], break: [], away: [] } as StateReasons
    for (const { state } of STATES) {
      const list = d.stateReasons[state]
      if (list.length > MAX_REASONS) checks.add(`stateReasons.${state}`, `at most ${MAX_REASONS} reasons`)
      list.forEach((reason, index) => {
        const text = checks.take(`stateReasons.${state}.${index}`, checkText(reason, 60))
        if (text && stateReasons[state].includes(text)) checks.add(`stateReasons.${state}.${index}`, 'listed twice')
        if (text) stateReasons[state].push(text)
      })
    }
    this.errors = checks.fields
    this.status = ''
    if (!checks.ok) {
      this.formError = 'Not saved: fix the highlighted fields.'
      await this.updateComplete
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus()
      return
    }
    this.formError = ''
    this.saving = true
    try {
      const settings = await saveSettings({ ...(numbers as Record<NumberField, number>), notReadyOnNoAnswer: d.notReadyOnNoAnswer, stateReasons })
      this.draft = toDraft(settings)
      this.settings = settings
      this.status = 'Settings saved.'
      fireRoutingChanged(this, 'settings')
    } catch (error) {
      const known = [...NUMBERS.map((n) => n.field), 'notReadyOnNoAnswer', ...STATES.flatMap(({ state }) => [`stateReasons.${state}`, ...d.stateReasons[state].map((_, i) => `stateReasons.${state}.${i}`)])]
      const { fields, form } = formErrors(error, known)
      this.errors = fields
      this.formError = form || 'Not saved: fix the highlighted fields.'
    } finally {
      this.saving = false
    }
  }
}

customElements.define('parley-settings-editor', SettingsEditor)

declare global {
  interface HTMLElementTagNameMap {
    'parley-settings-editor': SettingsEditor
  }
}
