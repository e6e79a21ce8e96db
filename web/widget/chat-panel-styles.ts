/** Look of `<parley-chat-panel>`: header, banners, stage area, typing line and footer. */
import { css } from 'lit'

/** Styles of the chat panel itself, adopted after `panelStyles`. */
export const chatPanelStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    height: 100%;
    background: #fff;
    overflow: hidden;
  }
  header {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 12px 10px 12px 16px;
    background: var(--parley-primary);
    color: #fff;
  }
  .title {
    flex: 1;
    min-width: 0;
    display: flex;
    flex-direction: column;
  }
  .title strong {
    font-size: 15px;
    font-weight: 600;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .title span {
    font-size: 12px;
    opacity: 0.9;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  header button {
    border: 0;
    border-radius: 6px;
    background: rgba(255, 255, 255, 0.16);
    color: #fff;
  }
  header button:hover {
    background: rgba(255, 255, 255, 0.28);
  }
  .end {
    padding: 5px 10px;
    font-size: 13px;
  }
  .icon {
    display: grid;
    place-items: center;
    width: 32px;
    height: 32px;
    padding: 0;
  }
  .banner {
    padding: 6px 12px;
    background: #fff4d6;
    color: #6b4f00;
    font-size: 12.5px;
    text-align: center;
  }
  .notice {
    margin: 0;
    padding: 5px 14px;
    background: #f4f6fa;
    color: #5a667d;
    font-size: 11.5px;
    text-align: center;
  }
  main {
    flex: 1;
    min-height: 0;
    display: flex;
    flex-direction: column;
  }
  .reminder {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 8px 8px 8px 14px;
    background: #e6f6ec;
    color: #145c32;
    font-size: 13px;
    font-weight: 600;
  }
  .reminder span {
    flex: 1;
  }
  .reminder button {
    border: 0;
    border-radius: 6px;
    padding: 2px 8px;
    background: none;
    color: inherit;
    font-size: 16px;
    line-height: 1;
  }
  .reminder button:hover {
    background: rgba(20, 92, 50, 0.1);
  }
  main > parley-question-form,
  main > parley-waiting-view,
  main > parley-booked-view,
  main > parley-message-list {
    flex: 1;
    min-height: 0;
  }
  .center {
    flex: 1;
    display: flex;
    flex-direction: column;
    align-items: center;
    justify-content: center;
    gap: 12px;
    padding: 24px;
    text-align: center;
  }
  .spinner {
    width: 28px;
    height: 28px;
    border: 3px solid var(--parley-line);
    border-top-color: var(--parley-primary);
    border-radius: 50%;
    animation: spin 0.8s linear infinite;
  }
  @keyframes spin {
    to {
      transform: rotate(360deg);
    }
  }
  .typing {
    padding: 2px 16px 4px;
    min-height: 20px;
    color: var(--parley-muted);
    font-size: 12.5px;
    font-style: italic;
  }
  main > .error {
    padding: 4px 16px;
  }
  .footer {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: center;
    gap: 8px 10px;
    padding: 12px;
    border-top: 1px solid var(--parley-line);
    background: var(--parley-soft);
    text-align: center;
  }
  .footer p {
    width: 100%;
    margin: 0;
    font-weight: 600;
  }
`
