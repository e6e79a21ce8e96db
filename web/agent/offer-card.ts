/**
 * One ringing request as `<parley-offer-list>` shows it: visitor, queue, the skill hints
 * that routed it, the question and page, a ring bar counting down to `offerExpiresAt`, and
 * Decline / Accept. A template plus its styles (rendered in the list's shadow root, so the
 * card's text stays readable from the list item).
 */
import { css, html, nothing } from 'lit'
import { styleMap } from 'lit/directives/style-map.js'
import type { RequestView } from '../protocol/views.js'
import { HINT_SOURCES, displayUrl, formatCountdown, formatElapsed, formatEstimate, safeHref } from './format.js'

/** What the card needs besides the request. */
export interface OfferCardOptions {
  now: number
  /** arrived moments ago: highlighted */
  isNew: boolean
  /** how long the ring lasts in total as this console saw it (ms), for the bar */
  ringTotalMs: number
  /** this card's accept / decline is in flight */
  accepting: boolean
  declining: boolean
  /** some other action is in flight: buttons wait */
  busy: boolean
  /** no capacity left for this kind of conversation */
  full: boolean
  onAccept: () => void
  onDecline: () => void
}

/** Below this many seconds left the ring bar turns red. */
const URGENT_MS = 5000

export function renderOfferCard(offer: RequestView, options: OfferCardOptions) {
  const { now } = options
  const waitedMs = now - Date.parse(offer.createdAt)
  const href = safeHref(offer.pageUrl)
  return html`<li class=${options.isNew ? 'new' : ''} data-test="offer" data-request-id=${offer.id} data-kind=${offer.kind}>
    <div class="top">
      <span class="name">${offer.visitor.displayName ?? 'Visitor'}</span>
      ${offer.visitor.returning ? html`<span class="badge returning" data-test="returning">Returning visitor</span>` : nothing}
      ${offer.kind === 'call' ? html`<span class="badge call">Call</span>` : nothing}
      <span class="wait ${waitedMs > 120_000 ? 'long' : ''}" title="Waiting since ${new Date(offer.createdAt).toLocaleTimeString()}" data-test="wait"
        >waiting <strong>${formatElapsed(offer.createdAt, now)}</strong></span
      >
    </div>
    <div class="queue-line">
      <span class="queue" data-test="offer-queue">${offer.queue?.name ?? 'No queue'}</span>
      ${offer.position ? html`<span>#${offer.position} in queue</span>` : nothing}
      ${offer.estimate && (offer.position ?? 0) > 1 ? html`<span title="Expected wait of this visitor">est. ${formatEstimate(offer.estimate)}</span>` : nothing}
    </div>
    ${offer.question
      ? html`<p class="question" title=${offer.question}>${offer.question}</p>`
      : html`<p class="question muted" data-test="offer-proactive">Said yes to a proactive offer (the cart shows in the conversation)</p>`}
    ${offer.pageUrl
      ? href
        ? html`<a class="page" href=${href} target="_blank" rel="noopener noreferrer" title=${offer.pageUrl} data-test="offer-page">${displayUrl(offer.pageUrl)}</a>`
        : html`<span class="page muted" title=${offer.pageUrl}>${displayUrl(offer.pageUrl)}</span>`
      : html`<span class="page muted">Page unknown</span>`}
    ${offer.hints.length > 0
      ? html`<ul class="hints" aria-label="Skill hints">
          ${offer.hints.map(
            (hint) =>
              html`<li class="tag" data-test="hint" data-key=${hint.key} data-source=${hint.source} title="Skill hint used for routing"
                ><strong>${hint.key}:</strong> ${hint.value}<span class="source"> · ${HINT_SOURCES[hint.source] ?? hint.source}</span></li
              >`,
          )}
        </ul>`
      : nothing}
    ${renderRing(offer, options)}
    <div class="actions">
      <button type="button" data-test="decline" ?disabled=${options.busy} title="Let the next agent take it" @click=${options.onDecline}>
        ${options.declining ? 'Declining…' : 'Decline'}
      </button>
      <button
        class="primary"
        type="button"
        data-test="accept"
        ?disabled=${options.busy || options.full}
        title=${options.full ? 'You are at capacity: end a conversation first' : 'Take this request'}
        @click=${options.onAccept}
      >
        ${options.accepting ? 'Accepting…' : 'Accept'}
      </button>
    </div>
  </li>`
}

function renderRing(offer: RequestView, { now, ringTotalMs }: OfferCardOptions) {
  if (!offer.offerExpiresAt) return nothing
  const expires = Date.parse(offer.offerExpiresAt)
  const leftMs = Math.max(0, expires - now)
  const fraction = ringTotalMs > 0 ? Math.min(1, leftMs / ringTotalMs) : 0
  const label = leftMs > 0 ? `Ringing · ${formatCountdown(expires, now)} left` : 'Ringing out…'
  return html`<div class="ring ${leftMs < URGENT_MS ? 'urgent' : ''}" data-test="ring" data-expires-at=${offer.offerExpiresAt}>
    <div
      class="track"
      role="progressbar"
      aria-label="Time left to answer"
      aria-valuemin="0"
      aria-valuemax=${Math.round(ringTotalMs / 1000)}
      aria-valuenow=${Math.ceil(leftMs / 1000)}
      aria-valuetext=${label}
    >
      <div class="bar" style=${styleMap({ width: `${(fraction * 100).toFixed(1)}%` })}></div>
    </div>
    <span class="left">${label}</span>
  </div>`
}

/** Styles of the cards (adopted by the list after `baseStyles`). */
export const offerCardStyles = css`
  li[data-test='offer'] {
    border: 1px solid var(--p-border);
    border-radius: 8px;
    padding: 10px 12px;
    margin-bottom: 8px;
    background: var(--p-surface);
    transition:
      background-color 0.4s,
      border-color 0.4s;
  }
  li[data-test='offer'].new {
    border-color: var(--p-primary);
    background: var(--p-primary-soft);
    box-shadow: 0 0 0 2px rgba(47, 111, 237, 0.18);
  }
  .top {
    display: flex;
    align-items: center;
    gap: 6px;
    margin-bottom: 2px;
  }
  .name {
    font-weight: 600;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .returning {
    background: #ddf4ff;
    color: #0550ae;
    font-weight: 500;
  }
  .call {
    background: var(--p-wrap-up-soft);
    color: var(--p-wrap-up);
  }
  .wait {
    margin-left: auto;
    color: var(--p-text-muted);
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
  }
  .wait.long {
    color: var(--p-danger);
    font-weight: 600;
  }
  .queue-line {
    display: flex;
    flex-wrap: wrap;
    gap: 0 10px;
    font-size: 12px;
    color: var(--p-text-muted);
    margin-bottom: 4px;
  }
  .queue {
    font-weight: 600;
    color: var(--p-text);
  }
  .question {
    margin: 0 0 6px;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    display: -webkit-box;
    -webkit-line-clamp: 4;
    -webkit-box-orient: vertical;
    overflow: hidden;
  }
  .page {
    display: block;
    font-size: 12px;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    margin-bottom: 6px;
  }
  .hints {
    list-style: none;
    margin: 0 0 8px;
    padding: 0;
    display: flex;
    flex-wrap: wrap;
    gap: 4px;
  }
  .tag {
    font-size: 11px;
    line-height: 18px;
    padding: 0 7px;
    border-radius: 9px;
    background: var(--p-bg);
    border: 1px solid var(--p-border-soft);
    color: var(--p-text);
    max-width: 100%;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .tag strong {
    font-weight: 600;
  }
  .tag .source {
    color: var(--p-text-faint);
  }
  .ring {
    display: flex;
    align-items: center;
    gap: 8px;
    margin-bottom: 8px;
    font-size: 12px;
    color: var(--p-text-muted);
    font-variant-numeric: tabular-nums;
  }
  .track {
    flex: 1;
    height: 6px;
    border-radius: 3px;
    background: var(--p-border-soft);
    overflow: hidden;
  }
  .bar {
    height: 100%;
    background: var(--p-primary);
    border-radius: 3px;
    transition: width 0.25s linear;
  }
  .ring.urgent {
    color: var(--p-danger);
    font-weight: 600;
  }
  .ring.urgent .bar {
    background: var(--p-danger);
  }
  .left {
    white-space: nowrap;
  }
  .actions {
    display: flex;
    align-items: center;
    justify-content: flex-end;
    gap: 8px;
  }
  @media (prefers-reduced-motion: reduce) {
    .bar {
      transition: none;
    }
  }
`
