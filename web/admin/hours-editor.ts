/**
 * `<parley-hours-editor>`: opening times per weekday (several per day), closed dates and
 * the message visitors read when nobody is there. No times at all means always open.
 */
import { LitElement, css, html, nothing } from 'lit'
import { formErrors } from './admin-api.js'
import { adminStyles } from './admin-styles.js'
import { messageOf } from './api-request.js'
import { FieldErrors } from './form-checks.js'
import { fetchHours, saveHours, type BusinessHours, type Opening, type WeekdayKey } from './management-api.js'

const DAYS: { key: WeekdayKey; label: string }[] = [
  { key: 'mon', label: 'Monday' },
  { key: 'tue', label: 'Tuesday' },
  { key: 'wed', label: 'Wednesday' },
  { key: 'thu', label: 'Thursday' },
  { key: 'fri', label: 'Friday' },
  { key: 'sat', label: 'Saturday' },
  { key: 'sun', label: 'Sunday' },
]
const TIME = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/
const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5))
const emptyWeek = (): Record<WeekdayKey, Opening[]> => ({ mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] })

export class HoursEditor extends LitElement {
  static override properties = { hours: { state: true }, newDate: { state: true }, errors: { state: true }, formError: { state: true }, status: { state: true }, saving: { state: true } }
  static override styles = [
    adminStyles,
    css`
      .day {
        display: grid;
        grid-template-columns: 110px 1fr;
        gap: 10px;
        padding: 6px 0;
        border-bottom: 1px solid var(--p-border-soft);
      }
      .opening {
        display: inline-flex;
        gap: 4px;
        align-items: center;
        margin: 0 10px 4px 0;
      }
      .opening input {
        width: 96px;
      }
      textarea {
        width: 100%;
        min-height: 56px;
      }
    `,
  ]

  private hours: BusinessHours | null = null
  private newDate = ''
  private errors: Record<string, string> = {}
  private formError = ''
  private status = ''
  private saving = false

  override connectedCallback(): void {
    super.connectedCallback()
    void fetchHours().then(
      (hours) => (this.hours = { ...hours, week: { ...emptyWeek(), ...hours.week } }),
      (error) => (this.formError = messageOf(error)),
    )
  }

  override render() {
    const h = this.hours
    if (!h) return html`<div class="card">${this.formError ? html`<div class="form-error">${this.formError}</div>` : html`<div class="empty">Loading…</div>`}</div>`
    const always = DAYS.every((d) => h.week[d.key].length === 0) && h.closedDates.length === 0
    return html`<form @submit=${this.save} novalidate data-test="hours-form">
      <div class="card">
        <p class="hint">
          Times in ${h.timezone ?? 'the tenant’s timezone'}. ${always ? 'No times set: always open.' : h.openNow ? html`<span class="ok">Open now.</span>` : html`Closed now${h.nextOpening ? `; opens ${new Date(h.nextOpening).toLocaleString()}` : ''}.`}
        </p>
        ${DAYS.map(
          (day) => html`<div class="day" data-test="hours-day" data-day=${day.key}>
            <strong>${day.label}</strong>
            <div>
              ${h.week[day.key].map(
                (o, i) => html`<span class="opening">
                  <input type="time" aria-label=${`${day.label} opens`} .value=${o.from} aria-invalid=${this.errors[`week.${day.key}.${i}.from`] ? 'true' : 'false'} @input=${(e: Event) => this.setOpening(day.key, i, { from: (e.target as HTMLInputElement).value })} />
                  –
                  <input type="time" aria-label=${`${day.label} closes`} .value=${o.to} aria-invalid=${this.errors[`week.${day.key}.${i}.to`] ? 'true' : 'false'} @input=${(e: Event) => this.setOpening(day.key, i, { to: (e.target as HTMLInputElement).value })} />
                  <button type="button" class="link danger" aria-label="Remove" @click=${() => this.setDay(day.key, h.week[day.key].filter((_, j) => j !== i))}>✕</button>
                </span>`,
              )}
              ${h.week[day.key].length === 0 ? html`<span class="muted">closed </span>` : nothing}
              <button type="button" class="link" data-test="hours-add" @click=${() => this.setDay(day.key, [...h.week[day.key], { from: '09:00', to: '17:00' }])}>+ add time</button>
              ${Object.entries(this.errors)
                .filter(([path, message]) => message && path.startsWith(`week.${day.key}`))
                .map(([, message]) => html`<div class="field-error" data-test="field-error">${message}</div>`)}
            </div>
          </div>`,
        )}
      </div>
      <div class="card">
        <h2>Closed dates</h2>
        <div class="row end">
          ${h.closedDates.map((date) => html`<span class="chip">${date} <button type="button" class="link danger" aria-label=${`Remove ${date}`} @click=${() => (this.hours = { ...h, closedDates: h.closedDates.filter((d) => d !== date) })}>✕</button></span>`)}
          <input type="date" aria-label="Closed date" .value=${this.newDate} @input=${(e: Event) => (this.newDate = (e.target as HTMLInputElement).value)} />
          <button type="button" ?disabled=${!this.newDate} @click=${this.addDate}>Add date</button>
        </div>
        <label class="field" style="margin-top:10px"
          ><span class="label">Message for visitors while closed</span>
          <textarea maxlength="300" .value=${h.closedMessage} @input=${(e: Event) => (this.hours = { ...h, closedMessage: (e.target as HTMLTextAreaElement).value })}></textarea>
          ${this.errors.closedMessage ? html`<span class="field-error">${this.errors.closedMessage}</span>` : nothing}
        </label>
      </div>
      ${this.formError ? html`<div class="form-error" role="alert" data-test="form-error">${this.formError}</div>` : nothing}
      <div class="row">
        <button type="submit" class="primary" data-test="hours-save" ?disabled=${this.saving}>${this.saving ? 'Saving…' : 'Save business hours'}</button>
        ${this.status ? html`<span class="ok" role="status">${this.status}</span>` : nothing}
      </div>
    </form>`
  }

