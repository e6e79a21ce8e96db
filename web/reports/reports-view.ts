/**
 * `<parley-reports>` (supervisors and admins): pick a period of the tenant's days, then
 * queues, agents, offers, attendance or calls, each as charts and tables with CSV export.
 * "In queue now" refreshes every few seconds while the queue tab is shown.
 */
import { LitElement, css, html, nothing } from 'lit'
import { adminStyles } from '../admin/admin-styles.js'
import { messageOf } from '../admin/api-request.js'
import { agentSection, attendanceSection, callsSection, funnelSection, queueSection } from './report-sections.js'
import {
  fetchAgentReport,
  fetchAttendance,
  fetchCallsReport,
  fetchFunnel,
  fetchInQueue,
  fetchQueueReport,
  type AgentFigures,
  type AttendanceSession,
  type CallsReport,
  type FunnelReport,
  type InQueueNow,
  type Period,
  type QueueReport,
} from './reports-api.js'

export type ReportTab = 'queues' | 'agents' | 'offers' | 'attendance' | 'calls'

const TABS: { id: ReportTab; label: string }[] = [
  { id: 'queues', label: 'Queues' },
  { id: 'agents', label: 'Agents' },
  { id: 'offers', label: 'Offers' },
  { id: 'attendance', label: 'Attendance' },
  { id: 'calls', label: 'Calls & phone' },
]

const IN_QUEUE_REFRESH_MS = 5_000

const isoDay = (date: Date) => `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`
const daysAgo = (n: number) => isoDay(new Date(Date.now() - n * 86_400_000))

type Data = { queues?: QueueReport; agents?: AgentFigures[]; offers?: FunnelReport; attendance?: AttendanceSession[]; calls?: CallsReport }

/**
 * @csspart sheet - the scrolling content column
 */
export class ParleyReports extends LitElement {
  static override properties = {
    tab: { type: String, reflect: true },
    from: { state: true },
    to: { state: true },
    serviceLevelSec: { state: true },
    data: { state: true },
    now: { state: true },
    loading: { state: true },
    error: { state: true },
  }

  static override styles = [
    adminStyles,
    css`
      :host {
        height: 100%;
        overflow-y: auto;
        background: var(--p-bg);
      }
      .sheet {
        max-width: 1200px;
        padding: 16px 20px 40px;
      }
      header {
        display: flex;
        align-items: end;
        gap: 10px;
        flex-wrap: wrap;
        margin-bottom: 10px;
      }
      h1 {
        font-size: 18px;
        margin: 0 12px 0 0;
        align-self: center;
      }
      nav {
        display: flex;
        gap: 2px;
        border-bottom: 1px solid var(--p-border);
        margin-bottom: 14px;
      }
      nav button {
        border: none;
        border-bottom: 2px solid transparent;
        border-radius: 0;
        background: none;
        padding: 7px 12px;
        color: var(--p-text-muted);
        font-weight: 600;
        margin-bottom: -1px;
      }
      nav button[aria-selected='true'] {
        color: var(--p-text);
        border-bottom-color: var(--p-primary);
      }
      .tiles {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(150px, 1fr));
        gap: 10px;
        margin-bottom: 14px;
      }
      .tile {
        background: var(--p-surface);
        border: 1px solid var(--p-border);
        border-radius: 8px;
        padding: 10px 12px;
        display: flex;
        flex-direction: column;
      }
      .tile span {
        font-size: 11px;
        color: var(--p-text-muted);
        font-weight: 600;
      }
      .tile strong {
        font-size: 22px;
        font-variant-numeric: tabular-nums;
      }
      .tile em {
        font-style: normal;
        font-size: 12px;
        color: var(--p-text-muted);
      }
      .tile.live {
        border-color: #b6cdfb;
      }
      .card parley-data-table {
        margin-top: 8px;
      }
    `,
  ]

  /** The report shown. */
  tab: ReportTab = 'queues'
  private from = daysAgo(0)
  private to = daysAgo(0)
  private serviceLevelSec = 20
  private data: Data = {}
  private now: InQueueNow | null = null
  private loading = false
  private error = ''
  private seq = 0
  private refresher: ReturnType<typeof setInterval> | undefined

  override connectedCallback(): void {
    super.connectedCallback()
    void this.load()
    this.refresher = setInterval(() => {
      if (this.tab === 'queues' && document.visibilityState === 'visible') void this.refreshNow()
    }, IN_QUEUE_REFRESH_MS)
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    clearInterval(this.refresher)
  }

