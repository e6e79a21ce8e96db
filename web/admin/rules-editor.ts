/**
 * `<parley-rules-editor>`: the rules that turn where a visitor is (page URL glob, cart
 * category) into skill hints, with a tester that shows which hints a page and cart produce.
 */
import { LitElement, css, html, nothing } from 'lit'
import { repeat } from 'lit/directives/repeat.js'
import { AdminApiError, createRule, deleteRule, formErrors, type Rule, type Skill } from './admin-api.js'
import { fireRoutingChanged } from './admin-events.js'
import { adminStyles } from './admin-styles.js'
import { checkText, FieldErrors } from './form-checks.js'

/** `*` matches any run of characters; everything else is literal; case-insensitive (the server's `globMatches`). */
export function globMatches(pattern: string, value: string): boolean {
  return new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i').test(value)
}

/** The hints rules give a page and cart: page rules first, then cart rules, one per key (the server's `hintsFor`). */
export function ruleHints(rules: readonly Rule[], pageUrl: string, categories: readonly string[]): { rule: Rule; source: 'page' | 'cart' }[] {
  const hints: { rule: Rule; source: 'page' | 'cart' }[] = []
  const add = (rule: Rule, source: 'page' | 'cart') => {
    if (!hints.some((hint) => hint.rule.skillKey === rule.skillKey)) hints.push({ rule, source })
  }
  for (const rule of rules) if (rule.kind === 'page' && pageUrl && globMatches(rule.pattern, pageUrl)) add(rule, 'page')
  for (const rule of rules) if (rule.kind === 'cart_category' && categories.some((c) => c.toLowerCase() === rule.pattern.toLowerCase())) add(rule, 'cart')
  return hints
}

const KIND_LABEL = { page: 'Page URL', cart_category: 'Cart category' } as const

/**
 * Rules table, add form and tester.
 * @fires routing-changed - after a rule was added or deleted
 */
export class RulesEditor extends LitElement {
  static override properties = {
    rules: { attribute: false },
    skills: { attribute: false },
    kind: { state: true },
    errors: { state: true },
    formError: { state: true },
    saving: { state: true },
    deleting: { state: true },
    status: { state: true },
    testUrl: { state: true },
    testCart: { state: true },
  }

  static override styles = [
    adminStyles,
    css`
      form {
        margin-top: 12px;
        display: grid;
        grid-template-columns: 140px minmax(200px, 1fr) 220px auto;
        gap: 8px;
        align-items: start;
      }
      form button {
        margin-top: 18px;
      }
      td.pattern {
        overflow-wrap: anywhere;
      }
      tr.hit td {
        background: var(--p-ready-soft);
      }
      .tester {
        display: grid;
        grid-template-columns: minmax(0, 1fr) 220px;
        gap: 8px;
        margin-bottom: 8px;
      }
    `,
  ]

  /** The tenant's rules. */
  rules: Rule[] = []
  /** The tenant's skills (a rule hints one of them). */
  skills: Skill[] = []
  private kind: Rule['kind'] = 'page'
  private errors: Record<string, string> = {}
  private formError = ''
  private saving = false
  private deleting = ''
  private status = ''
  private testUrl = ''
  private testCart = ''

