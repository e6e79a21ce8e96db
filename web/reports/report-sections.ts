/** The content of each report tab: charts first, then the table with its CSV download. */
import { html, nothing, type TemplateResult } from 'lit'
import { clockLength } from '../archive/event-text.js'
import type { CsvCell } from './csv.js'
import type { AgentFigures, AttendanceSession, CallsReport, FunnelReport, InQueueNow, QueueReport } from './reports-api.js'
import type { Column } from './data-table.js'
import './bar-chart.js'
import './data-table.js'
import './funnel-chart.js'

const COLORS = { answered: '#2f6fed', abandoned: '#cf222e', cancelled: '#bf8700', wait: '#8250df', ready: '#1a7f37', busy: '#2f6fed', wrap_up: '#8250df', not_ready: '#6e7781', break: '#bf8700', away: '#d4a72c', offline: '#d0d7de', voice: '#2f6fed', talk: '#1a7f37' }
const STATES = ['ready', 'busy', 'wrap_up', 'not_ready', 'break', 'away', 'offline'] as const
const hours = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'))

const seconds = (v: CsvCell) => (typeof v === 'number' ? clockLength(v) : '—')
const percent = (v: CsvCell) => (typeof v === 'number' ? `${Math.round(v * 1000) / 10} %` : '—')
const minutes = (v: CsvCell) => (typeof v === 'number' ? `${Math.round((v / 60) * 10) / 10}` : '—')

function figureColumns(first: Column): Column[] {
  return [
    first,
    { key: 'offered', label: 'Offered', num: true },
    { key: 'answered', label: 'Answered', num: true },
    { key: 'abandoned', label: 'Abandoned', num: true },
    { key: 'cancelled', label: 'Left', num: true },
    { key: 'avgWaitSec', label: 'Avg wait', num: true, format: seconds },
    { key: 'maxWaitSec', label: 'Max wait', num: true, format: seconds },
    { key: 'abandonRate', label: 'Abandon rate', num: true, format: percent },
    { key: 'serviceLevel', label: 'Service level', num: true, format: percent },
  ]
}

export function queueSection(report: QueueReport, now: InQueueNow | null, period: string): TemplateResult {
  const t = report.totals
  return html`
    <div class="tiles" data-test="queue-tiles">
      <div class="tile"><span>Offered</span><strong data-test="tile-offered">${t.offered}</strong></div>
      <div class="tile"><span>Answered</span><strong>${t.answered}</strong></div>
      <div class="tile"><span>Abandoned</span><strong>${t.abandoned + t.cancelled}</strong><em>${percent(t.abandonRate)}</em></div>
      <div class="tile"><span>Avg wait</span><strong>${seconds(t.avgWaitSec)}</strong><em>max ${seconds(t.maxWaitSec)}</em></div>
      <div class="tile"><span>Service level (${report.serviceLevelSec} s)</span><strong>${percent(t.serviceLevel)}</strong></div>
      <div class="tile live"><span>In queue now</span><strong data-test="in-queue-now">${now?.waiting ?? '…'}</strong><em>${now ? now.queues.map((q) => `${q.name} ${q.waiting}`).join(' · ') : ''}</em></div>
    </div>
    <div class="card">
      <parley-bar-chart
        caption="Requests by hour of arrival (${report.timezone})"
        stacked
        .labels=${hours}
        .series=${[
          { name: 'Answered', color: COLORS.answered, values: report.hours.map((h) => h.answered) },
          { name: 'Abandoned', color: COLORS.abandoned, values: report.hours.map((h) => h.abandoned) },
          { name: 'Left by choice', color: COLORS.cancelled, values: report.hours.map((h) => h.cancelled) },
        ]}
      ></parley-bar-chart>
    </div>
    <div class="card">
      <parley-bar-chart caption="Average wait by hour" unit="s" .labels=${hours} .series=${[{ name: 'Average wait', color: COLORS.wait, values: report.hours.map((h) => h.avgWaitSec ?? 0) }]}></parley-bar-chart>
    </div>
    <div class="card">
      <parley-data-table
        caption="By hour"
        filename=${`parley-queues-by-hour-${period}`}
        .columns=${figureColumns({ key: 'hour', label: 'Hour' })}
        .rows=${report.hours.filter((h) => h.offered > 0).map((h) => ({ ...h, hour: `${hours[h.hour]}:00` }))}
      ></parley-data-table>
    </div>
    <div class="card">
      <parley-data-table caption="By queue" filename=${`parley-queues-${period}`} .columns=${figureColumns({ key: 'queue', label: 'Queue' })} .rows=${report.queues.map((q) => ({ ...q, queue: q.queueId ? (report.queueNames[q.queueId]?.name ?? q.queueId) : 'No queue' }))}></parley-data-table>
    </div>
    ${report.days.length > 1
      ? html`<div class="card"><parley-data-table caption="By day" filename=${`parley-queues-by-day-${period}`} .columns=${figureColumns({ key: 'date', label: 'Day' })} .rows=${report.days}></parley-data-table></div>`
      : nothing}
  `
}

