/**
 * `<parley-offer-rule-form>`: one proactive-offer rule — when (cart value, items, categories,
 * checkout step, inactivity, failed payment, returning visitor, page, margin), how often
 * (caps, quiet hours) and what to offer (message, ways to talk, queue, wait threshold,
 * lifetime, a price for the shopper). The server validates; its field errors come back in
 * `errors` keyed by path (`conditions.idleSec`).
 *
 * @fires offer-rule-save - CustomEvent<OfferRuleInput>: the admin saves the rule
 * @fires offer-rule-cancel - the admin closes the form without saving
 */
import { LitElement, css, html, nothing } from 'lit'
import type { ContactMode } from '../protocol/cart.js'
import { adminStyles } from './admin-styles.js'
import type { OfferRuleInput, OfferRulesData } from './offer-rules-api.js'

/** Every field path the form shows (for formErrors). */
export const RULE_FIELDS = [
  'name', 'priority', 'conditions.minCartValue', 'conditions.maxCartValue', 'conditions.minItems', 'conditions.categories', 'conditions.skus', 'conditions.checkoutSteps', 'conditions.idleSec', 'conditions.pageUrl',
  'caps.perVisitorPerDay', 'caps.perDay', 'caps.afterDeclineHours', 'quietHours.from', 'quietHours.to', 'offer.message', 'offer.modes', 'offer.queue', 'offer.maxWaitSec', 'offer.lifetimeSec', 'offer.charge.amountMinor',
] as const

const MODE_LABELS: Record<ContactMode, string> = { chat: 'Chat', voice: 'Voice call in the browser', phone: 'Phone call to the shopper' }

/** Digits after the point in `currency` (EUR 2, JPY 0). */
function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  } catch {
    return 2
  }
}

const list = (text: string) => text.split(',').map((part) => part.trim()).filter(Boolean)
/** '' -> null, else the number (NaN goes to the server, which names the field) */
const numberOrNull = (text: string) => (text.trim() === '' ? null : Number(text))

export class OfferRuleForm extends LitElement {
  static override properties = {
    rule: { attribute: false },
    info: { attribute: false },
    errors: { attribute: false },
    formError: { attribute: false },
    busy: { type: Boolean },
    draft: { state: true },
  }

  static override styles = [
    adminStyles,
    css`
      fieldset {
        border: 1px solid var(--p-border-soft);
        border-radius: 8px;
        margin: 0 0 12px;
        padding: 8px 12px 12px;
      }
      legend {
        font-weight: 600;
        padding: 0 4px;
      }
      .grid {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(170px, 1fr));
        gap: 8px 12px;
      }
      .wide {
        grid-column: 1 / -1;
      }
    `,
  ]

