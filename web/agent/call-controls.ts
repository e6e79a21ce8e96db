/**
 * Calls in `<parley-channel-view>`: the "Voice call" / "Video call" buttons in the header,
 * the prompt when the visitor asks for a call, "Calling…" with cancel while it rings at the
 * visitor, and the call itself (with screen sharing) above the transcript. A lit
 * ReactiveController rendering into the channel view's shadow root, like ChannelComposer.
 * The call view (mediasoup-client) is a separate chunk, loaded when a call rings or starts.
 */
import { css, html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit'
import { keyed } from 'lit/directives/keyed.js'
import type { ChannelView } from '../protocol/views.js'
import { CallActions } from '../shared/call-actions.js'
import { cameraIcon, phoneIcon } from '../shared/call-icons.js'
import { callPhase } from '../shared/call-state.js'
import { livePhoneLeg } from '../shared/phone-state.js'
import { callViewLoaded, loadCallView } from '../shared/call-view-loader.js'
import type { ChannelSync } from '../shared/channel-sync.js'
import { visitorName } from './format.js'

/** What the controls need from the channel view. */
export interface CallControlsHost extends ReactiveControllerHost {
  readonly sync: ChannelSync | null
  readonly channelId: string
}

/** Styles of the call parts, adopted by the channel view. */
export const callControlsStyles = css`
  .call-start {
    display: inline-flex;
    align-items: center;
    gap: 5px;
  }
  .call-start svg {
    width: 16px;
    height: 16px;
  }
  .call-record {
    display: flex;
    align-items: center;
    justify-content: flex-end;
    gap: 8px;
    padding: 4px 16px;
  }
  .call-record .rec {
    color: #b3261e;
    font-weight: 600;
  }
  .call-prompt {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 8px 16px;
    border-bottom: 1px solid var(--p-border);
    background: var(--p-primary-soft);
  }
  .call-prompt.calling {
    background: var(--p-bg);
  }
  .call-prompt span {
    flex: 1;
  }
  parley-call-view {
    flex: none;
    --parley-call-height: 260px;
  }
  .call-loading {
    padding: 10px 16px;
    background: #11161f;
    color: #c4ccda;
  }
  .call-error {
    padding: 4px 16px;
  }
`

export class CallControls implements ReactiveController {
  private actions: CallActions | undefined
  private viewLoading = false
  private viewFailed = false
  private shownPhase = ''

  constructor(private readonly host: CallControlsHost) {
    host.addController(this)
  }

  hostUpdate(): void {
    const phase = callPhase(this.view())
    const key = phase.kind === 'none' ? 'none' : `${phase.kind}:${phase.call.id}`
    if (key !== this.shownPhase) {
      this.shownPhase = key
      this.actions?.clearError()
      this.viewFailed = false
    }
    if (phase.kind !== 'none' && !this.viewFailed) this.loadView()
  }

  /** "Voice call" and "Video call", for the header of an open conversation without a call. */
  renderStartButtons(): TemplateResult | typeof nothing {
    const view = this.view()
    if (!view || view.status !== 'open' || callPhase(view).kind !== 'none') return nothing
    const busy = this.calls()?.busy !== null
    return html`<button type="button" class="call-start" data-test="call-voice" ?disabled=${busy} @click=${() => this.request(view, false)}>
        ${phoneIcon} Voice call
      </button>
      <button type="button" class="call-start" data-test="call-video-start" ?disabled=${busy} @click=${() => this.request(view, true)}>${cameraIcon} Video call</button>`
  }

  /** The prompt, "Calling…" or the call, shown above the transcript. */
  renderBar(): unknown {
    const view = this.view()
    const phase = callPhase(view)
    const calls = this.calls()
    const errorLine = calls?.error ? html`<div class="error call-error" data-test="call-action-error" role="alert">${calls.error}</div>` : nothing
    if (!view || !calls || phase.kind === 'none') return errorLine
    const kind = phase.call.video ? 'video call' : 'voice call'
    const busy = calls.busy !== null
    switch (phase.kind) {
      case 'incoming':
        return html`<div class="call-prompt" data-test="call-incoming" data-video=${phase.call.video ? 'true' : 'false'} role="alertdialog" aria-label="Incoming ${kind}">
            <span><strong>${visitorName(view)}</strong> asks for a <strong>${kind}</strong>.</span>
            <button type="button" class="primary" data-test="call-accept" ?disabled=${busy} @click=${() => calls.answer(view.id, phase.call.id, true)}>Accept</button>
            <button type="button" data-test="call-decline" ?disabled=${busy} @click=${() => calls.answer(view.id, phase.call.id, false)}>Decline</button>
          </div>
          ${errorLine}`
      case 'outgoing':
        return html`<div class="call-prompt calling" data-test="call-outgoing" role="status">
            <span>Calling… (${kind}, ringing at the visitor)</span>
            <button type="button" data-test="call-cancel" ?disabled=${busy} @click=${() => calls.cancel(view.id, phase.call.id)}>Cancel</button>
          </div>
          ${errorLine}`
      case 'active': {
        const recording = phase.call.recording
        const recordBar = html`<div class="call-record" data-test="call-recording" data-recording=${recording ? 'true' : 'false'}>
            ${recording ? html`<span class="rec" role="status">● Recording</span>` : nothing}
            <button type="button" data-test="call-record" ?disabled=${busy} @click=${() => calls.record(view.id, phase.call.id, !recording)}>
              ${recording ? 'Stop recording' : 'Record call'}
            </button>
          </div>
          ${errorLine}`
        if (!callViewLoaded()) return html`<div class="call-loading" role="status">${this.viewFailed ? 'The call could not be loaded: reload the console.' : 'Starting the call…'}</div>`
        return keyed(
          phase.call.id,
          html`<parley-call-view
            canShareScreen
            .signaling=${calls.signaling}
            channel-id=${view.id}
            call-id=${phase.call.id}
            .selfParticipantId=${view.selfParticipantId}
            .participants=${this.callParticipants(view)}
            .video=${phase.call.video}
            .startedAt=${phase.call.startedAt}
          ></parley-call-view>
          ${recordBar}`,
        )
      }
    }
  }

  /** Who the call view shows: the channel's people, the visitor as their phone leg while they are on the phone. */
  private callParticipants(view: ChannelView): { id: string; name: string }[] {
    const leg = livePhoneLeg(this.host.sync?.channels.get(view.id)?.events ?? [])
    const people = view.participants
      .filter((participant) => !participant.leftAt && !(leg && participant.role === 'visitor'))
      .map((participant) => ({ id: participant.id, name: participant.role === 'visitor' ? visitorName(view) : participant.name }))
    return leg ? [...people, { id: leg.id, name: `Phone: ${visitorName(view)}` }] : people
  }

  private view(): ChannelView | undefined {
    return this.host.sync?.channels.get(this.host.channelId)?.view
  }

  private calls(): CallActions | undefined {
    const link = this.host.sync?.link
    if (!link) return undefined
    this.actions ??= new CallActions(link, () => this.host.requestUpdate())
    return this.actions
  }

  private request(view: ChannelView, video: boolean): void {
    this.loadView() // fetch the call's code while the visitor is asked
    void this.calls()?.request(view.id, video)
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
        console.error(`the call view could not be loaded: ${error.message}`)
        this.viewLoading = false
        this.viewFailed = true
        this.host.requestUpdate()
      },
    )
  }
}