  override render() {
    const period = this.from === this.to ? this.from : `${this.from}_${this.to}`
    return html`<div class="sheet" part="sheet" data-test="reports">
      <header>
        <h1>Reports</h1>
        <label class="field"><span class="label">From</span><input type="date" data-test="report-from" .value=${this.from} @change=${(e: Event) => this.setPeriod((e.target as HTMLInputElement).value, this.to)} /></label>
        <label class="field"><span class="label">To</span><input type="date" data-test="report-to" .value=${this.to} @change=${(e: Event) => this.setPeriod(this.from, (e.target as HTMLInputElement).value)} /></label>
        <button type="button" class="chip" @click=${() => this.setPeriod(daysAgo(0), daysAgo(0))}>Today</button>
        <button type="button" class="chip" data-test="report-yesterday" @click=${() => this.setPeriod(daysAgo(1), daysAgo(1))}>Yesterday</button>
        <button type="button" class="chip" @click=${() => this.setPeriod(daysAgo(6), daysAgo(0))}>Last 7 days</button>
        <button type="button" class="chip" @click=${() => this.setPeriod(daysAgo(29), daysAgo(0))}>Last 30 days</button>
        ${this.tab === 'queues'
          ? html`<label class="field"><span class="label">Service level (s)</span><input type="number" min="1" max="3600" style="width:80px" .value=${String(this.serviceLevelSec)} @change=${(e: Event) => this.setServiceLevel((e.target as HTMLInputElement).value)} /></label>`
          : nothing}
        <span class="muted">${this.loading ? 'Loading…' : ''}</span>
      </header>
      <nav role="tablist">
        ${TABS.map((t) => html`<button type="button" role="tab" data-test="report-tab" data-tab=${t.id} aria-selected=${this.tab === t.id ? 'true' : 'false'} @click=${() => this.select(t.id)}>${t.label}</button>`)}
      </nav>
      ${this.error ? html`<div class="form-error" role="alert" data-test="form-error">${this.error}</div>` : nothing}
      ${this.renderTab(period)}
    </div>`
  }

  private renderTab(period: string) {
    const d = this.data
    switch (this.tab) {
      case 'queues':
        return d.queues ? queueSection(d.queues, this.now, period) : nothing
      case 'agents':
        return d.agents ? agentSection(d.agents, period) : nothing
      case 'offers':
        return d.offers ? funnelSection(d.offers, period) : nothing
      case 'attendance':
        return d.attendance ? attendanceSection(d.attendance, period) : nothing
      case 'calls':
        return d.calls ? callsSection(d.calls, period) : nothing
    }
  }

  private select(tab: ReportTab): void {
    this.tab = tab
    void this.load()
  }

  private setPeriod(from: string, to: string): void {
    if (!from || !to) return
    if (to < from) {
      this.error = '"To" is before "From".'
      return
    }
    this.from = from
    this.to = to
    this.data = {}
    void this.load()
  }

  private setServiceLevel(text: string): void {
    const value = Number(text)
    if (!Number.isInteger(value) || value < 1 || value > 3600) {
      this.error = 'The service level is a whole number of seconds from 1 to 3600.'
      return
    }
    this.serviceLevelSec = value
    this.data = { ...this.data, queues: undefined }
    void this.load()
  }

  private async refreshNow(): Promise<void> {
    try {
      this.now = await fetchInQueue()
    } catch {
      // the next refresh tries again
    }
  }

  private async load(): Promise<void> {
    const seq = ++this.seq
    const period: Period = { from: this.from, to: this.to }
    this.loading = true
    this.error = ''
    try {
      const tab = this.tab
      const data: Data = { ...this.data }
      if (tab === 'queues') [data.queues] = await Promise.all([fetchQueueReport(period, this.serviceLevelSec), this.refreshNow()])
      else if (tab === 'agents') data.agents = (await fetchAgentReport(period)).agents
      else if (tab === 'offers') data.offers = await fetchFunnel(period)
      else if (tab === 'attendance') data.attendance = (await fetchAttendance(period)).sessions
      else data.calls = await fetchCallsReport(period)
      if (seq === this.seq) this.data = data
    } catch (error) {
      if (seq === this.seq) this.error = `Could not load the report: ${messageOf(error)}`
    } finally {
      if (seq === this.seq) this.loading = false
    }
  }
}

customElements.define('parley-reports', ParleyReports)

declare global {
  interface HTMLElementTagNameMap {
    'parley-reports': ParleyReports
  }
}