  /** the rule to edit (a blank one for a new rule) */
  rule: OfferRuleInput | null = null
  /** queues, capabilities and currency from the list call */
  info: Pick<OfferRulesData, 'queues' | 'capabilities' | 'currency'> | null = null
  errors: Record<string, string> = {}
  formError = ''
  busy = false
  private draft: Record<string, string> = {}
  private modes: ContactMode[] = []
  private flags = { enabled: true, quiet: false }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('rule') && this.rule) this.load(this.rule)
  }

  private load(rule: OfferRuleInput): void {
    const c = rule.conditions
    const text = (value: number | null) => (value === null ? '' : String(value))
    const digits = minorDigits(this.info?.currency ?? 'EUR')
    this.modes = [...rule.offer.modes]
    this.flags = { enabled: rule.enabled, quiet: rule.quietHours !== null }
    this.draft = {
      name: rule.name,
      priority: String(rule.priority),
      minCartValue: text(c.minCartValue),
      maxCartValue: text(c.maxCartValue),
      minItems: text(c.minItems),
      categories: c.categories.join(', '),
      skus: c.skus.join(', '),
      checkoutSteps: c.checkoutSteps.join(', '),
      idleSec: text(c.idleSec),
      paymentFailed: c.paymentFailed,
      visitor: c.visitor,
      pageUrl: c.pageUrl ?? '',
      minMargin: c.minMargin ?? '',
      perVisitorPerDay: String(rule.caps.perVisitorPerDay),
      perDay: text(rule.caps.perDay),
      afterDeclineHours: String(rule.caps.afterDeclineHours),
      quietFrom: rule.quietHours?.from ?? '21:00',
      quietTo: rule.quietHours?.to ?? '08:00',
      message: rule.offer.message,
      queue: rule.offer.queue ?? '',
      maxWaitSec: String(rule.offer.maxWaitSec),
      lifetimeSec: String(rule.offer.lifetimeSec),
      chargeMode: rule.offer.charge.mode,
      amount: rule.offer.charge.amountMinor ? (rule.offer.charge.amountMinor / 10 ** digits).toFixed(digits) : '',
    }
  }

  /** The rule as the API takes it. */
  private value(): OfferRuleInput {
    const d = this.draft
    const digits = minorDigits(this.info?.currency ?? 'EUR')
    const amount = Number((d.amount ?? '').replace(',', '.'))
    return {
      name: d.name!,
      enabled: this.flags.enabled,
      priority: Number(d.priority),
      conditions: {
        minCartValue: numberOrNull(d.minCartValue!),
        maxCartValue: numberOrNull(d.maxCartValue!),
        minItems: numberOrNull(d.minItems!),
        categories: list(d.categories!),
        skus: list(d.skus!),
        checkoutSteps: list(d.checkoutSteps!).map((step) => step.toLowerCase()),
        idleSec: numberOrNull(d.idleSec!),
        paymentFailed: d.paymentFailed as OfferRuleInput['conditions']['paymentFailed'],
        visitor: d.visitor as OfferRuleInput['conditions']['visitor'],
        pageUrl: d.pageUrl!.trim() || null,
        minMargin: (d.minMargin || null) as OfferRuleInput['conditions']['minMargin'],
      },
      caps: { perVisitorPerDay: Number(d.perVisitorPerDay), perDay: numberOrNull(d.perDay!), afterDeclineHours: Number(d.afterDeclineHours) },
      quietHours: this.flags.quiet ? { from: d.quietFrom!, to: d.quietTo! } : null,
      offer: {
        message: d.message!,
        modes: this.modes,
        queue: d.queue || null,
        maxWaitSec: Number(d.maxWaitSec),
        lifetimeSec: Number(d.lifetimeSec),
        charge: { mode: d.chargeMode as OfferRuleInput['offer']['charge']['mode'], amountMinor: d.chargeMode === 'off' ? 0 : Math.round(amount * 10 ** digits) },
      },
    }
  }

  private input(key: string, label: string, path: string, attrs: { type?: string; placeholder?: string; wide?: boolean; hint?: string } = {}) {
    const error = this.errors[path]
    return html`<label class="field ${attrs.wide ? 'wide' : ''}"
      ><span class="label">${label}</span>
      <input
        data-field=${key}
        type=${attrs.type ?? 'text'}
        placeholder=${attrs.placeholder ?? ''}
        .value=${this.draft[key] ?? ''}
        aria-invalid=${error ? 'true' : 'false'}
        @input=${(e: Event) => (this.draft = { ...this.draft, [key]: (e.target as HTMLInputElement).value })}
      />
      ${error ? html`<span class="field-error" data-error=${path}>${error}</span>` : attrs.hint ? html`<span class="muted">${attrs.hint}</span>` : nothing}
    </label>`
  }

  private select(key: string, label: string, options: [string, string][]) {
    return html`<label class="field"
      ><span class="label">${label}</span>
      <select data-field=${key} .value=${this.draft[key] ?? ''} @change=${(e: Event) => (this.draft = { ...this.draft, [key]: (e.target as HTMLSelectElement).value })}>
        ${options.map(([value, text]) => html`<option value=${value} ?selected=${this.draft[key] === value}>${text}</option>`)}
      </select></label
    >`
  }

  override render() {
    if (!this.rule) return nothing
    const info = this.info
    const can = (mode: ContactMode) => mode === 'chat' || (mode === 'voice' ? info?.capabilities.voice : info?.capabilities.phone)
    return html`<form class="card" novalidate data-test="offer-rule-form" @submit=${this.save}>
      <div class="grid">
        ${this.input('name', 'Name', 'name', { placeholder: 'Stuck at checkout', wide: true })} ${this.input('priority', 'Priority (lower first)', 'priority', { type: 'number' })}
        <label class="check"><input type="checkbox" data-field="enabled" .checked=${this.flags.enabled} @change=${(e: Event) => (this.flags = { ...this.flags, enabled: (e.target as HTMLInputElement).checked })} /> Enabled</label>
      </div>
      <fieldset>
        <legend>When</legend>
        <div class="grid">
          ${this.input('minCartValue', 'Cart value at least', 'conditions.minCartValue', { type: 'number', hint: 'merchant interest' })} ${this.input('maxCartValue', 'Cart value at most', 'conditions.maxCartValue', { type: 'number' })}
          ${this.input('minItems', 'Items at least', 'conditions.minItems', { type: 'number' })} ${this.input('idleSec', 'Idle for (seconds)', 'conditions.idleSec', { type: 'number', hint: 'empty: at the cart event' })}
          ${this.input('categories', 'Categories (any of)', 'conditions.categories', { placeholder: 'bikes, e-bikes' })} ${this.input('skus', 'Products (any of)', 'conditions.skus', { placeholder: 'trail-x1' })}
          ${this.input('checkoutSteps', 'Checkout steps (any of)', 'conditions.checkoutSteps', { placeholder: 'checkout, payment' })}
          ${this.select('paymentFailed', 'Failed payment', [['any', 'Either way'], ['yes', 'Only after one'], ['no', 'Never after one']])}
          ${this.select('visitor', 'Shopper', [['any', 'Anyone'], ['returning', 'Returning'], ['new', 'First visit']])}
          ${this.select('minMargin', 'Margin at least', [['', 'Any margin'], ['low', 'Low'], ['medium', 'Medium'], ['high', 'High']])}
          ${this.input('pageUrl', 'Page URL (* for anything)', 'conditions.pageUrl', { placeholder: 'https://shop.example/checkout*', wide: true })}
        </div>
      </fieldset>
      <fieldset>
        <legend>How often</legend>
        <div class="grid">
          ${this.input('perVisitorPerDay', 'Per shopper and 24 h', 'caps.perVisitorPerDay', { type: 'number' })} ${this.input('perDay', 'In total per day', 'caps.perDay', { type: 'number', hint: 'empty: no cap' })}
          ${this.input('afterDeclineHours', 'Quiet after a “no” (hours)', 'caps.afterDeclineHours', { type: 'number' })}
          <label class="check"><input type="checkbox" data-field="quiet" .checked=${this.flags.quiet} @change=${(e: Event) => (this.flags = { ...this.flags, quiet: (e.target as HTMLInputElement).checked })} /> Quiet hours (tenant time)</label>
          ${this.flags.quiet ? html`${this.input('quietFrom', 'From', 'quietHours.from', { type: 'time' })} ${this.input('quietTo', 'To', 'quietHours.to', { type: 'time' })}` : nothing}
        </div>
      </fieldset>
      <fieldset>
        <legend>Offer</legend>
        <div class="grid">
          ${this.input('message', 'Message to the shopper', 'offer.message', { wide: true })}
          <div class="field wide">
            <span class="label">Ways to talk (the shopper picks; their last choice comes first)</span>
            <div class="row">
              ${(['chat', 'voice', 'phone'] as const).map(
                (mode) => html`<label class="check"
                  ><input type="checkbox" data-mode=${mode} .checked=${this.modes.includes(mode)} @change=${(e: Event) => this.toggleMode(mode, (e.target as HTMLInputElement).checked)} /> ${MODE_LABELS[mode]}${can(mode) ? nothing : html` <span class="muted">(not available now)</span>`}</label
                >`,
              )}
            </div>
            ${this.errors['offer.modes'] ? html`<span class="field-error" data-error="offer.modes">${this.errors['offer.modes']}</span>` : nothing}
          </div>
          ${this.select('queue', 'Agent skills from queue', [['', 'Default queue'], ...(info?.queues ?? []).map((q): [string, string] => [q.slug, q.name])])}
          ${this.input('maxWaitSec', 'Or a wait up to (s)', 'offer.maxWaitSec', { type: 'number', hint: '0: only with a free agent' })}
          ${this.input('lifetimeSec', 'Offer stands for (s)', 'offer.lifetimeSec', { type: 'number', hint: 'the agent is held meanwhile' })}
          ${this.select('chargeMode', 'Shopper pays', [['off', 'Nothing'], ['per_call', 'Per call'], ['per_minute', 'Per minute']])}
          ${this.draft.chargeMode !== 'off' ? this.input('amount', `Price (${info?.currency ?? 'EUR'})`, 'offer.charge.amountMinor', { placeholder: '4.90' }) : nothing}
        </div>
      </fieldset>
      ${this.formError ? html`<div class="form-error" role="alert" data-test="form-error">${this.formError}</div>` : nothing}
      <div class="row end">
        <button type="submit" class="primary" data-test="offer-rule-save" ?disabled=${this.busy}>${this.busy ? 'Saving…' : 'Save rule'}</button>
        <button type="button" @click=${() => this.dispatchEvent(new CustomEvent('offer-rule-cancel', { bubbles: true, composed: true }))}>Cancel</button>
      </div>
    </form>`
  }

  private toggleMode(mode: ContactMode, on: boolean): void {
    const next = on ? [...this.modes, mode] : this.modes.filter((m) => m !== mode)
    this.modes = (['chat', 'voice', 'phone'] as const).filter((m) => next.includes(m))
    this.requestUpdate()
  }

  private save(event: Event): void {
    event.preventDefault()
    this.dispatchEvent(new CustomEvent<OfferRuleInput>('offer-rule-save', { detail: this.value(), bubbles: true, composed: true }))
  }
}

customElements.define('parley-offer-rule-form', OfferRuleForm)

declare global {
  interface HTMLElementTagNameMap {
    'parley-offer-rule-form': OfferRuleForm
  }
}