export function agentSection(agents: AgentFigures[], period: string): TemplateResult {
  const staffed = agents.filter((a) => a.staffedSec > 0 || a.handled > 0)
  const shown = staffed.length > 0 ? staffed : agents
  return html`
    <div class="card">
      <parley-bar-chart
        caption="Time per state (hours)"
        stacked
        unit="h"
        .labels=${shown.map((a) => a.displayName)}
        .series=${STATES.filter((s) => s !== 'offline').map((state) => ({ name: state.replace('_', ' '), color: COLORS[state], values: shown.map((a) => (a.stateSec[state] ?? 0) / 3600) }))}
      ></parley-bar-chart>
    </div>
    <div class="card">
      <parley-bar-chart caption="Occupancy" unit="%" .labels=${shown.map((a) => a.displayName)} .series=${[{ name: 'Occupancy', color: COLORS.busy, values: shown.map((a) => Math.round((a.occupancy ?? 0) * 1000) / 10) }]}></parley-bar-chart>
    </div>
    <div class="card">
      <parley-data-table
        caption="Agent performance"
        filename=${`parley-agents-${period}`}
        .columns=${[
          { key: 'name', label: 'Agent' },
          { key: 'handled', label: 'Handled', num: true },
          { key: 'avgHandleSec', label: 'Avg handle', num: true, format: seconds },
          { key: 'handlingSec', label: 'Handling', num: true, format: seconds },
          { key: 'staffedSec', label: 'Staffed', num: true, format: seconds },
          { key: 'occupancy', label: 'Occupancy', num: true, format: percent },
          ...STATES.map((state) => ({ key: `state_${state}`, label: state.replace('_', ' '), num: true, format: seconds })),
          { key: 'offersMade', label: 'Offers', num: true },
          { key: 'offersAccepted', label: 'Accepted', num: true },
          { key: 'offersDeclined', label: 'Declined', num: true },
          { key: 'offersRangOut', label: 'Rang out', num: true },
        ]}
        .rows=${agents.map((a) => ({
          name: a.displayName,
          handled: a.handled,
          avgHandleSec: a.avgHandleSec,
          handlingSec: a.handlingSec,
          staffedSec: a.staffedSec,
          occupancy: a.occupancy,
          ...Object.fromEntries(STATES.map((state) => [`state_${state}`, a.stateSec[state] ?? 0])),
          offersMade: a.offers.made,
          offersAccepted: a.offers.accepted,
          offersDeclined: a.offers.declined,
          offersRangOut: a.offers.rangOut,
        }))}
      ></parley-data-table>
    </div>
  `
}

