/**
 * `<parley-offer-rules-editor>`: the tenant's proactive-offer rules with what each did in the
 * last 30 days (shown, accepted, declined, ignored, withdrawn, orders after accepting), on/off
 * at a click, and the rule form for adding and editing. Registers itself as the admin
 * console's "Proactive offers" section.
 */
import { LitElement, css, html, nothing } from 'lit'
import { formErrors } from './admin-api.js'
import { registerAdminSection } from './admin-sections.js'
import { adminStyles } from './admin-styles.js'
import { messageOf } from './api-request.js'
import { RULE_FIELDS } from './offer-rule-form.js'
import { blankRule, createOfferRule, deleteOfferRule, fetchOfferRules, fetchOfferStats, toInput, updateOfferRule, type OfferRule, type OfferRuleInput, type OfferRulesData, type RuleFigures } from './offer-rules-api.js'
import './offer-rule-form.js'

/** One line about when a rule fires. */
export function describeRule(rule: OfferRuleInput): string {
  const c = rule.conditions
  const parts: string[] = []
  if (c.minCartValue !== null) parts.push(`cart ≥ ${c.minCartValue}`)
  if (c.maxCartValue !== null) parts.push(`cart ≤ ${c.maxCartValue}`)
  if (c.minItems !== null) parts.push(`${c.minItems}+ items`)
  if (c.categories.length) parts.push(c.categories.join('/'))
  if (c.skus.length) parts.push(c.skus.join('/'))
  if (c.checkoutSteps.length) parts.push(`at ${c.checkoutSteps.join(' or ')}`)
  if (c.idleSec !== null) parts.push(`idle ${c.idleSec} s`)
  if (c.paymentFailed === 'yes') parts.push('after a failed payment')
  if (c.visitor !== 'any') parts.push(`${c.visitor} shoppers`)
  if (c.minMargin) parts.push(`margin ≥ ${c.minMargin}`)
  if (c.pageUrl) parts.push(c.pageUrl)
  return parts.join(' · ') || 'any cart'
}

export class OfferRulesEditor extends LitElement {
  static override properties = {
    data: { state: true },
    figures: { state: true },
    editing: { state: true },
    errors: { state: true },
    formError: { state: true },
    busy: { state: true },
    listError: { state: true },
  }

  static override styles = [
    adminStyles,
    css`
      td.when {
        max-width: 340px;
        color: var(--p-text-muted);
        font-size: 12px;
      }
      .head {
        display: flex;
        justify-content: space-between;
        align-items: center;
        margin-bottom: 8px;
      }
      h2 {
        margin: 0;
        font-size: 15px;
      }
    `,
  ]

  private data: OfferRulesData | null = null
  private figures = new Map<string, RuleFigures>()
  /** the rule in the form: a new one (id null) or an existing one */
  private editing: { id: string | null; rule: OfferRuleInput } | null = null
  private errors: Record<string, string> = {}
  private formError = ''
  private busy = false
  private listError = ''

  override connectedCallback(): void {
    super.connectedCallback()
    void this.load()
  }

  private async load(): Promise<void> {
    try {
      const [data, stats] = await Promise.all([fetchOfferRules(), fetchOfferStats()])
      this.data = data
      this.figures = new Map(stats.rules.filter((r) => r.ruleId).map((r) => [r.ruleId!, r]))
      this.listError = ''
    } catch (error) {
      this.listError = messageOf(error)
    }
  }