  override render() {
    const hints = ruleHints(this.rules, this.testUrl.trim(), this.testCart.split(',').map((c) => c.trim()).filter(Boolean))
    const hit = new Set(hints.map((hint) => hint.rule.id))
    const label = (rule: Rule) => this.skills.find((s) => s.key === rule.skillKey && s.value === rule.skillValue)?.label
    return html`<div class="card">
        <h2>Hint rules</h2>
        <p class="hint">When a visitor asks for help, the page they are on and the categories in their cart become skill hints. Hints steer the request to a matching queue and prefer agents with that skill; relaxation can drop them. Page patterns are URL globs: <code>*</code> matches anything, e.g. <code>*/products/trail-*</code>.</p>
        ${this.rules.length === 0
          ? html`<div class="empty">No rules: requests only carry the browser language as a hint.</div>`
          : html`<table>
              <thead><tr><th>When</th><th>Pattern</th><th>Hint</th><th></th></tr></thead>
              <tbody>
                ${repeat(
                  this.rules,
                  (rule) => rule.id,
                  (rule) => html`<tr data-test="rule-row" data-rule-id=${rule.id} class=${hit.has(rule.id) ? 'hit' : ''}>
                    <td>${KIND_LABEL[rule.kind]}</td>
                    <td class="pattern mono">${rule.pattern}</td>
                    <td><span class="mono">${rule.skillKey}=${rule.skillValue}</span> ${label(rule) ? html`<span class="muted">${label(rule)}</span>` : html`<span class="error">(no such skill)</span>`}</td>
                    <td class="actions">
                      <button type="button" class="danger" data-test="rule-delete" ?disabled=${this.deleting === rule.id} @click=${() => this.removeRule(rule)}>${this.deleting === rule.id ? 'Deleting…' : 'Delete'}</button>
                    </td>
                  </tr>`,
                )}
              </tbody>
            </table>`}
        <form @submit=${this.add} @input=${this.onInput} novalidate>
          <label class="field"><span class="label">When</span>
            <select name="kind" data-test="rule-kind" .value=${this.kind} @change=${(e: Event) => (this.kind = (e.target as HTMLSelectElement).value as Rule['kind'])}>
              <option value="page" ?selected=${this.kind === 'page'}>Page URL</option>
              <option value="cart_category" ?selected=${this.kind === 'cart_category'}>Cart category</option>
            </select>
          </label>
          <label class="field"><span class="label">${this.kind === 'page' ? 'URL pattern' : 'Category'}</span>
            <input name="pattern" data-test="rule-pattern" class="mono" maxlength="500" spellcheck="false" autocomplete="off" placeholder=${this.kind === 'page' ? '*/products/trail-*' : 'bikes'} aria-invalid=${this.errors['pattern'] ? 'true' : 'false'} />
            ${this.fieldError('pattern')}
          </label>
          <label class="field"><span class="label">Hint skill</span>
            <select name="skill" data-test="rule-skill" aria-invalid=${this.errors['skillKey'] ? 'true' : 'false'}>
              <option value="">Choose a skill…</option>
              ${this.skills.map((skill) => html`<option value=${skill.id}>${skill.key}=${skill.value} — ${skill.label}</option>`)}
            </select>
            ${this.fieldError('skillKey')}
          </label>
          <button class="primary" type="submit" data-test="rule-add" ?disabled=${this.saving}>${this.saving ? 'Adding…' : 'Add rule'}</button>
        </form>
        ${this.formError ? html`<div class="form-error" role="alert" data-test="form-error">${this.formError}</div>` : nothing}
        ${this.status ? html`<div class="ok" role="status">${this.status}</div>` : nothing}
      </div>
      <div class="card">
        <h2>Try it</h2>
        <p class="hint">Type a page address and cart categories to see which rules match (highlighted above) and the hints they give.</p>
        <div class="tester">
          <input data-test="rule-test-url" class="mono" placeholder="https://shop.example.com/products/trail-x1" aria-label="Page URL" .value=${this.testUrl} @input=${(e: Event) => (this.testUrl = (e.target as HTMLInputElement).value)} />
          <input data-test="rule-test-cart" placeholder="bikes, accessories" aria-label="Cart categories, comma separated" .value=${this.testCart} @input=${(e: Event) => (this.testCart = (e.target as HTMLInputElement).value)} />
        </div>
        <div data-test="rule-test-result">
          ${!this.testUrl.trim() && !this.testCart.trim()
            ? html`<span class="muted">Nothing to test yet.</span>`
            : hints.length === 0
              ? html`<span class="muted">No rule matches: no hints besides the browser language.</span>`
              : html`Hints: ${hints.map((hint) => html`<span class="chip on">${hint.rule.skillKey}=${hint.rule.skillValue}</span> <span class="muted">(${hint.source})</span> `)}`}
        </div>
      </div>`
  }

  private fieldError(field: string) {
    return this.errors[field] ? html`<span class="field-error" data-test="field-error" data-field=${field}>${this.errors[field]}</span>` : nothing
  }

  private onInput(): void {
    if (Object.keys(this.errors).length) this.errors = {}
    this.formError = ''
    this.status = ''
  }

  private async add(event: SubmitEvent): Promise<void> {
    event.preventDefault()
    if (this.saving) return
    const form = event.currentTarget as HTMLFormElement
    const pattern = form.elements.namedItem('pattern') as HTMLInputElement
    const skillSelect = form.elements.namedItem('skill') as HTMLSelectElement
    const checks = new FieldErrors()
    const text = checks.take('pattern', checkText(pattern.value, 500))
    const skill = this.skills.find((s) => s.id === skillSelect.value)
    if (!skill) checks.add('skillKey', 'choose the skill to hint')
    if (text && skill && this.rules.some((r) => r.kind === this.kind && r.pattern.toLowerCase() === text.toLowerCase() && r.skillKey === skill.key && r.skillValue === skill.value)) {
      checks.add('pattern', 'this rule exists already')
    }
    this.errors = checks.fields
    this.formError = ''
    if (!checks.ok || !text || !skill) {
      ;(checks.fields['pattern'] ? pattern : skillSelect).focus()
      return
    }
    this.saving = true
    try {
      const rule = await createRule({ kind: this.kind, pattern: text, skillKey: skill.key, skillValue: skill.value })
      pattern.value = ''
      this.status = `Added: ${KIND_LABEL[rule.kind]} ${rule.pattern} → ${rule.skillKey}=${rule.skillValue}.`
      fireRoutingChanged(this, 'rules')
    } catch (error) {
      const { fields, form: message } = formErrors(error, ['pattern', 'skillKey', 'skillValue', 'kind'])
      if (fields['skillValue']) fields['skillKey'] ??= fields['skillValue']
      this.errors = fields
      this.formError = message || 'Not saved: fix the highlighted fields.'
      if (error instanceof AdminApiError && error.status >= 400 && error.status < 500) fireRoutingChanged(this, 'rules')
    } finally {
      this.saving = false
    }
  }

  private async removeRule(rule: Rule): Promise<void> {
    this.status = ''
    this.formError = ''
    if (!confirm(`Delete the rule "${KIND_LABEL[rule.kind]} ${rule.pattern} → ${rule.skillKey}=${rule.skillValue}"?`)) return
    this.deleting = rule.id
    try {
      await deleteRule(rule.id)
      this.status = 'Rule deleted.'
      fireRoutingChanged(this, 'rules')
    } catch (error) {
      this.formError = `Could not delete the rule: ${error instanceof Error ? error.message : String(error)}`
    } finally {
      this.deleting = ''
    }
  }
}

customElements.define('parley-rules-editor', RulesEditor)

declare global {
  interface HTMLElementTagNameMap {
    'parley-rules-editor': RulesEditor
  }
}
