/**
 * `<parley-billing-view>`: a month's metered usage and its statement (preview while the
 * month runs, issued once it is over), issued statements with CSV/HTML downloads and their
 * reconciliation against the raw usage records, and the shopper micro-charges ledger.
 */
import { LitElement, html, nothing } from 'lit'
import { formatDateTime } from '../agent/format.js'
import { adminStyles } from './admin-styles.js'
import { messageOf } from './api-request.js'
import { fetchCharges, fetchStatements, issueStatement, previewStatement, reconcileStatement, statementUrl, type ShopperCharge, type Statement } from './management-api.js'
import { formatMicros, formatMoney } from './money.js'

const thisMonth = () => new Date().toISOString().slice(0, 7)
const minutes = (ms: number) => `${Math.round(ms / 600) / 100} min`

export class BillingView extends LitElement {
  static override properties = { month: { state: true }, preview: { state: true }, issued: { state: true }, charges: { state: true }, error: { state: true }, busy: { state: true }, checks: { state: true } }
  static override styles = [adminStyles]

  private month = thisMonth()
  private preview: Statement | null = null
  private issued: Statement[] = []
  private charges: ShopperCharge[] = []
  private error = ''
  private busy = false
  /** reconciliation results per statement id */
  private checks: Record<string, boolean> = {}

  override connectedCallback(): void {
    super.connectedCallback()
    void this.load()
  }

  private async load(): Promise<void> {
    this.error = ''
    try {
      ;[this.preview, this.issued, this.charges] = await Promise.all([previewStatement(this.month), fetchStatements(), fetchCharges(this.month)])
    } catch (error) {
      this.error = messageOf(error)
    }
  }

  override render() {
    const p = this.preview
    const issuedForMonth = this.issued.find((s) => s.month === this.month)
    const over = this.month < thisMonth()
    return html`
      <div class="card">
        <div class="row end">
          <label class="field"><span class="label">Month</span><input type="month" data-test="billing-month" .value=${this.month} @change=${(e: Event) => ((this.month = (e.target as HTMLInputElement).value || thisMonth()), void this.load())} /></label>
          ${issuedForMonth
            ? html`<span class="ok">Issued ${formatDateTime(issuedForMonth.issuedAt!)}</span>`
            : html`<button type="button" class="primary" data-test="billing-issue" ?disabled=${!over || this.busy} title=${over ? '' : 'A month can be issued once it is over'} @click=${this.issue}>Issue statement</button>`}
          ${p ? html`<a class="chip" href=${statementUrl(null, 'csv', this.month)}>Preview CSV</a> <a class="chip" href=${statementUrl(null, 'html', this.month)} target="_blank" rel="noopener">Preview (print)</a>` : nothing}
        </div>
        ${this.error ? html`<div class="form-error" role="alert" data-test="form-error">${this.error}</div>` : nothing}
      </div>
      ${p ? this.renderStatement(issuedForMonth ?? p) : nothing}
      <div class="card">
        <h2>Issued statements</h2>
        ${this.issued.length === 0
          ? html`<div class="empty">None yet.</div>`
          : html`<table>
              <thead><tr><th>Month</th><th>Issued</th><th class="num">Total</th><th class="num">Reseller share</th><th>Reconciled</th><th></th></tr></thead>
              <tbody>
                ${this.issued.map(
                  (s) => html`<tr data-test="statement-row">
                    <td>${s.month}</td>
                    <td>${formatDateTime(s.issuedAt!)}</td>
                    <td class="num">${formatMoney(s.totalMinor, s.minorDigits, s.currency)}</td>
                    <td class="num">${formatMoney(s.resellerShareMinor, s.minorDigits, s.currency)}</td>
                    <td>${s.id! in this.checks ? (this.checks[s.id!] ? html`<span class="ok">✓ matches the usage records</span>` : html`<span class="error">differs: records changed</span>`) : html`<button type="button" class="link" @click=${() => this.reconcile(s.id!)}>Check</button>`}</td>
                    <td class="actions"><a href=${statementUrl(s.id, 'csv')}>CSV</a> · <a href=${statementUrl(s.id, 'html')} target="_blank" rel="noopener">Print</a></td>
                  </tr>`,
                )}
              </tbody>
            </table>`}
      </div>
      <div class="card">
        <h2>Shopper micro-charges (${this.month})</h2>
        ${this.charges.length === 0
          ? html`<div class="empty">No micro-charges this month.</div>`
          : html`<table>
              <thead><tr><th>When</th><th>What</th><th>Kind</th><th class="num">Amount</th><th>Reference</th></tr></thead>
              <tbody>
                ${this.charges.map((c) => html`<tr><td>${formatDateTime(c.at)}</td><td>${c.description}</td><td>${c.kind}</td><td class="num">${formatMoney(c.amountMinor, p?.minorDigits ?? 2, c.currency)}</td><td>${c.reference ?? '—'}</td></tr>`)}
              </tbody>
            </table>`}
      </div>
    `
  }

  private renderStatement(s: Statement) {
    const u = s.usage
    return html`<div class="card" data-test="statement">
      <h2>${s.id ? 'Statement' : 'Preview'} ${s.month}</h2>
      <p class="hint">Usage: ${minutes(u.chatMs)} chat · ${minutes(u.mediaMs)} voice/video · ${minutes(u.pstnMs)} phone · ${u.hits} hits · ${u.seats} seats</p>
      <table>
        <thead><tr><th>Item</th><th class="num">Used</th><th class="num">Included</th><th class="num">Billable</th><th class="num">Unit price</th><th class="num">Amount</th></tr></thead>
        <tbody>
          ${s.lines.length === 0 ? html`<tr><td colspan="6" class="empty">Nothing to charge.</td></tr>` : nothing}
          ${s.lines.map(
            (l) => html`<tr data-test="statement-line" data-kind=${l.kind}>
              <td>${l.label}</td>
              <td class="num">${l.quantity} ${l.unit === 'minor' ? '' : l.unit}</td>
              <td class="num">${l.included}</td>
              <td class="num">${l.billable}</td>
              <td class="num">${l.kind === 'micro_charge_fee' ? `${l.unitPriceMicros / 100} %` : formatMicros(l.unitPriceMicros)}</td>
              <td class="num">${formatMoney(l.amountMinor, s.minorDigits, s.currency)}</td>
            </tr>`,
          )}
        </tbody>
        <tfoot>
          <tr><td colspan="5"><strong>Total</strong></td><td class="num" data-test="statement-total"><strong>${formatMoney(s.totalMinor, s.minorDigits, s.currency)}</strong></td></tr>
          ${s.resellerShareMinor ? html`<tr><td colspan="5" class="muted">of which ${s.resellerName ?? 'reseller'} (${s.resellerShareBps / 100} %)</td><td class="num muted">${formatMoney(s.resellerShareMinor, s.minorDigits, s.currency)}</td></tr>` : nothing}
        </tfoot>
      </table>
    </div>`
  }

  private async issue(): Promise<void> {
    if (!confirm(`Issue the statement for ${this.month}? It cannot be changed afterwards.`)) return
    this.busy = true
    try {
      await issueStatement(this.month)
      await this.load()
    } catch (error) {
      this.error = messageOf(error)
    } finally {
      this.busy = false
    }
  }

  private async reconcile(id: string): Promise<void> {
    try {
      this.checks = { ...this.checks, [id]: (await reconcileStatement(id)).matches }
    } catch (error) {
      this.error = messageOf(error)
    }
  }
}

customElements.define('parley-billing-view', BillingView)

declare global {
  interface HTMLElementTagNameMap {
    'parley-billing-view': BillingView
  }
}
