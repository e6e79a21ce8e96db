/**
 * `<parley-queue-form>`: create or edit one queue. The requirement field parses as you
 * type (the server's grammar, see `requirement.ts`), offers the tenant's skills as chips
 * and previews who qualifies, before and after each relaxation step.
 */
import { LitElement, css, html, nothing } from 'lit'
import { AdminApiError, formErrors, saveQueue, type AdminAgent, type Queue, type QueueInput, type Skill } from './admin-api.js'
import { fireRoutingChanged } from './admin-events.js'
import { adminStyles } from './admin-styles.js'
import { checkInt, checkText, checkToken, FieldErrors } from './form-checks.js'
import './qualified-preview.js'
import './relax-steps-editor.js'
import { readSteps, toDrafts, type StepDraft } from './relax-steps-editor.js'
import { addToRequirement, parseRequirement, unknownSkills, type RequirementResult } from './requirement.js'

/** The form's text, as typed. */
interface QueueDraft {
  slug: string
  name: string
  requirement: string
  priority: string
  maxWaitSec: string
  sortOrder: string
  isPublic: boolean
  isDefault: boolean
  steps: StepDraft[]
}

/** Detail of `queue-saved`. */
export interface QueueSavedDetail {
  queue: Queue
}

/** Fired after a successful save. */
export type QueueSavedEvent = CustomEvent<QueueSavedDetail>

const FIELDS = ['slug', 'name', 'requirement', 'priority', 'maxWaitSec', 'sortOrder', 'isPublic', 'isDefault', 'relaxSteps']
const LABELS: Record<string, string> = { slug: 'Slug', name: 'Name', requirement: 'Requirement', priority: 'Priority', maxWaitSec: 'Max wait', sortOrder: 'Order', relaxSteps: 'Relaxation' }

const toDraft = (queue: Queue | null, order: number): QueueDraft =>
  queue
    ? { ...queue, priority: String(queue.priority), maxWaitSec: String(queue.maxWaitSec), sortOrder: String(queue.sortOrder), steps: toDrafts(queue.relaxSteps) }
    : { slug: '', name: '', requirement: '*', priority: '0', maxWaitSec: '300', sortOrder: String(order), isPublic: true, isDefault: false, steps: [] }

/** "Choosing a bike!" → "choosing-a-bike". */
const slugify = (name: string) =>
  name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)

/**
 * The queue form.
 * @fires queue-saved - after a save, with the stored queue
 * @fires queue-cancel - when the admin closes the form
 * @fires routing-changed - after a save
 */
export class QueueForm extends LitElement {
  static override properties = {
    queue: { attribute: false },
    skills: { attribute: false },
    agents: { attribute: false },
    queues: { attribute: false },
    draft: { state: true },
    errors: { state: true },
    formError: { state: true },
    saving: { state: true },
  }

  static override styles = [
    adminStyles,
    css`
      .layout {
        display: grid;
        grid-template-columns: minmax(0, 1fr) 240px;
        gap: 16px;
        align-items: start;
      }
      .grid {
        display: grid;
        grid-template-columns: repeat(4, minmax(0, 1fr));
        gap: 10px 12px;
      }
      .wide {
        grid-column: 1 / -1;
      }
      .half {
        grid-column: span 2;
      }
      .chips {
        display: flex;
        flex-wrap: wrap;
        gap: 4px 6px;
        align-items: center;
        font-size: 12px;
      }
      .chips .key {
        color: var(--p-text-muted);
        margin-left: 6px;
      }
      .parse {
        font-size: 12px;
      }
      fieldset {
        border: none;
        margin: 12px 0 0;
        padding: 0;
      }
      legend {
        font-size: 11px;
        font-weight: 600;
        color: var(--p-text-muted);
        padding: 0;
        margin-bottom: 2px;
      }
      .buttons {
        display: flex;
        gap: 8px;
        margin-top: 14px;
        align-items: center;
      }
    `,
  ]

