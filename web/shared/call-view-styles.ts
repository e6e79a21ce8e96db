/**
 * Look of `<parley-call-view>`: a dark stage of tiles (remote video or an avatar per
 * participant, shared screens), the mirrored local preview in a corner, the status and error
 * lines and a row of round controls. Hosts size it with `--parley-call-height`.
 */
import { css } from 'lit'

export const callViewStyles = css`
  :host {
    display: block;
    background: #11161f;
    color: #f1f4f9;
    font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
    font-size: 13px;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  .stage {
    position: relative;
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(140px, 1fr));
    gap: 4px;
    height: var(--parley-call-height, 220px);
    padding: 4px;
  }
  .tile {
    position: relative;
    min-height: 0;
    border-radius: 8px;
    overflow: hidden;
    background: #1e2633;
    display: grid;
    place-items: center;
    outline: 2px solid transparent;
    transition: outline-color 0.2s;
  }
  .tile.screen {
    grid-column: 1 / -1;
    background: #000;
  }
  .tile.speaking {
    outline-color: #46c37b;
  }
  .tile video {
    width: 100%;
    height: 100%;
    object-fit: cover;
  }
  .tile.screen video {
    object-fit: contain;
  }
  .avatar {
    display: grid;
    place-items: center;
    width: 64px;
    height: 64px;
    border-radius: 50%;
    background: #3a4a63;
    font-size: 24px;
    font-weight: 600;
  }
  .label {
    position: absolute;
    left: 6px;
    bottom: 6px;
    max-width: calc(100% - 12px);
    padding: 1px 7px;
    border-radius: 9px;
    background: rgba(0, 0, 0, 0.55);
    font-size: 12px;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .self {
    position: absolute;
    right: 10px;
    bottom: 10px;
    width: 96px;
    height: 72px;
    border-radius: 6px;
    overflow: hidden;
    background: #000;
    box-shadow: 0 2px 8px rgba(0, 0, 0, 0.5);
  }
  .self video {
    width: 100%;
    height: 100%;
    object-fit: cover;
    transform: scaleX(-1);
  }
  .bar {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 6px 10px 8px;
    flex-wrap: wrap;
  }
  .status {
    flex: 1;
    min-width: 120px;
    color: #c4ccda;
  }
  .status[data-state='reconnecting'],
  .status[data-state='joining'] {
    color: #ffd479;
  }
  .controls {
    display: flex;
    gap: 6px;
  }
  button {
    display: grid;
    place-items: center;
    width: 38px;
    height: 38px;
    padding: 0;
    border: 0;
    border-radius: 50%;
    background: #2c3647;
    color: inherit;
    font: inherit;
    cursor: pointer;
  }
  button:hover:not(:disabled) {
    background: #3a475d;
  }
  button:focus-visible {
    outline: 3px solid #9bbcff;
    outline-offset: 1px;
  }
  button:disabled {
    opacity: 0.5;
    cursor: default;
  }
  button.off {
    background: #f1f4f9;
    color: #11161f;
  }
  button.sharing {
    background: #2f6fed;
  }
  button.hangup {
    width: 48px;
    border-radius: 19px;
    background: #d6363c;
  }
  button.hangup:hover {
    background: #b92a30;
  }
  .error {
    margin: 0;
    padding: 0 10px 8px;
    color: #ff9c9c;
  }
  .devices {
    display: grid;
    grid-template-columns: auto 1fr;
    align-items: center;
    gap: 6px 8px;
    padding: 0 10px 10px;
  }
  select {
    min-width: 0;
    width: 100%;
    padding: 4px 6px;
    border-radius: 6px;
    border: 1px solid #3a475d;
    background: #1e2633;
    color: inherit;
    font: inherit;
  }
  audio {
    display: none;
  }
`
