/**
 * CSV (RFC 4180) for report tables and statements, shared by the browser's "Download CSV"
 * and the server's statement download. Cells that a spreadsheet would run as a formula
 * (leading = + - @) are prefixed with an apostrophe, so an exported visitor text cannot
 * execute in the manager's spreadsheet.
 */

export type CsvCell = string | number | boolean | null | undefined

function cell(value: CsvCell): string {
  if (value === null || value === undefined) return ''
  let text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : String(value)
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** Rows to CSV text, header first, CRLF line ends. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n'
}
