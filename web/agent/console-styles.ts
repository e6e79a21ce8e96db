/**
 * Shared look of the agent console: design tokens and the few element styles every
 * component repeats (buttons, inputs, badges). Each component adopts `baseStyles` first,
 * so a component also renders correctly on its own (e.g. in a test page).
 */
import { css } from 'lit'

/**
 * Each agent state's colour as `--color` (strong) and `--soft` (background) on any element
 * carrying `data-state`: Ready green, Busy blue, Wrap-up purple, Not ready grey,
 * Break/Away amber, Offline dark grey.
 */
export const stateColors = css`
  [data-state='ready'] {
    --color: var(--p-ready);
    --soft: var(--p-ready-soft);
  }
  [data-state='busy'] {
    --color: var(--p-busy);
    --soft: var(--p-busy-soft);
  }
  [data-state='wrap_up'] {
    --color: var(--p-wrap-up);
    --soft: var(--p-wrap-up-soft);
  }
  [data-state='not_ready'] {
    --color: var(--p-not-ready);
    --soft: var(--p-not-ready-soft);
  }
  [data-state='break'],
  [data-state='away'] {
    --color: var(--p-break);
    --soft: var(--p-break-soft);
  }
  [data-state='offline'] {
    --color: var(--p-offline);
    --soft: var(--p-offline-soft);
  }
`

/** Design tokens (custom properties) plus common element styles. */
export const baseStyles = css`
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
    --p-not-ready: #6e7781;
    --p-not-ready-soft: #eaeef2;
    --p-break: #bf8700;
    --p-break-soft: #fff8c5;
    --p-busy: #0969da;
    --p-busy-soft: #ddf4ff;
    --p-wrap-up: #8250df;
    --p-wrap-up-soft: #fbefff;
    --p-offline: #32383f;
    --p-offline-soft: #d0d7de;
    --p-danger: #cf222e;
    --p-danger-soft: #ffebe9;
    --p-radius: 6px;
    font-family: var(--p-font);
    font-size: 13px;
    line-height: 1.4;
    color: var(--p-text);
    box-sizing: border-box;
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
    padding: 5px 12px;
    line-height: 18px;
    white-space: nowrap;
  }
  button:hover:not(:disabled) {
    background: var(--p-bg);
  }
  button:focus-visible,
  input:focus-visible,
  textarea:focus-visible,
  a:focus-visible {
    outline: 2px solid var(--p-primary);
    outline-offset: 1px;
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
  button.danger.solid {
    background: var(--p-danger);
    border-color: var(--p-danger);
    color: #fff;
    font-weight: 600;
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
  textarea {
    font: inherit;
    color: var(--p-text);
    border: 1px solid var(--p-border);
    border-radius: var(--p-radius);
    padding: 6px 8px;
    background: var(--p-surface);
  }
  input:focus,
  textarea:focus {
    border-color: var(--p-primary);
    outline: none;
    box-shadow: 0 0 0 3px rgba(47, 111, 237, 0.15);
  }
  a {
    color: var(--p-primary);
    text-decoration: none;
  }
  a:hover {
    text-decoration: underline;
  }
  .badge {
    display: inline-block;
    min-width: 18px;
    padding: 0 6px;
    border-radius: 9px;
    font-size: 11px;
    font-weight: 600;
    line-height: 18px;
    text-align: center;
  }
  .muted {
    color: var(--p-text-muted);
  }
  .error {
    color: var(--p-danger);
  }
  [hidden] {
    display: none !important;
  }
`
