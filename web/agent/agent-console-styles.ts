/**
 * Look of `<parley-agent-console>`: the page shell, the header (brand, agent, capacity,
 * connection), the two-column body, the empty-stage placeholder and the toasts.
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
  .top {
    display: flex;
    align-items: center;
    gap: 14px;
    height: 52px;
    padding: 0 16px;
    background: var(--p-surface);
    border-bottom: 1px solid var(--p-border);
  }
  .brand {
    display: flex;
    align-items: center;
    gap: 8px;
    font-weight: 700;
    font-size: 14px;
  }
  .logo {
    width: 24px;
    height: 24px;
    border-radius: 6px;
    background: var(--p-primary);
    color: #fff;
    display: grid;
    place-items: center;
    font-size: 13px;
  }
  .who {
    display: flex;
    flex-direction: column;
    line-height: 1.2;
    padding-left: 14px;
    border-left: 1px solid var(--p-border);
    min-width: 0;
  }
  .who strong {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    max-width: 220px;
  }
  .who span {
    font-size: 11px;
    color: var(--p-text-muted);
  }
  .spacer {
    flex: 1;
  }
  .capacity {
    font-variant-numeric: tabular-nums;
    color: var(--p-text-muted);
    white-space: nowrap;
  }
  .capacity strong {
    color: var(--p-text);
  }
  .capacity.full strong {
    color: var(--p-danger);
  }
  .conn {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    font-size: 12px;
    color: var(--p-text-muted);
    white-space: nowrap;
  }
  .conn .dot {
    width: 8px;
    height: 8px;
    border-radius: 50%;
    background: var(--p-ready);
  }
  .conn[data-status='reconnecting'] .dot,
  .conn[data-status='connecting'] .dot {
    background: #d4a72c;
    animation: pulse 1s ease-in-out infinite;
  }
  .conn[data-status='reconnecting'] {
    color: #9a6700;
    font-weight: 600;
  }
  @keyframes pulse {
    50% {
      opacity: 0.35;
    }
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
    .top {
      gap: 10px;
    }
  }
`
