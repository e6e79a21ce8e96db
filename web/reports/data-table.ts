/**
 * `<parley-data-table>`: a report table with a "Download CSV" button. Cells show formatted
 * values; the CSV holds the raw ones (seconds as numbers, rates as fractions).
 */
import { LitElement, css, html } from 'lit'
import { adminStyles } from '../admin/admin-styles.js'
import { toCsv, type CsvCell } from './csv.js'

export interface Column {
  key: string
  label: string
  num?: boolean
  format?: (value: CsvCell) => string
}

/**
 * @fires csv-download - CustomEvent<{ filename: string; csv: string }> just before the download starts
 */
export class DataTable extends LitElement {
  static override properties = {
    columns: { attribute: false },
    rows: { attribute: false },
    filename: { type: String },
    caption: { type: String },
  }

  static override styles = [
    adminStyles,
    css`
      header {
        display: flex;
        align-items: baseline;
        gap: 10px;
        margin-bottom: 4px;
      }
      header strong {
        flex: 1;
      }
      .wrap {
        overflow-x: auto;
      }
    `,
  ]

  columns: Column[] = []
  rows: Record<string, CsvCell>[] = []
  /** Name of the CSV file, without extension. */
  filename = 'report'
  caption = ''

  /** The table as CSV text (raw values). */
  csv(): string {
    return toCsv(
      this.columns.map((c) => c.label),
      this.rows.map((row) => this.columns.map((c) => row[c.key])),
    )
  }

  override render() {
    return html`<header>
        <strong>${this.caption}</strong>
        <button type="button" data-test="csv" ?disabled=${this.rows.length === 0} @click=${this.download}>Download CSV</button>
      </header>
      <div class="wrap">
        <table>
          <thead>
            <tr>${this.columns.map((c) => html`<th class=${c.num ? 'num' : ''}>${c.label}</th>`)}</tr>
          </thead>
          <tbody>
            ${this.rows.length === 0 ? html`<tr><td colspan=${this.columns.length} class="empty">No data in this period.</td></tr>` : ''}
            ${this.rows.map((row) => html`<tr>${this.columns.map((c) => html`<td class=${c.num ? 'num' : ''}>${c.format ? c.format(row[c.key]) : (row[c.key] ?? '—')}</td>`)}</tr>`)}
          </tbody>
        </table>
      </div>`
  }

  private download(): void {
    const csv = this.csv()
    const filename = `${this.filename}.csv`
    this.dispatchEvent(new CustomEvent('csv-download', { detail: { filename, csv }, bubbles: true, composed: true }))
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }))
    const link = document.createElement('a')
    link.href = url
    link.download = filename
    link.click()
    setTimeout(() => URL.revokeObjectURL(url), 1000)
  }
}

customElements.define('parley-data-table', DataTable)

declare global {
  interface HTMLElementTagNameMap {
    'parley-data-table': DataTable
  }
}
