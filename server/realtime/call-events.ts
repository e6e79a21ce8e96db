/** Call and media events, for both kinds of channel member (visitors and agents). */
import * as schema from '../../web/protocol/schemas.js'
import type { Member } from '../services/notifier.js'
import type { Services } from '../services/services.js'
import type { Binder } from './handle.js'
import { bindPhoneEvents, PHONE_EVENTS } from './phone-events.js'

export const CALL_EVENTS = [
  'call:request',
  'call:answer',
  'call:hangup',
  'call:record',
  'media:join',
  'media:setup',
  'media:connect',
  'media:produce',
  'media:producer',
  'media:consumer',
  'media:restart-ice',
  ...PHONE_EVENTS,
] as const

export function bindCallEvents(on: Binder, services: Services, member: Member, tenantId: string): void {
  const { calls, media } = services
  on.request('call:request', schema.callRequest, async (input) => ({ call: await calls.request(member, tenantId, input) }))
  on.request('call:answer', schema.callAnswer, async (input) => ({ call: await calls.answer(member, tenantId, input) }))
  on.request('call:hangup', schema.callRef, async (input) => ({ call: await calls.hangup(member, tenantId, input) }))
  on.request('call:record', schema.callRecord, async (input) => ({ call: await services.edge.record(tenantId, member, input) }))
  on.request('media:join', schema.callRef, (input) => media.join(member, tenantId, input))
  on.request('media:setup', schema.mediaSetup, (input) => media.setup(member, tenantId, input))
  on.request('media:connect', schema.mediaConnect, (input) => media.connect(member, tenantId, input))
  on.request('media:produce', schema.mediaProduce, (input) => media.produce(member, tenantId, input))
  on.request('media:producer', schema.mediaProducer, (input) => media.producer(member, tenantId, input))
  on.request('media:consumer', schema.mediaConsumer, (input) => media.consumer(member, tenantId, input))
  on.request('media:restart-ice', schema.mediaRestartIce, (input) => media.restartIce(member, tenantId, input))
  bindPhoneEvents(on, services, member, tenantId)
}
