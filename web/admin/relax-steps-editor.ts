/**
 * `<parley-relax-steps>`: a queue's relaxation steps as editable rows,
 * "after N s: drop hints / min proficiency M / drop keys …", plus the conversions between
 * the rows' text and the API's `RelaxStep` with the server's limits.
 */
import { LitElement, css, html, nothing } from 'lit'
import type { RelaxStep } from './admin-api.js'
import { adminStyles } from './admin-styles.js'
import { checkInt, checkToken, type FieldErrors } from './form-checks.js'

/** One step as the form holds it (text of the inputs). */
export interface StepDraft {
  afterSec: string
  dropSoft: boolean
  /** '' = leave the minimum proficiency alone */
  minProficiency: string
  /** keys separated by commas or spaces */
  dropKeys: string
}

/** Most steps a queue may have (server limit). */
export const MAX_STEPS = 10

/** Rows for the stored steps. */
export function toDrafts(steps: readonly RelaxStep[]): StepDraft[] {
  return steps.map((step) => ({
    afterSec: String(step.afterSec),
    dropSoft: step.dropSoft ?? false,
    minProficiency: step.minProficiency === undefined ? '' : String(step.minProficiency),
    dropKeys: (step.dropKeys ?? []).join(', '),
  }))
}

/** The keys typed in a row, lowercased. */
export function splitKeys(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((key) => key.trim().toLowerCase())
    .filter(Boolean)
}

/**
 * Steps for the API; records messages under `relaxSteps.<i>.<field>` for rows that break
 * the server's limits. With `checks` null, invalid rows are skipped silently (live preview).
 */
export function readSteps(drafts: readonly StepDraft[], checks: FieldErrors | null): RelaxStep[] {
  const steps: RelaxStep[] = []
  drafts.forEach((draft, index) => {
    const at = `relaxSteps.${index}`
    const afterSec = checkInt(draft.afterSec, 1, 86_400)
    if (!afterSec.ok) return void checks?.add(`${at}.afterSec`, afterSec.error)
    const step: RelaxStep = { afterSec: afterSec.value }
    if (draft.dropSoft) step.dropSoft = true
    if (draft.minProficiency !== '') {
      const min = checkInt(draft.minProficiency, 1, 5)
      if (!min.ok) return void checks?.add(`${at}.minProficiency`, min.error)
      step.minProficiency = min.value
    }
    const keys = splitKeys(draft.dropKeys)
    if (keys.length > 20) return void checks?.add(`${at}.dropKeys`, 'at most 20 keys')
    for (const key of keys) {
      const token = checkToken(key)
      if (!token.ok) return void checks?.add(`${at}.dropKeys`, `"${key}": ${token.error}`)
    }
    if (keys.length > 0) step.dropKeys = [...new Set(keys)]
    steps.push(step)
  })
  if (drafts.length > MAX_STEPS) checks?.add('relaxSteps', `at most ${MAX_STEPS} steps`)
  return steps
}

/** Detail of `steps-change`. */
export interface StepsChangeDetail {
  steps: StepDraft[]
}

/**
 * Relaxation step rows.
 * @fires steps-change - with the rows after any edit
 */
export class RelaxStepsEditor extends LitElement {
  static override properties = {
    steps: { attribute: false },
    errors: { attribute: false },
    keys: { attribute: false },
  }

  static override styles = [
    adminStyles,
    css`
      .step {
        display: flex;
        gap: 8px 10px;
        align-items: center;
        flex-wrap: wrap;
        padding: 6px 0;
        border-bottom: 1px solid var(--p-border-soft);
      }
      .step input.sec {
        width: 62px;
      }
      .step input.keys {
        width: 120px;
      }
      .step .remove {
        color: var(--p-text-muted);
        padding: 0 4px;
      }
      .step .n {
        font-weight: 600;
        color: var(--p-text-muted);
        width: 18px;
      }
      .errors {
        flex-basis: 100%;
        padding-left: 28px;
      }
      .add {
        margin-top: 6px;
      }
    `,
  ]