  /** The queue being edited; null for a new one. */
  queue: Queue | null = null
  /** The tenant's skills. */
  skills: Skill[] = []
  /** The tenant's agents. */
  agents: AdminAgent[] = []
  /** All queues (for slug clashes and the default). */
  queues: Queue[] = []
  private draft: QueueDraft = toDraft(null, 0)
  private errors: Record<string, string> = {}
  private formError = ''
  private saving = false
  private slugEdited = false

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('queue')) {
      const before = changed.get('queue') as Queue | null | undefined
      // NOTE: a reload after another section saved must not wipe what is being typed
      if (before === undefined || before?.id !== this.queue?.id || !this.dirty(before)) {
        this.draft = toDraft(this.queue, Math.max(0, ...this.queues.map((q) => q.sortOrder + 1)))
        this.errors = {}
        this.formError = ''
        this.slugEdited = this.queue !== null
      }
    }
  }

  private dirty(against: Queue | null | undefined): boolean {
    return JSON.stringify(this.draft) !== JSON.stringify(toDraft(against ?? null, Number(this.draft.sortOrder)))
  }

  override render() {
    const d = this.draft
    const parsed = parseRequirement(d.requirement)
    const unknown = parsed.ok ? unknownSkills(parsed.requirement, this.skills) : []
    const keys = [...new Set(this.skills.map((skill) => skill.key))]
    const wasDefault = this.queue?.isDefault ?? false
    return html`<form class="card" @submit=${this.save} novalidate>
      <h2>${this.queue ? `Edit ${this.queue.name}` : 'New queue'}</h2>
      <div class="layout">
        <div>
          <div class="grid">
            <label class="field half"><span class="label">Name</span>
              <input data-test="queue-name" maxlength="80" .value=${d.name} aria-invalid=${this.invalid('name')} @input=${(e: Event) => this.setName(value(e))} />${this.fieldError('name')}
            </label>
            <label class="field half"><span class="label">Slug (topic id in the widget)</span>
              <input data-test="queue-slug" class="mono" spellcheck="false" .value=${d.slug} aria-invalid=${this.invalid('slug')} @input=${(e: Event) => ((this.slugEdited = true), this.set({ slug: value(e) }, 'slug'))} />${this.fieldError('slug')}
            </label>
            <label class="field wide"><span class="label">Requirement</span>
              <input data-test="queue-requirement" class="mono" spellcheck="false" autocomplete="off" placeholder="language=de AND product=bikes|ebikes, proficiency>=3" .value=${d.requirement} aria-invalid=${this.invalid('requirement')} @input=${(e: Event) => this.set({ requirement: value(e) }, 'requirement')} />
              ${this.fieldError('requirement')}
              ${this.renderParse(parsed, unknown)}
            </label>
            <div class="wide chips" aria-label="Add a skill to the requirement">
              <span class="muted">Add:</span>
              ${keys.map(
                (key) => html`<span class="key">${key}</span>${this.skills
                    .filter((skill) => skill.key === key)
                    .map((skill) => html`<button type="button" class="chip" title=${skill.label} @click=${() => this.set({ requirement: addToRequirement(d.requirement, skill.key, skill.value) }, 'requirement')}>${skill.value}</button>`)}`,
              )}
              ${keys.length === 0 ? html`<span class="muted">no skills yet — add them under Skills</span>` : nothing}
            </div>
            <label class="field"><span class="label" title="−10 to 10; one level is worth the 'seconds per priority level' setting of waiting">Priority (±10)</span>
              <input type="number" min="-10" max="10" data-test="queue-priority" .value=${d.priority} aria-invalid=${this.invalid('priority')} @input=${(e: Event) => this.set({ priority: value(e) }, 'priority')} />${this.fieldError('priority')}
            </label>
            <label class="field"><span class="label">Max wait (s)</span>
              <input type="number" min="10" max="86400" data-test="queue-max-wait" .value=${d.maxWaitSec} aria-invalid=${this.invalid('maxWaitSec')} @input=${(e: Event) => this.set({ maxWaitSec: value(e) }, 'maxWaitSec')} />${this.fieldError('maxWaitSec')}
            </label>
            <label class="field"><span class="label">Order</span>
              <input type="number" min="0" max="1000" data-test="queue-order" .value=${d.sortOrder} aria-invalid=${this.invalid('sortOrder')} @input=${(e: Event) => this.set({ sortOrder: value(e) }, 'sortOrder')} />${this.fieldError('sortOrder')}
            </label>
            <div class="field"><span class="label">Options</span>
              <label class="check" title="Offered to visitors as a topic in the widget"><input type="checkbox" data-test="queue-public" .checked=${d.isPublic} @change=${(e: Event) => this.set({ isPublic: checked(e) }, 'isPublic')} /> Public topic</label>
              <label class="check" title=${wasDefault ? 'Make another queue the default instead' : 'Where requests go when nothing else fits'}><input type="checkbox" data-test="queue-default" ?disabled=${wasDefault} .checked=${d.isDefault} @change=${(e: Event) => this.set({ isDefault: checked(e) }, 'isDefault')} /> Default</label>
            </div>
          </div>
        </div>
        <parley-qualified-preview .requirement=${parsed.ok ? parsed.requirement : null} .steps=${readSteps(d.steps, null)} .agents=${this.agents} .skills=${this.skills}></parley-qualified-preview>
      </div>
      <fieldset>
        <legend>Relaxation steps (what to loosen as the wait grows)</legend>
        <parley-relax-steps .steps=${d.steps} .errors=${this.errors} .keys=${keys} @steps-change=${(e: CustomEvent<{ steps: StepDraft[] }>) => this.set({ steps: e.detail.steps }, 'relaxSteps')}></parley-relax-steps>
      </fieldset>
      ${this.formError ? html`<div class="form-error" role="alert" data-test="queue-error">${this.formError}</div>` : nothing}
      <div class="buttons">
        <button type="submit" class="primary" data-test="queue-save" ?disabled=${this.saving}>${this.saving ? 'Saving…' : this.queue ? 'Save queue' : 'Create queue'}</button>
        <button type="button" ?disabled=${this.saving} @click=${() => this.dispatchEvent(new CustomEvent('queue-cancel'))}>Close</button>
      </div>
    </form>`
  }

  private renderParse(parsed: RequirementResult, unknown: string[]) {
    if (this.errors['requirement']) return nothing
    if (!parsed.ok) return html`<span class="parse error" data-test="requirement-status">${parsed.error}</span>`
    if (unknown.length) return html`<span class="parse error" data-test="requirement-status">No such skill: ${unknown.join(', ')} (add it under Skills first)</span>`
    const { clauses, minProficiency } = parsed.requirement
    const text = clauses.length === 0 ? 'Anyone may take these requests' : `${clauses.length} clause${clauses.length > 1 ? 's' : ''}, proficiency ≥ ${minProficiency}`
    return html`<span class="parse ok" data-test="requirement-status">✓ ${text}</span>`
  }

  private fieldError(field: string) {
    return this.errors[field] ? html`<span class="field-error" data-test="field-error" data-field=${field}>${this.errors[field]}</span>` : nothing
  }

  private invalid(field: string): 'true' | 'false' {
    return this.errors[field] ? 'true' : 'false'
  }

  private setName(name: string): void {
    this.set(this.slugEdited ? { name } : { name, slug: slugify(name) }, 'name')
  }

  private set(change: Partial<QueueDraft>, field: string): void {
    this.draft = { ...this.draft, ...change }
    const errors = Object.fromEntries(Object.entries(this.errors).filter(([path]) => path !== field && !(field === 'relaxSteps' && path.startsWith('relaxSteps')) && !(field === 'name' && path === 'slug' && 'slug' in change)))
    if (Object.keys(errors).length !== Object.keys(this.errors).length) this.errors = errors
    this.formError = ''
  }

  /** The body for the API, or null after recording what is wrong. */
  private read(): QueueInput | null {
    const d = this.draft
    const checks = new FieldErrors()
    const slug = checks.take('slug', checkToken(d.slug))
    if (slug && this.queues.some((queue) => queue.slug === slug && queue.id !== this.queue?.id)) checks.add('slug', `a queue "${slug}" exists already`)
    const name = checks.take('name', checkText(d.name, 80))
    let requirement = d.requirement.trim() || '*'
    if (requirement.length > 500) checks.add('requirement', 'at most 500 characters')
    const parsed = parseRequirement(requirement)
    if (!parsed.ok) checks.add('requirement', parsed.error)
    else {
      const unknown = unknownSkills(parsed.requirement, this.skills)[0]
      if (unknown) checks.add('requirement', `there is no skill ${unknown}; add it under Skills first`)
    }
    const priority = checks.take('priority', checkInt(d.priority, -10, 10))
    const maxWaitSec = checks.take('maxWaitSec', checkInt(d.maxWaitSec, 10, 86_400))
    const sortOrder = checks.take('sortOrder', checkInt(d.sortOrder, 0, 1000))
    const relaxSteps = readSteps(d.steps, checks)
    this.errors = checks.fields
    if (!checks.ok || slug === undefined || name === undefined || priority === undefined || maxWaitSec === undefined || sortOrder === undefined) {
      this.formError = `Not saved: ${Object.entries(checks.fields)
        .map(([path, message]) => `${LABELS[path] ?? path.replace(/^relaxSteps\.(\d+)\.(\w+)$/, (_, i: string, f: string) => `step ${Number(i) + 1} ${f}`)}: ${message}`)
        .join('; ')}`
      return null
    }
    requirement = requirement.replace(/\s+/g, ' ')
    return { slug, name, requirement, priority, maxWaitSec, relaxSteps, isPublic: d.isPublic, isDefault: d.isDefault, sortOrder }
  }

  private async save(event: SubmitEvent): Promise<void> {
    event.preventDefault()
    if (this.saving) return
    this.formError = ''
    const body = this.read()
    if (!body) {
      await this.updateComplete
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus()
      return
    }
    this.saving = true
    try {
      const queue = await saveQueue(body, this.queue?.id ?? null)
      this.dispatchEvent(new CustomEvent<QueueSavedDetail>('queue-saved', { detail: { queue } }))
      // the reload brings the stored queue back as `queue`; start clean from it
      this.draft = toDraft(queue, queue.sortOrder)
      this.slugEdited = true
      fireRoutingChanged(this, 'queues')
    } catch (error) {
      const { fields, form } = formErrors(error, FIELDS)
      this.errors = fields
      this.formError = error instanceof Error ? error.message : form
      // NOTE: a refusal often means this page is out of date (a skill or queue changed
      // elsewhere): reload, the draft survives and the preview catches up
      if (error instanceof AdminApiError && error.status >= 400 && error.status < 500) fireRoutingChanged(this, 'queues')
    } finally {
      this.saving = false
    }
  }
}

const value = (event: Event) => (event.target as HTMLInputElement).value
const checked = (event: Event) => (event.target as HTMLInputElement).checked

customElements.define('parley-queue-form', QueueForm)

declare global {
  interface HTMLElementTagNameMap {
    'parley-queue-form': QueueForm
  }
  interface HTMLElementEventMap {
    'queue-saved': QueueSavedEvent
    'queue-cancel': CustomEvent<void>
  }
}
