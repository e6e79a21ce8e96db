/**
 * `<parley-price-plan-editor>`: the tenant's price plan: base fee, per-minute and per-hit
 * prices (typed in currency units, stored exactly as micro-units), included quantities, the
 * reseller's revenue share and the fee on shopper micro-charges.
 */
import { LitElement, css, html, nothing } from 'lit'
import { formErrors } from './admin-api.js'
import { adminStyles } from './admin-styles.js'
import { messageOf } from './api-request.js'
import { checkInt, checkText, FieldErrors } from './form-checks.js'
import { fetchPlan, savePlan, type PricePlan } from './management-api.js'
import { formatBps, formatMicros, parseMicros, parsePercentBps } from './money.js'

type PriceField = 'baseFeeMicros' | 'chatMinuteMicros' | 'mediaMinuteMicros' | 'pstnMinuteMicros' | 'hitMicros' | 'seatMicros'
type CountField = 'includedChatMinutes' | 'includedMediaMinutes' | 'includedPstnMinutes' | 'includedHits' | 'includedSeats'
type ShareField = 'resellerShareBps' | 'microChargeFeeBps'

const PRICES: { field: PriceField; label: string; included?: CountField }[] = [
  { field: 'baseFeeMicros', label: 'Base fee per month' },
  { field: 'chatMinuteMicros', label: 'Chat, per minute', included: 'includedChatMinutes' },
  { field: 'mediaMinuteMicros', label: 'Voice/video, per minute', included: 'includedMediaMinutes' },
  { field: 'pstnMinuteMicros', label: 'Phone (PSTN), per minute', included: 'includedPstnMinutes' },
  { field: 'hitMicros', label: 'Per hit (visitor request)', included: 'includedHits' },
  { field: 'seatMicros', label: 'Per seat used', included: 'includedSeats' },
]
const SHARES: { field: ShareField; label: string; help: string }[] = [
  { field: 'resellerShareBps', label: 'Reseller share (%)', help: 'Part of each statement paid to the reseller.' },
  { field: 'microChargeFeeBps', label: 'Fee on micro-charges (%)', help: 'Charged on what shoppers paid through offers.' },
]

type Draft = Record<string, string>

const toDraft = (plan: PricePlan): Draft => ({
  name: plan.name,
  currency: plan.currency,
  resellerName: plan.resellerName ?? '',
  ...Object.fromEntries(PRICES.map((p) => [p.field, formatMicros(plan[p.field])])),
  ...Object.fromEntries(PRICES.filter((p) => p.included).map((p) => [p.included!, String(plan[p.included!])])),
  ...Object.fromEntries(SHARES.map((s) => [s.field, formatBps(plan[s.field])])),
})

export class PricePlanEditor extends LitElement {
  static override properties = { plan: { state: true }, draft: { state: true }, errors: { state: true }, formError: { state: true }, status: { state: true }, saving: { state: true } }
  static override styles = [
    adminStyles,
    css`
      table input {
        width: 120px;
      }
      .grid {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(200px, 1fr));
        gap: 10px 14px;
      }
    `,
  ]

  private plan: PricePlan | null = null
  private draft: Draft = {}
  private errors: Record<string, string> = {}
  private formError = ''
  private status = ''
  private saving = false

  override connectedCallback(): void {
    super.connectedCallback()
    void fetchPlan().then(
      (plan) => ((this.plan = plan), (this.draft = toDraft(plan))),
      (error) => (this.formError = messageOf(error)),
    )
  }

  override render() {
    if (!this.plan) return html`<div class="card">${this.formError ? html`<div class="form-error">${this.formError}</div>` : html`<div class="empty">Loading…</div>`}</div>`
    return html`<form @submit=${this.save} novalidate data-test="plan-form">
      <div class="card grid">
        ${this.field('name', 'Plan name')} ${this.field('currency', 'Currency (ISO 4217)')}
      </div>
      <div class="card">
        <table>
          <thead><tr><th>Item</th><th>Price (${this.draft.currency || '…'})</th><th>Included per month</th></tr></thead>
          <tbody>
            ${PRICES.map((p) => html`<tr><td>${p.label}</td><td>${this.input(p.field)}</td><td>${p.included ? this.input(p.included) : nothing}</td></tr>`)}
          </tbody>
        </table>
        <p class="hint">Prices up to 6 decimals (0.012 = 1.2 cents). Minutes are rated to the millisecond; each line is rounded once.</p>
      </div>
      <div class="card grid">
        ${this.field('resellerName', 'Reseller (optional)')}
        ${SHARES.map((s) => html`<label class="field"><span class="label">${s.label}</span>${this.input(s.field)}<span class="muted">${s.help}</span></label>`)}
      </div>
      ${this.formError ? html`<div class="form-error" role="alert" data-test="form-error">${this.formError}</div>` : nothing}
      <div class="row">
        <button type="submit" class="primary" data-test="plan-save" ?disabled=${this.saving}>${this.saving ? 'Saving…' : 'Save price plan'}</button>
        ${this.status ? html`<span class="ok" role="status">${this.status}</span>` : nothing}
      </div>
    </form>`
  }

  private field(key: string, label: string) {
    return html`<label class="field"><span class="label">${label}</span>${this.input(key)}</label>`
  }

  private input(key: string) {
    return html`<input data-test=${`plan-${key}`} .value=${this.draft[key] ?? ''} aria-invalid=${this.errors[key] ? 'true' : 'false'} @input=${(e: Event) => ((this.draft = { ...this.draft, [key]: (e.target as HTMLInputElement).value }), (this.errors = { ...this.errors, [key]: '' }), (this.status = ''))} />
      ${this.errors[key] ? html`<span class="field-error" data-test="field-error" data-field=${key}>${this.errors[key]}</span>` : nothing}`
  }

  private async save(event: SubmitEvent): Promise<void> {
    event.preventDefault()
    const d = this.draft
    const checks = new FieldErrors()
    const name = checks.take('name', checkText(d.name ?? '', 60))
    const currency = (d.currency ?? '').trim().toUpperCase()
    if (!/^[A-Z]{3}$/.test(currency)) checks.add('currency', 'a 3-letter code like EUR')
    const plan = { name, currency, resellerName: (d.resellerName ?? '').trim() || null } as Record<string, unknown>
    for (const p of PRICES) {
      plan[p.field] = checks.take(p.field, parseMicros(d[p.field] ?? ''))
      if (p.included) plan[p.included] = checks.take(p.included, checkInt(d[p.included] ?? '', 0, 100_000_000))
    }
    for (const s of SHARES) plan[s.field] = checks.take(s.field, parsePercentBps(d[s.field] ?? ''))
    this.errors = checks.fields
    this.formError = checks.ok ? '' : 'Not saved: fix the highlighted fields.'
    if (!checks.ok) return
    this.saving = true
    try {
      this.plan = await savePlan(plan as unknown as PricePlan)
      this.draft = toDraft(this.plan)
      this.status = 'Saved. Previews use it at once; issued statements keep the plan they were issued with.'
    } catch (error) {
      const { fields, form } = formErrors(error, Object.keys(d))
      this.errors = fields
      this.formError = form || 'Not saved: fix the highlighted fields.'
    } finally {
      this.saving = false
    }
  }
}

customElements.define('parley-price-plan-editor', PricePlanEditor)

declare global {
  interface HTMLElementTagNameMap {
    'parley-price-plan-editor': PricePlanEditor
  }
}
