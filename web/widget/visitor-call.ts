/**
 * The visitor's side of calls, as a part of the chat panel (a lit ReactiveController rendering
 * into the panel's shadow root): the "Voice call" / "Video call" header buttons, the incoming
 * call prompt, "Calling…" with cancel, and the call itself above the messages. The call view
 * and mediasoup-client are a separate chunk, imported only once a call rings or starts.
 */
import { css, html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit'
import { keyed } from 'lit/directives/keyed.js'
import type { ChannelView } from '../protocol/views.js'
import { CallActions } from '../shared/call-actions.js'
import { cameraIcon, phoneIcon } from '../shared/call-icons.js'
import { callPhase, type CallPhase } from '../shared/call-state.js'
import { livePhoneLeg } from '../shared/phone-state.js'
import { callViewLoaded, loadCallView } from '../shared/call-view-loader.js'
import type { VisitorSession } from './visitor-session.js'

/** What the controller needs from the chat panel. */
export interface VisitorCallHost extends ReactiveControllerHost {
  readonly session: VisitorSession
}

/** Styles of the call parts, adopted by the chat panel. */
export const visitorCallStyles = css`
  .call-recording {
    margin: 0;
    padding: 4px 12px;
    color: #b3261e;
    font-size: 12px;
    font-weight: 600;
  }
  .call-prompt {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px;
    padding: 10px 12px;
    border-bottom: 1px solid var(--parley-line);
    background: #eef4ff;
    font-size: 13.5px;
  }
  .call-prompt span {
    flex: 1;
    min-width: 150px;
  }
  .call-prompt button {
    padding: 6px 14px;
  }
  .call-prompt.calling {
    background: var(--parley-soft);
  }
  parley-call-view {
    flex: none;
    --parley-call-height: 170px;
  }
  .call-loading {
    padding: 10px 12px;
    background: #11161f;
    color: #c4ccda;
    font-size: 13px;
  }
  .call-error {
    padding: 4px 12px;
  }
`

export class VisitorCall implements ReactiveController {
  private actions: CallActions | undefined
  private viewLoading = false
  private viewFailed = false
  /** the call phase last rendered, to clear a stale error when it moves on */
  private shownPhase = ''

  constructor(private readonly host: VisitorCallHost) {
    host.addController(this)
  }

  hostUpdate(): void {
    const phase = this.phase()
    const key = phase.kind === 'none' ? 'none' : `${phase.kind}:${phase.call.id}`
    if (key !== this.shownPhase) {
      this.shownPhase = key
      this.actions?.clearError()
      this.viewFailed = false
    }
    if (phase.kind !== 'none' && !this.viewFailed) this.loadView()
  }

  /** "Voice call" and "Video call" buttons, while the chat is open and no call is going on. */
  renderHeaderButtons(): TemplateResult | typeof nothing {
    const view = this.openView()
    if (!view || callPhase(view).kind !== 'none') return nothing
    const busy = this.calls().busy !== null
    return html`<button class="icon" data-test="call-voice" aria-label="Voice call" title="Voice call" ?disabled=${busy} @click=${() => this.request(view, false)}>
        ${phoneIcon}
      </button>
      <button class="icon" data-test="call-video-start" aria-label="Video call" title="Video call" ?disabled=${busy} @click=${() => this.request(view, true)}>
        ${cameraIcon}
      </button>`
  }

  /** The prompt, "Calling…" or the call, shown above the messages. */
  renderBar(): unknown {
    const view = this.openView()
    const phase = this.phase()
    const error = this.actions?.error
    const errorLine = error ? html`<p class="error call-error" data-test="call-action-error" role="alert">${error}</p>` : nothing
    if (!view || phase.kind === 'none') return errorLine
    const calls = this.calls()
    const kind = phase.call.video ? 'video call' : 'voice call'
    switch (phase.kind) {
      case 'incoming': {
        const caller = view.participants.find((participant) => participant.id === phase.call.requestedBy)?.name || 'The agent'
        return html`<div class="call-prompt" data-test="call-incoming" data-video=${phase.call.video ? 'true' : 'false'} role="alertdialog" aria-label="Incoming ${kind}">
            <span>${caller} would like to start a <strong>${kind}</strong> with you.</span>
            <button class="primary" data-test="call-accept" ?disabled=${calls.busy !== null} @click=${() => calls.answer(view.id, phase.call.id, true)}>Accept</button>
            <button class="secondary" data-test="call-decline" ?disabled=${calls.busy !== null} @click=${() => calls.answer(view.id, phase.call.id, false)}>Decline</button>
          </div>
          ${errorLine}`
      }
      case 'outgoing':
        return html`<div class="call-prompt calling" data-test="call-outgoing" role="status">
            <span>Calling… (${kind})</span>
            <button class="secondary" data-test="call-cancel" ?disabled=${calls.busy !== null} @click=${() => calls.cancel(view.id, phase.call.id)}>Cancel</button>
          </div>
          ${errorLine}`
      case 'active':
        // the visitor is in this call on their phone (called back, or after their connection failed): not in the browser too
        if (livePhoneLeg(this.host.session.channel?.events ?? [])?.callId === phase.call.id) return errorLine
        if (!callViewLoaded())
          return html`<div class="call-loading" role="status">${this.viewFailed ? 'The call could not be loaded. Please reload the page.' : 'Starting the call…'}</div>`
        return keyed(
          phase.call.id,
          html`<parley-call-view
            .signaling=${calls.signaling}
            channel-id=${view.id}
            call-id=${phase.call.id}
            .selfParticipantId=${view.selfParticipantId}
            .participants=${view.participants.filter((participant) => !participant.leftAt)}
            .video=${phase.call.video}
            .startedAt=${phase.call.startedAt}
          ></parley-call-view>
          ${phase.call.recording ? html`<p class="call-recording" data-test="call-recording" role="status">● This call is being recorded</p>` : nothing}`,
        )
    }
  }

  private phase(): CallPhase {
    return callPhase(this.openView())
  }

  private openView(): ChannelView | undefined {
    const session = this.host.session
    const view = session.stage === 'chat' ? session.channel?.view : undefined
    return view?.status === 'open' ? view : undefined
  }

  private calls(): CallActions {
    this.actions ??= new CallActions(this.host.session.link, () => this.host.requestUpdate())
    return this.actions
  }

  private request(view: ChannelView, video: boolean): void {
    // fetch the call's code while the other side is asked
    this.loadView()
    void this.calls().request(view.id, video)
  }

  private loadView(): void {
    if (callViewLoaded() || this.viewLoading) return
    this.viewLoading = true
    loadCallView().then(
      () => {
        this.viewLoading = false
        this.host.requestUpdate()
      },
      (error: Error) => {
        console.error(`[Parley] the call view could not be loaded: ${error.message}`)
        this.viewLoading = false
        this.viewFailed = true // tried again on the next call
        this.host.requestUpdate()
      },
    )
  }
}
