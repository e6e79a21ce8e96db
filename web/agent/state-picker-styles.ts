/**
 * Look of `<parley-state-picker>`: the current-state pill, the segmented buttons and the
 * reason menus. Colours come from `stateColors` (`--color`, `--soft` per `data-state`).
 */
import { css } from 'lit'

/** Adopted after `baseStyles` and `stateColors`. */
export const statePickerStyles = css`
  :host {
    display: inline-flex;
  }
  .picker {
    display: inline-flex;
    align-items: center;
    gap: 10px;
  }
  .dot {
    width: 8px;
    height: 8px;
    border-radius: 50%;
    background: var(--color);
    flex: none;
  }
  .current {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    height: 28px;
    padding: 0 10px;
    border-radius: 14px;
    background: var(--soft);
    color: var(--p-text);
    white-space: nowrap;
    max-width: 320px;
  }
  .current strong {
    color: var(--color);
  }
  .current[data-state='offline'] strong,
  .current[data-state='not_ready'] strong {
    color: var(--p-text);
  }
  .current .reason {
    color: var(--p-text-muted);
    overflow: hidden;
    text-overflow: ellipsis;
    min-width: 0;
  }
  .current .reason::before {
    content: '· ';
  }
  .countdown {
    font-variant-numeric: tabular-nums;
    font-weight: 600;
    color: var(--color);
  }
  .ready-now {
    padding: 1px 8px;
    font-size: 12px;
    border-color: var(--p-ready);
    color: var(--p-ready);
    background: var(--p-surface);
  }
  .group {
    display: inline-flex;
    border: 1px solid var(--p-border);
    border-radius: var(--p-radius);
    background: var(--p-surface);
  }
  .slot {
    position: relative;
    display: inline-flex;
  }
  .slot + .slot {
    border-left: 1px solid var(--p-border);
  }
  .slot > button {
    border: none;
    border-radius: 0;
    padding: 4px 10px;
    display: inline-flex;
    align-items: center;
    gap: 6px;
    color: var(--p-text-muted);
  }
  .slot:first-child > button {
    border-radius: var(--p-radius) 0 0 var(--p-radius);
  }
  .slot:last-child > button {
    border-radius: 0 var(--p-radius) var(--p-radius) 0;
  }
  .caret {
    font-size: 10px;
    margin-left: -2px;
    color: var(--p-text-faint);
  }
  .slot > button[aria-pressed='true'] {
    background: var(--soft);
    color: var(--p-text);
    font-weight: 600;
    box-shadow: inset 0 -2px 0 var(--color);
  }
  .slot > button[aria-pressed='true']:hover:not(:disabled) {
    background: var(--soft);
  }
  .slot > button:disabled {
    opacity: 1;
    color: var(--p-text-faint);
  }
  :host([busy]) .slot > button {
    cursor: progress;
  }
  .menu {
    position: absolute;
    top: calc(100% + 4px);
    left: 0;
    z-index: 20;
    min-width: 170px;
    display: flex;
    flex-direction: column;
    padding: 4px;
    background: var(--p-surface);
    border: 1px solid var(--p-border);
    border-radius: 8px;
    box-shadow: 0 8px 24px rgba(31, 35, 40, 0.16);
  }
  .menu button {
    border: none;
    text-align: left;
    padding: 6px 10px;
    border-radius: 4px;
  }
  .menu button:hover:not(:disabled),
  .menu button:focus-visible {
    background: var(--soft);
    outline: none;
  }
  .menu button[aria-current='true'] {
    font-weight: 600;
  }
  .menu button[aria-current='true']::after {
    content: ' ✓';
    color: var(--color);
  }
  .menu .plain {
    color: var(--p-text-muted);
    border-top: 1px solid var(--p-border-soft);
    border-radius: 0 0 4px 4px;
    margin-top: 2px;
  }
`
