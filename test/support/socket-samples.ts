/**
 * One schema-valid payload per socket event, naming the given channel, request and
 * participant (authorization and fuzz tests). A new event needs a sample here.
 */

export interface SampleContext {
  channelId: string
  requestId: string
  /** a participant of the channel (the baton's target) */
  participantId: string
  /** a page of the tenant's site */
  page: string
}

const UUID = '00000000-0000-4000-8000-000000000000'

/** A valid payload per event (schema-valid, so what answers is the authorization or the handler, not the schema). */
export function eventSamples({ channelId, requestId, participantId, page }: SampleContext): Record<string, unknown> {
  return {
    'request:create': { clientRequestId: 'authz-own', question: 'my own question', pageUrl: null },
    'request:cancel': { requestId },
    'request:schedule': { requestId, scheduledFor: new Date(Date.now() + 86_400_000).toISOString() },
    'request:accept': { requestId },
    'request:decline': { requestId },
    'channel:join': { token: 'not-a-real-invitation' },
    'agent:set-state': { state: 'not_ready' },
    'supervisor:watch': { watch: true },
    'supervisor:monitor': { channelId },
    'supervisor:barge': { channelId },
    'lead:companion': { channelId, url: null },
    'channel:invite': { channelId, url: null },
    'channel:resume': { channelId, afterSeq: 0 },
    'chat:send': { channelId, clientMsgId: 'authz-intruder', text: 'let me in' },
    'chat:typing': { channelId, text: 'spoofed' },
    'channel:ack': { channelId, seq: 1 },
    'channel:leave': { channelId },
    'call:request': { channelId, video: false },
    'call:answer': { channelId, callId: 'ca_none', accept: true },
    'call:hangup': { channelId, callId: 'ca_none' },
    'call:record': { channelId, callId: 'ca_none', recording: true },
    'media:join': { channelId, callId: 'ca_none' },
    'media:setup': { channelId, callId: 'ca_none', rtpCapabilities: {} },
    'media:connect': { channelId, transportId: UUID, dtlsParameters: {} },
    'media:produce': { channelId, transportId: UUID, kind: 'audio', rtpParameters: {}, source: 'audio' },
    'media:producer': { channelId, producerId: UUID, action: 'pause' },
    'media:consumer': { channelId, consumerId: UUID, action: 'pause' },
    'media:restart-ice': { channelId, transportId: UUID },
    'phone:get': {},
    'phone:set': { number: '+4917012345678' },
    'phone:call': { channelId },
    'phone:hangup': { channelId, phoneCallId: 'pc_none' },
    'phone:hold': { channelId, phoneCallId: 'pc_none', hold: true },
    'phone:dtmf': { channelId, phoneCallId: 'pc_none', digits: '1' },
    'phone:transfer': { channelId, phoneCallId: 'pc_none', target: '+4917012345678' },
    'page:viewed': { channelId, url: page, title: null },
    'lead:navigate': { channelId, url: page },
    'lead:pass': { channelId, participantId },
    'lead:highlight': { channelId, pageUrl: page, selector: '#total' },
    'lead:clear-highlight': { channelId, pageUrl: page },
    'lead:fill': { channelId, pageUrl: page, selector: '#email', value: 'x@example.com', field: { type: 'email' } },
    'lead:scroll': { channelId, pageUrl: page, x: 0, y: 0.5 },
    'lead:click': { channelId, pageUrl: page, selector: '#buy' },
  }
}

