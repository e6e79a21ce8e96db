/**
 * Look shared by the live view's parts: a titled card, dense tables, small chips and
 * tabular figures. Adopted after the console's `baseStyles` (and `stateColors` where
 * states are shown), so the live view matches the console.
 */
import { css } from 'lit'

export const supervisorStyles = css`
  :host {
    display: block;
  }
  .card {
    background: var(--p-surface);
    border: 1px solid var(--p-border);
    border-radius: 8px;
    overflow: hidden;
  }
  .card > h2 {
    display: flex;
    align-items: center;
    gap: 8px;
    margin: 0;
    padding: 10px 14px;
    font-size: 13px;
    font-weight: 600;
    border-bottom: 1px solid var(--p-border);
  }
  .card > h2 .badge {
    background: var(--p-not-ready-soft);
    color: var(--p-text-muted);
  }
  .card > h2 .badge.some {
    background: var(--p-primary);
    color: #fff;
  }
  table {
    width: 100%;
    border-collapse: collapse;
  }
  th {
    text-align: left;
    font-size: 11px;
    font-weight: 600;
    text-transform: uppercase;
    letter-spacing: 0.03em;
    color: var(--p-text-muted);
    padding: 6px 14px;
    background: var(--p-bg);
    border-bottom: 1px solid var(--p-border-soft);
    white-space: nowrap;
  }
  td {
    padding: 7px 14px;
    border-bottom: 1px solid var(--p-border-soft);
    vertical-align: top;
  }
  tr:last-child td {
    border-bottom: none;
  }
  .num {
    text-align: right;
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
  }
  .time {
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
  }
  .warn {
    color: #9a6700;
    font-weight: 600;
  }
  .bad {
    color: var(--p-danger);
    font-weight: 600;
  }
  .empty {
    padding: 18px 14px;
    text-align: center;
    color: var(--p-text-faint);
  }
  .chip {
    display: inline-block;
    font-size: 11px;
    line-height: 17px;
    padding: 0 6px;
    border-radius: 9px;
    background: var(--p-bg);
    border: 1px solid var(--p-border-soft);
    color: var(--p-text);
    white-space: nowrap;
    margin: 1px 2px 1px 0;
  }
  .chip.private {
    background: var(--p-not-ready-soft);
    color: var(--p-text-muted);
  }
  .chip.call {
    background: var(--p-wrap-up-soft);
    color: var(--p-wrap-up);
    border-color: transparent;
  }
  .clip {
    display: -webkit-box;
    -webkit-line-clamp: 2;
    -webkit-box-orient: vertical;
    overflow: hidden;
    overflow-wrap: anywhere;
  }
  .sub {
    font-size: 12px;
    color: var(--p-text-muted);
  }
`
