/**
 * Look of `<parley-transcript-view>`: the scrolling log (message bubbles, system lines,
 * pending sends, "seen" marks) and the live typing preview under it.
 */
import { css } from 'lit'

/** Styles of the transcript, adopted after `baseStyles`. */
export const transcriptStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    flex: 1;
    min-height: 0;
  }
  .transcript {
    flex: 1;
    min-height: 0;
    overflow-y: auto;
    padding: 14px 16px 6px;
    background: #fbfcfd;
  }
  .loading {
    text-align: center;
    color: var(--p-text-faint);
    padding: 24px;
  }
  .system {
    text-align: center;
    color: var(--p-text-muted);
    font-size: 12px;
    margin: 8px 0;
  }
  .system time {
    color: var(--p-text-faint);
    margin-left: 4px;
  }
  .ended-line {
    color: var(--p-text);
    font-weight: 600;
  }
  .row {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    margin: 6px 0;
  }
  .row.mine {
    align-items: flex-end;
  }
  .author {
    font-size: 11px;
    color: var(--p-text-muted);
    margin: 0 4px 2px;
  }
  .bubble {
    max-width: min(72%, 640px);
    padding: 7px 11px;
    border-radius: 12px;
    background: #eef1f4;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    border-bottom-left-radius: 4px;
  }
  .row.mine .bubble {
    background: var(--p-primary);
    color: #fff;
    border-bottom-left-radius: 12px;
    border-bottom-right-radius: 4px;
  }
  .row.supervisor .bubble {
    background: #fff8c5;
  }
  .row.whisper .bubble,
  .row.mine.whisper .bubble {
    background: #fff6d8;
    color: #5b4500;
    border: 1px dashed #e2b93b;
  }
  .row.sidebar .bubble,
  .row.mine.sidebar .bubble {
    background: #f1ecff;
    color: #3d2a7a;
    border: 1px dashed #a892e8;
  }
  .system.lead {
    color: #5a667d;
    font-style: italic;
  }
  .row.pending .bubble {
    opacity: 0.65;
  }
  .row.failed .bubble {
    background: var(--p-danger-soft);
    color: var(--p-text);
    border: 1px solid #ffcecb;
    opacity: 1;
  }
  .stamp {
    font-size: 11px;
    color: var(--p-text-faint);
    margin: 2px 4px 0;
    display: flex;
    gap: 6px;
    align-items: center;
  }
  .seen {
    color: var(--p-primary);
    font-weight: 600;
  }
  .stamp .error {
    font-weight: 600;
  }
  .typing-preview {
    padding: 4px 16px 6px;
    color: var(--p-text-muted);
    font-style: italic;
    font-size: 12px;
    background: #fbfcfd;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    max-height: 4.5em;
    overflow: hidden;
    display: -webkit-box;
    -webkit-line-clamp: 3;
    -webkit-box-orient: vertical;
  }
`