  /** The rows. */
  steps: StepDraft[] = []
  /** Messages by path (`relaxSteps.<i>.<field>`). */
  errors: Record<string, string> = {}
  /** Keys worth suggesting for "drop keys" (the requirement's and the skills'). */
  keys: string[] = []

  override render() {
    return html`${this.steps.length === 0 ? html`<div class="muted">No relaxation: the requirement holds for the whole wait.</div>` : nothing}
      ${this.steps.map((step, index) => {
        const error = (field: string) => this.errors[`relaxSteps.${index}.${field}`] ?? (field === 'afterSec' ? this.errors[`relaxSteps.${index}`] : undefined)
        const messages = ['afterSec', 'minProficiency', 'dropKeys'].map(error).filter(Boolean)
        return html`<div class="step" data-test="relax-step">
          <span class="n">${index + 1}.</span>
          <label class="check">After
            <input class="sec" type="number" min="1" max="86400" data-test="relax-after" aria-label="After seconds" aria-invalid=${error('afterSec') ? 'true' : 'false'} .value=${step.afterSec} @input=${(e: Event) => this.patch(index, { afterSec: value(e) })} /> s:
          </label>
          <label class="check" title="Drop the skills hinted by the page, cart or browser language">
            <input type="checkbox" data-test="relax-drop-soft" .checked=${step.dropSoft} @change=${(e: Event) => this.patch(index, { dropSoft: (e.target as HTMLInputElement).checked })} /> drop hints
          </label>
          <label class="check" title="Lower the minimum proficiency the requirement asks for">min proficiency
            <select data-test="relax-min-proficiency" aria-invalid=${error('minProficiency') ? 'true' : 'false'} .value=${step.minProficiency} @change=${(e: Event) => this.patch(index, { minProficiency: value(e) })}>
              <option value="" ?selected=${step.minProficiency === ''}>keep</option>
              ${[1, 2, 3, 4, 5].map((level) => html`<option value=${level} ?selected=${step.minProficiency === String(level)}>${level}</option>`)}
            </select>
          </label>
          <label class="check" title="Stop requiring these skill keys (comma separated)">drop keys
            <input class="keys mono" data-test="relax-drop-keys" list="relax-keys" placeholder="language" spellcheck="false" aria-invalid=${error('dropKeys') ? 'true' : 'false'} .value=${step.dropKeys} @input=${(e: Event) => this.patch(index, { dropKeys: value(e) })} />
          </label>
          <button type="button" class="link remove" data-test="relax-remove" title="Remove this step" aria-label=${`Remove step ${index + 1}`} @click=${() => this.emit(this.steps.filter((_, i) => i !== index))}>✕</button>
          ${messages.length ? html`<div class="errors field-error">${messages.join(' · ')}</div>` : nothing}
        </div>`
      })}
      <datalist id="relax-keys">${this.keys.map((key) => html`<option value=${key}></option>`)}</datalist>
      ${this.errors['relaxSteps'] ? html`<div class="field-error">${this.errors['relaxSteps']}</div>` : nothing}
      <button type="button" class="add" data-test="relax-add" ?disabled=${this.steps.length >= MAX_STEPS} @click=${this.addStep}>Add step</button>`
  }

  private addStep(): void {
    const last = Number(this.steps.at(-1)?.afterSec) || 0
    this.emit([...this.steps, { afterSec: String(last > 0 ? last + 60 : 60), dropSoft: this.steps.length === 0, minProficiency: '', dropKeys: '' }])
  }

  private patch(index: number, change: Partial<StepDraft>): void {
    this.emit(this.steps.map((step, i) => (i === index ? { ...step, ...change } : step)))
  }

  private emit(steps: StepDraft[]): void {
    this.steps = steps
    this.dispatchEvent(new CustomEvent<StepsChangeDetail>('steps-change', { detail: { steps } }))
  }
}

const value = (event: Event) => (event.target as HTMLInputElement | HTMLSelectElement).value

customElements.define('parley-relax-steps', RelaxStepsEditor)

declare global {
  interface HTMLElementTagNameMap {
    'parley-relax-steps': RelaxStepsEditor
  }
  interface HTMLElementEventMap {
    'steps-change': CustomEvent<StepsChangeDetail>
  }
}
