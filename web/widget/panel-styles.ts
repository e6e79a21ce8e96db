/** Styles shared by the chat panel's components (colours, type, buttons, fields). */
import { css } from 'lit'

/** Design tokens and base element styles; every widget component adopts these first. */
export const panelStyles = css`
  :host {
    --parley-primary: #2f6fed;
    --parley-primary-dark: #2259c9;
    --parley-text: #1d2433;
    --parley-muted: #5d677a;
    --parley-line: #e3e8f2;
    --parley-soft: #f3f6fb;
    --parley-danger: #c62f35;
    color: var(--parley-text);
    font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', sans-serif;
    font-size: 14px;
    line-height: 1.45;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  [hidden] {
    display: none !important;
  }
  button {
    font: inherit;
    cursor: pointer;
  }
  button:disabled {
    cursor: default;
    opacity: 0.55;
  }
  button:focus-visible {
    outline: 3px solid #9bbcff;
    outline-offset: 1px;
  }
  .primary {
    border: 0;
    border-radius: 8px;
    padding: 9px 18px;
    background: var(--parley-primary);
    color: #fff;
    font-weight: 600;
  }
  .primary:hover:not(:disabled) {
    background: var(--parley-primary-dark);
  }
  .secondary {
    border: 1px solid var(--parley-line);
    border-radius: 8px;
    padding: 8px 16px;
    background: #fff;
    color: var(--parley-text);
  }
  .secondary:hover:not(:disabled) {
    background: var(--parley-soft);
  }
  .danger {
    border: 0;
    border-radius: 8px;
    padding: 8px 16px;
    background: var(--parley-danger);
    color: #fff;
    font-weight: 600;
  }
  .link {
    border: 0;
    padding: 0;
    background: none;
    color: var(--parley-primary);
    text-decoration: underline;
  }
  textarea {
    width: 100%;
    border: 1px solid #c9d1e0;
    border-radius: 8px;
    padding: 9px 11px;
    font: inherit;
    font-size: 15px;
    color: inherit;
    resize: none;
    background: #fff;
  }
  textarea:focus {
    outline: none;
    border-color: var(--parley-primary);
    box-shadow: 0 0 0 3px rgba(47, 111, 237, 0.18);
  }
  .note {
    margin: 0;
    color: var(--parley-muted);
    font-size: 13px;
  }
  .error {
    margin: 0;
    color: var(--parley-danger);
    font-size: 13px;
  }
`
