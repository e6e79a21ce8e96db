/**
 * Look of the routing admin: the console's design tokens (same names and values as
 * `web/agent/console-styles.ts`, so the admin matches the console and also renders on its
 * own) plus dense tables, small forms, field errors and chips. Every admin component adopts it.
 */
import { css } from 'lit'

/** Tokens and element styles shared by the admin components. */
export const adminStyles = css`
  :host {
    --p-font: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif;
    --p-primary: #2f6fed;
    --p-primary-dark: #1f56c4;
    --p-primary-soft: #e8f0fe;
    --p-text: #1f2328;
    --p-text-muted: #656d76;
    --p-text-faint: #8c959f;
    --p-border: #d8dee4;
    --p-border-soft: #eaeef2;
    --p-bg: #f6f8fa;
    --p-surface: #ffffff;
    --p-ready: #1a7f37;
    --p-ready-soft: #dafbe1;
    --p-danger: #cf222e;
    --p-danger-soft: #ffebe9;
    --p-radius: 6px;
    --p-mono: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    display: block;
    font-family: var(--p-font);
    font-size: 13px;
    line-height: 1.4;
    color: var(--p-text);
    box-sizing: border-box;
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  button {
    font: inherit;
    cursor: pointer;
    border: 1px solid var(--p-border);
    background: var(--p-surface);
    color: var(--p-text);
    border-radius: var(--p-radius);
    padding: 4px 10px;
    line-height: 18px;
    white-space: nowrap;
  }
  button:hover:not(:disabled) {
    background: var(--p-bg);
  }
  button:disabled {
    cursor: default;
    opacity: 0.55;
  }
  button.primary {
    background: var(--p-primary);
    border-color: var(--p-primary);
    color: #fff;
    font-weight: 600;
  }
  button.primary:hover:not(:disabled) {
    background: var(--p-primary-dark);
  }
  button.danger {
    color: var(--p-danger);
  }
  button.link {
    border: none;
    background: none;
    padding: 0;
    color: var(--p-primary);
  }
  button.link:hover:not(:disabled) {
    background: none;
    text-decoration: underline;
  }
  input,
  select,
  textarea {
    font: inherit;
    color: var(--p-text);
    border: 1px solid var(--p-border);
    border-radius: var(--p-radius);
    padding: 4px 7px;
    background: var(--p-surface);
    min-width: 0;
  }
  input[type='checkbox'] {
    padding: 0;
    margin: 0;
  }
  input:focus,
  select:focus,
  textarea:focus {
    border-color: var(--p-primary);
    outline: none;
    box-shadow: 0 0 0 3px rgba(47, 111, 237, 0.15);
  }
  button:focus-visible {
    outline: 2px solid var(--p-primary);
    outline-offset: 1px;
  }
  [aria-invalid='true'] {
    border-color: var(--p-danger);
  }
  code,
  .mono {
    font-family: var(--p-mono);
    font-size: 12px;
  }
  h2 {
    font-size: 14px;
    margin: 0 0 2px;
  }
  p.hint {
    margin: 0 0 10px;
    color: var(--p-text-muted);
  }
  .card {
    background: var(--p-surface);
    border: 1px solid var(--p-border);
    border-radius: 8px;
    padding: 14px 16px;
    margin-bottom: 14px;
  }
  table {
    width: 100%;
    border-collapse: collapse;
  }
  th,
  td {
    text-align: left;
    padding: 5px 8px;
    border-bottom: 1px solid var(--p-border-soft);
    vertical-align: middle;
  }
  th {
    font-size: 11px;
    text-transform: uppercase;
    letter-spacing: 0.04em;
    color: var(--p-text-muted);
    font-weight: 600;
    white-space: nowrap;
  }
  td.num,
  th.num {
    text-align: right;
    font-variant-numeric: tabular-nums;
  }
  td.actions {
    text-align: right;
    white-space: nowrap;
  }
  tr.selected td {
    background: var(--p-primary-soft);
  }
  .empty {
    color: var(--p-text-faint);
    padding: 8px 0;
  }
  .muted {
    color: var(--p-text-muted);
  }
  .error {
    color: var(--p-danger);
  }
  .ok {
    color: var(--p-ready);
  }
  .field {
    display: flex;
    flex-direction: column;
    gap: 3px;
    min-width: 0;
  }
  .field > span.label {
    font-size: 11px;
    font-weight: 600;
    color: var(--p-text-muted);
  }
  .field-error {
    color: var(--p-danger);
    font-size: 12px;
  }
  .form-error {
    margin-top: 8px;
    padding: 6px 10px;
    border-radius: var(--p-radius);
    background: var(--p-danger-soft);
    border: 1px solid #ffcecb;
    color: var(--p-danger);
  }
  .row {
    display: flex;
    gap: 10px;
    align-items: flex-start;
    flex-wrap: wrap;
  }
  .row.end {
    align-items: flex-end;
  }
  .check {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    white-space: nowrap;
  }
  .chip {
    display: inline-block;
    padding: 0 7px;
    border-radius: 10px;
    border: 1px solid var(--p-border);
    background: var(--p-bg);
    font-size: 12px;
    line-height: 18px;
    white-space: nowrap;
  }
  button.chip:hover:not(:disabled) {
    border-color: var(--p-primary);
    color: var(--p-primary);
    background: var(--p-primary-soft);
  }
  .chip.on {
    background: var(--p-primary-soft);
    border-color: #b6cdfb;
    color: var(--p-primary-dark);
  }
  .status {
    margin-left: 8px;
    font-size: 12px;
  }
  [hidden] {
    display: none !important;
  }
`
