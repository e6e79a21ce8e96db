/**
 * Look of `<parley-agent-console>`: the page shell, the two-column body, the stage with its
 * admin and live panes, the empty-stage placeholder and the toasts.
 */
import { css } from 'lit'

/** Styles of the agent console, adopted after `baseStyles`. */
export const agentConsoleStyles = css`
  :host {
    display: block;
    height: 100%;
    min-width: 1000px;
    background: var(--p-bg);
  }
  .boot {
    display: grid;
    place-items: center;
    height: 100%;
    color: var(--p-text-faint);
  }
  .shell {
    display: grid;
    grid-template-rows: auto 1fr;
    height: 100%;
  }
  .body {
    display: grid;
    grid-template-columns: 320px 1fr;
    min-height: 0;
  }
  parley-offer-list {
    border-right: 1px solid var(--p-border);
    min-height: 0;
  }
  main {
    display: flex;
    flex-direction: column;
    min-width: 0;
    min-height: 0;
  }
  .stage {
    flex: 1;
    min-height: 0;
    position: relative;
    background: var(--p-surface);
  }
  .admin-pane {
    height: 100%;
    overflow-y: auto;
    background: var(--p-bg);
  }
  /* NOTE: both admin sections scroll themselves when alone; stacked, the pane scrolls */
  .admin-pane > parley-embed-admin,
  .admin-pane > parley-routing-admin {
    display: block;
    height: auto;
    overflow: visible;
  }
  .admin-pane > parley-routing-admin {
    border-top: 1px solid var(--p-border);
  }
  .placeholder {
    height: 100%;
    display: grid;
    place-items: center;
    text-align: center;
    color: var(--p-text-faint);
    padding: 24px;
  }
  .placeholder strong {
    display: block;
    color: var(--p-text-muted);
    font-size: 14px;
    margin-bottom: 4px;
  }
  .toasts {
    position: fixed;
    right: 16px;
    bottom: 16px;
    display: flex;
    flex-direction: column;
    gap: 8px;
    z-index: 10;
    max-width: 380px;
  }
  .toast {
    display: flex;
    gap: 10px;
    align-items: flex-start;
    padding: 10px 12px;
    border-radius: 8px;
    background: #24292f;
    color: #fff;
    box-shadow: 0 8px 24px rgba(31, 35, 40, 0.2);
  }
  .toast.error {
    background: #a40e26;
  }
  .toast span {
    flex: 1;
  }
  .toast button {
    border: none;
    background: none;
    color: inherit;
    padding: 0 2px;
    opacity: 0.8;
  }
  .toast button:hover:not(:disabled) {
    background: none;
    opacity: 1;
  }
  @media (max-width: 1150px) {
    .body {
      grid-template-columns: 272px 1fr;
    }
  }
`