  override render() {
    const data = this.data
    return html`
      ${this.listError ? html`<div class="form-error" role="alert">${this.listError}</div>` : nothing}
      <div class="card">
        <div class="head">
          <h2>Rules</h2>
          <button class="primary" data-test="offer-rule-add" ?disabled=${!data || this.editing !== null} @click=${() => this.edit(null, blankRule())}>Add rule</button>
        </div>
        <p class="hint">When a cart looks stuck, Parley offers the shopper a conversation — only when an agent with the queue’s skills is free (held for the offer) or the wait is short. The first matching rule wins.</p>
        ${!data
          ? html`<div class="empty">Loading…</div>`
          : data.rules.length === 0
            ? html`<div class="empty">No rules yet: no proactive offers are made.</div>`
            : html`<table>
                <thead>
                  <tr><th>On</th><th>Rule</th><th>When</th><th class="num">Shown</th><th class="num">Accepted</th><th class="num">Declined</th><th class="num">Ignored</th><th class="num">Orders</th><th></th></tr>
                </thead>
                <tbody>
                  ${data.rules.map((rule) => this.renderRow(rule))}
                </tbody>
              </table>
              <p class="muted">Figures of the last 30 days. Withdrawn offers (the held agent left) are not counted against the caps.</p>`}
      </div>
      ${this.editing && data
        ? html`<parley-offer-rule-form
            .rule=${this.editing.rule}
            .info=${data}
            .errors=${this.errors}
            .formError=${this.formError}
            ?busy=${this.busy}
            @offer-rule-save=${(e: CustomEvent<OfferRuleInput>) => void this.save(e.detail)}
            @offer-rule-cancel=${() => (this.editing = null)}
          ></parley-offer-rule-form>`
        : nothing}
    `
  }

  private renderRow(rule: OfferRule) {
    const f = this.figures.get(rule.id)
    return html`<tr data-test="offer-rule-row" data-rule=${rule.name}>
      <td><input type="checkbox" aria-label="Enabled" data-test="offer-rule-enabled" .checked=${rule.enabled} ?disabled=${this.busy} @change=${(e: Event) => void this.toggle(rule, (e.target as HTMLInputElement).checked)} /></td>
      <td><strong>${rule.name}</strong><div class="muted">${rule.offer.modes.join(', ')}${rule.offer.charge.mode !== 'off' ? ' · billable' : ''}</div></td>
      <td class="when">${describeRule(rule)}</td>
      <td class="num">${f?.shown ?? 0}</td>
      <td class="num">${f?.accepted ?? 0}${f?.acceptRate !== null && f?.acceptRate !== undefined ? html` <span class="muted">(${f.acceptRate}%)</span>` : nothing}</td>
      <td class="num">${f?.declined ?? 0}</td>
      <td class="num">${f?.ignored ?? 0}</td>
      <td class="num">${f?.ordered ?? 0}</td>
      <td class="actions">
        <button class="link" data-test="offer-rule-edit" @click=${() => this.edit(rule.id, rule)}>Edit</button>
        <button class="link" data-test="offer-rule-delete" ?disabled=${this.busy} @click=${() => void this.removeRule(rule)}>Delete</button>
      </td>
    </tr>`
  }

  private edit(id: string | null, rule: OfferRuleInput): void {
    this.editing = { id, rule: toInput(rule) }
    this.errors = {}
    this.formError = ''
  }

  private async save(rule: OfferRuleInput): Promise<void> {
    if (!this.editing) return
    this.busy = true
    try {
      if (this.editing.id) await updateOfferRule(this.editing.id, rule)
      else await createOfferRule(rule)
      this.editing = null
      await this.load()
    } catch (error) {
      const { fields, form } = formErrors(error, RULE_FIELDS)
      this.errors = fields
      this.formError = form
      this.editing = { ...this.editing!, rule }
    } finally {
      this.busy = false
    }
  }

  private async toggle(rule: OfferRule, enabled: boolean): Promise<void> {
    this.busy = true
    try {
      await updateOfferRule(rule.id, { ...toInput(rule), enabled })
      await this.load()
    } catch (error) {
      this.listError = messageOf(error)
    } finally {
      this.busy = false
    }
  }

  private async removeRule(rule: OfferRule): Promise<void> {
    if (!confirm(`Delete the rule “${rule.name}”? Its figures stay in the reports.`)) return
    this.busy = true
    try {
      await deleteOfferRule(rule.id)
      await this.load()
    } catch (error) {
      this.listError = messageOf(error)
    } finally {
      this.busy = false
    }
  }
}

customElements.define('parley-offer-rules-editor', OfferRulesEditor)

declare global {
  interface HTMLElementTagNameMap {
    'parley-offer-rules-editor': OfferRulesEditor
  }
}

registerAdminSection({
  id: 'offers',
  label: 'Proactive offers',
  order: 45,
  description: 'Offer shoppers a conversation when their cart looks stuck: conditions, caps, quiet hours, ways to talk and prices.',
  render: () => html`<parley-offer-rules-editor></parley-offer-rules-editor>`,
})