  private setDay(key: WeekdayKey, openings: Opening[]): void {
    this.hours = { ...this.hours!, week: { ...this.hours!.week, [key]: openings } }
    this.errors = Object.fromEntries(Object.entries(this.errors).filter(([path]) => !path.startsWith(`week.${key}`)))
    this.status = ''
  }

  private setOpening(key: WeekdayKey, index: number, change: Partial<Opening>): void {
    this.setDay(key, this.hours!.week[key].map((o, i) => (i === index ? { ...o, ...change } : o)))
  }

  private addDate(): void {
    const h = this.hours!
    if (this.newDate && !h.closedDates.includes(this.newDate)) this.hours = { ...h, closedDates: [...h.closedDates, this.newDate].sort() }
    this.newDate = ''
  }

  private async save(event: SubmitEvent): Promise<void> {
    event.preventDefault()
    const h = this.hours!
    const checks = new FieldErrors()
    for (const { key, label } of DAYS) {
      const list = h.week[key]
      list.forEach((o, i) => {
        if (!TIME.test(o.from)) checks.add(`week.${key}.${i}.from`, `${label}: a start time, please`)
        if (!TIME.test(o.to)) checks.add(`week.${key}.${i}.to`, `${label}: an end time, please`)
        else if (TIME.test(o.from) && minutes(o.to) <= minutes(o.from)) checks.add(`week.${key}.${i}.to`, `${label}: must end after it starts`)
      })
      const sorted = [...list].sort((a, b) => minutes(a.from) - minutes(b.from))
      if (sorted.some((o, i) => i > 0 && minutes(o.from) < minutes(sorted[i - 1]!.to))) checks.add(`week.${key}`, `${label}: opening times overlap`)
    }
    this.errors = checks.fields
    this.formError = checks.ok ? '' : 'Not saved: fix the highlighted times.'
    if (!checks.ok) return
    this.saving = true
    try {
      await saveHours({ week: h.week, closedDates: h.closedDates, closedMessage: h.closedMessage })
      this.hours = { ...(await fetchHours()) }
      this.hours.week = { ...emptyWeek(), ...this.hours.week }
      this.status = 'Saved.'
    } catch (error) {
      const known = DAYS.flatMap(({ key }) => [`week.${key}`, ...h.week[key].flatMap((_, i) => [`week.${key}.${i}.from`, `week.${key}.${i}.to`])]).concat(['closedMessage', 'closedDates'])
      const { fields, form } = formErrors(error, known)
      this.errors = fields
      this.formError = form || 'Not saved: fix the highlighted fields.'
    } finally {
      this.saving = false
    }
  }
}

customElements.define('parley-hours-editor', HoursEditor)

declare global {
  interface HTMLElementTagNameMap {
    'parley-hours-editor': HoursEditor
  }
}
