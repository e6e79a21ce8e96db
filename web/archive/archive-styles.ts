/** Look of the archive (list, channel, transcript, replay) on top of the admin tokens. */
import { css } from 'lit'

export const archiveStyles = css`
  :host {
    height: 100%;
    overflow-y: auto;
    background: var(--p-bg);
  }
  .sheet {
    max-width: 1200px;
    padding: 16px 20px 40px;
  }
  header.top {
    display: flex;
    align-items: baseline;
    gap: 12px;
    margin-bottom: 10px;
  }
  h1 {
    font-size: 18px;
    margin: 0;
  }
  .spacer {
    flex: 1;
  }
  form.filters {
    display: grid;
    grid-template-columns: minmax(180px, 2fr) repeat(5, minmax(110px, 1fr)) auto;
    gap: 8px 10px;
    align-items: end;
  }
  .results td {
    cursor: pointer;
  }
  .results tr:hover td {
    background: var(--p-primary-soft);
  }
  .question {
    max-width: 360px;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .pill {
    display: inline-block;
    font-size: 11px;
    font-weight: 600;
    padding: 0 6px;
    border-radius: 9px;
    background: var(--p-border-soft);
    color: var(--p-text-muted);
  }
  .pill.open {
    background: var(--p-ready-soft);
    color: var(--p-ready);
  }
  .pill.staff {
    background: #fff8c5;
    color: #7d4e00;
  }
  .meta {
    display: grid;
    grid-template-columns: max-content 1fr max-content 1fr;
    gap: 3px 14px;
    margin: 8px 0 12px;
  }
  .meta dt {
    color: var(--p-text-muted);
  }
  .meta dd {
    margin: 0;
    overflow-wrap: anywhere;
  }
  .toolbar {
    display: flex;
    gap: 8px;
    align-items: center;
    flex-wrap: wrap;
  }
  a.button {
    display: inline-block;
    border: 1px solid var(--p-border);
    background: var(--p-surface);
    color: var(--p-text);
    border-radius: var(--p-radius);
    padding: 4px 10px;
    line-height: 18px;
    text-decoration: none;
    white-space: nowrap;
  }
  a.button:hover {
    background: var(--p-bg);
  }
  nav.views {
    display: flex;
    gap: 2px;
    border-bottom: 1px solid var(--p-border);
    margin: 12px 0;
  }
  nav.views button {
    border: none;
    border-bottom: 2px solid transparent;
    border-radius: 0;
    background: none;
    padding: 6px 12px;
    font-weight: 600;
    color: var(--p-text-muted);
    margin-bottom: -1px;
  }
  nav.views button[aria-selected='true'] {
    color: var(--p-text);
    border-bottom-color: var(--p-primary);
  }
  .log {
    display: flex;
    flex-direction: column;
  }
  .entry {
    display: grid;
    grid-template-columns: 70px 1fr;
    gap: 10px;
    padding: 5px 0;
    border-bottom: 1px solid var(--p-border-soft);
  }
  .entry time {
    color: var(--p-text-faint);
    font-variant-numeric: tabular-nums;
    font-size: 12px;
  }
  .entry .who {
    font-weight: 600;
  }
  .entry .body {
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .entry.system,
  .entry.presence,
  .entry.lifecycle,
  .entry.call,
  .entry.lead,
  .entry.page,
  .entry.signal,
  .entry.unknown {
    color: var(--p-text-muted);
    font-size: 12px;
  }
  .entry.whisper .body,
  .entry.sidebar .body {
    font-style: italic;
  }
  .entry.unknown code {
    font-size: 11px;
  }
  .entry.current {
    background: var(--p-primary-soft);
  }
`