export function funnelSection(report: FunnelReport, period: string): TemplateResult {
  const r = report.routing
  return html`
    <div class="card">
      <h2>Routing offers</h2>
      <p class="hint">From the routing log: requests that entered a queue, rang at an agent, and were accepted.</p>
      <parley-funnel-chart .stages=${[{ label: 'Entered a queue', count: r.enqueued }, { label: 'Rang at an agent', count: r.offered }, { label: 'Accepted', count: r.accepted }]}></parley-funnel-chart>
      <parley-data-table
        filename=${`parley-offers-${period}`}
        .columns=${[{ key: 'measure', label: 'Measure' }, { key: 'value', label: 'Value', num: true }]}
        .rows=${[
          { measure: 'Offers made', value: r.offersMade },
          { measure: 'Declined', value: r.declined },
          { measure: 'Rang out (no answer)', value: r.rangOut },
          { measure: 'Offers per accepted request', value: r.offersPerAccepted },
          { measure: 'Left after ringing', value: r.lostAfterOffer },
          { measure: 'Left before ringing', value: r.lostBeforeOffer },
        ]}
      ></parley-data-table>
    </div>
    <div class="card">
      <h2>Proactive offers</h2>
      ${report.proactive?.some((stage) => stage.count > 0)
        ? html`<parley-funnel-chart .stages=${report.proactive}></parley-funnel-chart>`
        : html`<p class="hint" data-test="proactive-none">No proactive offers were made: offers triggered from the cart appear here once offer rules are set up.</p>`}
    </div>
  `
}

export function attendanceSection(sessions: AttendanceSession[], period: string): TemplateResult {
  return html`<div class="card">
    ${sessions.length > 0
      ? html`<parley-bar-chart caption="Attendees per session" .labels=${sessions.map((s) => new Date(s.startedAt).toLocaleString([], { dateStyle: 'short', timeStyle: 'short' }))} .series=${[{ name: 'Attendees', color: COLORS.answered, values: sessions.map((s) => s.attendees) }, { name: 'At once (peak)', color: COLORS.talk, values: sessions.map((s) => s.peak) }]}></parley-bar-chart>`
      : nothing}
    <parley-data-table
      caption="One-to-many sessions (more than one visitor)"
      filename=${`parley-attendance-${period}`}
      .columns=${[
        { key: 'started', label: 'Started' },
        { key: 'question', label: 'Topic' },
        { key: 'agents', label: 'Hosts' },
        { key: 'attendees', label: 'Attendees', num: true },
        { key: 'peak', label: 'Peak at once', num: true },
        { key: 'avgStaySec', label: 'Avg stay', num: true, format: seconds },
      ]}
      .rows=${sessions.map((s) => ({ started: new Date(s.startedAt).toISOString(), question: s.question, agents: s.agents.join(', '), attendees: s.attendees, peak: s.peak, avgStaySec: s.avgStaySec }))}
    ></parley-data-table>
  </div>`
}

export function callsSection(report: CallsReport, period: string): TemplateResult {
  return html`
    <div class="tiles">
      <div class="tile"><span>Calls</span><strong>${report.requested}</strong><em>${report.voice} voice · ${report.video} video</em></div>
      <div class="tile"><span>Answered</span><strong>${report.answered}</strong></div>
      <div class="tile"><span>Avg length</span><strong>${seconds(report.avgDurationSec)}</strong></div>
      <div class="tile"><span>Media minutes</span><strong>${minutes(report.mediaSec)}</strong></div>
      <div class="tile"><span>PSTN minutes</span><strong data-test="pstn-minutes">${minutes(report.pstnSec)}</strong></div>
    </div>
    <div class="card">
      <parley-bar-chart caption="Calls by hour" .labels=${hours} .series=${[{ name: 'Answered', color: COLORS.answered, values: report.hours.map((h) => h.answered) }, { name: 'Not answered', color: COLORS.not_ready, values: report.hours.map((h) => h.calls - h.answered) }]} stacked></parley-bar-chart>
    </div>
    <div class="card">
      <parley-data-table
        caption="How calls ended and media metered"
        filename=${`parley-calls-${period}`}
        .columns=${[{ key: 'measure', label: 'Measure' }, { key: 'value', label: 'Value', num: true }]}
        .rows=${[
          ...Object.entries(report.reasons).map(([reason, count]) => ({ measure: `Ended: ${reason.replace('_', ' ')}`, value: count })),
          ...Object.entries(report.mediaSecBySource).map(([source, sec]) => ({ measure: `Media minutes: ${source}`, value: Math.round((sec / 60) * 100) / 100 })),
          { measure: 'Talk minutes', value: Math.round((report.talkSec / 60) * 100) / 100 },
          { measure: 'PSTN minutes', value: Math.round((report.pstnSec / 60) * 100) / 100 },
        ]}
      ></parley-data-table>
    </div>
  `
}
