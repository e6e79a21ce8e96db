/** Statement downloads: CSV (one row per line, then the totals) and a printable HTML page. */
import { formatMicros, formatMinor } from '../domain/rating.js'
import { toCsv } from '../../web/reports/csv.js'
import type { StatementView } from './billing-service.js'
import { escapeHtml } from './transcript-export.js'

const unitPrice = (line: StatementView['lines'][number]) => (line.kind === 'micro_charge_fee' ? `${line.unitPriceMicros / 100} %` : formatMicros(line.unitPriceMicros))

export function statementCsv(statement: StatementView, tenantName: string): string {
  const money = (minor: number) => formatMinor(minor, statement.minorDigits)
  const rows = statement.lines.map((line) => [line.kind, line.label, line.unit, line.quantity, line.included, line.billable, unitPrice(line), money(line.amountMinor), statement.currency])
  return toCsv(
    ['kind', 'description', 'unit', 'quantity', 'included', 'billable', 'unit_price', 'amount', 'currency'],
    [
      ...rows,
      ['subtotal', `Statement ${statement.month} for ${tenantName}`, '', '', '', '', '', money(statement.subtotalMinor), statement.currency],
      ['reseller_share', statement.resellerName ? `Reseller share: ${statement.resellerName} (${statement.resellerShareBps / 100} %)` : 'Reseller share', '', '', '', '', '', money(statement.resellerShareMinor), statement.currency],
      ['host_net', 'Host net', '', '', '', '', '', money(statement.hostNetMinor), statement.currency],
      ['total', 'Total due', '', '', '', '', '', money(statement.totalMinor), statement.currency],
    ],
  )
}

export function statementHtml(statement: StatementView, tenantName: string): string {
  const money = (minor: number) => `${escapeHtml(formatMinor(minor, statement.minorDigits))} ${escapeHtml(statement.currency)}`
  const lines = statement.lines
    .map(
      (line) =>
        `<tr><td>${escapeHtml(line.label)}</td><td class="n">${escapeHtml(line.quantity)}</td><td class="n">${escapeHtml(line.included)}</td><td class="n">${escapeHtml(line.billable)}</td><td>${escapeHtml(line.unit)}</td><td class="n">${escapeHtml(unitPrice(line))}</td><td class="n">${money(line.amountMinor)}</td></tr>`,
    )
    .join('\n')
  const day = (iso: string) => new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(iso))
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Statement ${escapeHtml(statement.month)} · ${escapeHtml(tenantName)}</title>
<style>
  body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; color: #1f2328; max-width: 860px; margin: 24px auto; padding: 0 20px; font-size: 14px; }
  h1 { font-size: 20px; margin: 0 0 4px; }
  .muted { color: #656d76; }
  table { width: 100%; border-collapse: collapse; margin-top: 16px; }
  th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid #eaeef2; }
  th { font-size: 12px; color: #656d76; }
  .n { text-align: right; font-variant-numeric: tabular-nums; }
  tfoot td { font-weight: 600; }
  @page { margin: 16mm; }
</style></head>
<body>
<h1>Statement ${escapeHtml(statement.month)}</h1>
<div class="muted">${escapeHtml(tenantName)} · plan ${escapeHtml(statement.plan.name)} · ${statement.issuedAt ? `issued ${escapeHtml(day(statement.issuedAt))}` : 'preview, not issued'}${statement.id ? ` · ${escapeHtml(statement.id)}` : ''}</div>
<table>
<thead><tr><th>Item</th><th class="n">Used</th><th class="n">Included</th><th class="n">Billable</th><th>Unit</th><th class="n">Unit price</th><th class="n">Amount</th></tr></thead>
<tbody>
${lines || '<tr><td colspan="7" class="muted">No usage in this period.</td></tr>'}
</tbody>
<tfoot>
<tr><td colspan="6">Total due</td><td class="n">${money(statement.totalMinor)}</td></tr>
${statement.resellerShareMinor ? `<tr><td colspan="6" class="muted">of which reseller share${statement.resellerName ? ` (${escapeHtml(statement.resellerName)}, ${statement.resellerShareBps / 100} %)` : ''}</td><td class="n muted">${money(statement.resellerShareMinor)}</td></tr>` : ''}
</tfoot>
</table>
<p class="muted">Minutes are rated to the millisecond; prices are per minute, hit or seat. Rated from the raw usage records of ${escapeHtml(statement.periodStart)} to ${escapeHtml(statement.periodEnd)} (exclusive).</p>
</body></html>
`
}
