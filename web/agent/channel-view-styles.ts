/**
 * Look of `<parley-channel-view>`: its header (visitor, question, page, end buttons), the
 * "ended" bar and the composer (reply box, counter, hint). The transcript styles itself.
 */
import { css } from 'lit'

/** Styles of the channel view, adopted after `baseStyles`. */
export const channelViewStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    min-height: 0;
    height: 100%;
    background: var(--p-surface);
  }
  :host(:not([active])) {
    display: none;
  }
  .head {
    display: flex;
    gap: 16px;
    align-items: flex-start;
    padding: 10px 16px;
    border-bottom: 1px solid var(--p-border);
  }
  .who {
    flex: 1;
    min-width: 0;
  }
  .who h2 {
    font-size: 15px;
    margin: 0 0 2px;
    display: flex;
    align-items: center;
    gap: 8px;
  }
  .pill {
    font-size: 11px;
    font-weight: 600;
    padding: 1px 8px;
    border-radius: 9px;
    background: var(--p-ready-soft);
    color: var(--p-ready);
  }
  .pill.is-ended {
    background: var(--p-not-ready-soft);
    color: var(--p-text-muted);
  }
  .question {
    margin: 2px 0;
    color: var(--p-text);
    overflow-wrap: anywhere;
    display: -webkit-box;
    -webkit-line-clamp: 2;
    -webkit-box-orient: vertical;
    overflow: hidden;
  }
  .question::before {
    content: 'Q: ';
    color: var(--p-text-faint);
    font-weight: 600;
  }
  .meta {
    font-size: 12px;
    color: var(--p-text-muted);
    display: flex;
    gap: 10px;
    min-width: 0;
  }
  .meta a,
  .meta .page {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    min-width: 0;
  }
  .actions {
    display: flex;
    align-items: center;
    gap: 6px;
    flex: none;
  }
  .confirm-text {
    font-weight: 600;
    margin-right: 2px;
  }
  .ended {
    padding: 10px 16px;
    border-top: 1px solid var(--p-border);
    background: var(--p-not-ready-soft);
    display: flex;
    align-items: center;
    gap: 10px;
  }
  .ended strong {
    flex: none;
  }
  .ended span {
    flex: 1;
  }
  .problem {
    padding: 6px 16px;
    background: var(--p-danger-soft);
    color: var(--p-danger);
    border-top: 1px solid #ffcecb;
  }
  form {
    display: flex;
    gap: 8px;
    align-items: flex-end;
    padding: 10px 16px 12px;
    border-top: 1px solid var(--p-border);
  }
  .field {
    flex: 1;
    position: relative;
  }
  textarea {
    display: block;
    width: 100%;
    resize: none;
    min-height: 38px;
    max-height: 140px;
    field-sizing: content;
    line-height: 1.4;
    padding: 8px 10px;
  }
  textarea:disabled {
    background: var(--p-bg);
  }
  .counter {
    position: absolute;
    right: 8px;
    bottom: -15px;
    font-size: 11px;
    color: var(--p-text-faint);
  }
  .counter.over {
    color: var(--p-danger);
  }
  form button {
    height: 38px;
    padding: 0 18px;
  }
  form {
    flex-wrap: wrap;
  }
  .audience,
  .audience-note {
    flex-basis: 100%;
    max-width: 260px;
    font-size: 12px;
  }
  .audience {
    padding: 3px 6px;
    border: 1px solid var(--p-border);
    border-radius: 6px;
    background: var(--p-surface, #fff);
    color: inherit;
  }
  .audience-note {
    color: #8a6d00;
    font-weight: 600;
  }
  form[data-audience='whisper'] textarea {
    background: #fffbea;
    border-color: #e2b93b;
  }
  form[data-audience='private'] textarea {
    background: #f7f4ff;
    border-color: #a892e8;
  }
  .hint {
    font-size: 11px;
    color: var(--p-text-faint);
    padding: 0 16px 6px;
    margin-top: -8px;
  }
`
