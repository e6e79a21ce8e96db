/** Phone events of channel members (web/protocol/phone.ts); the phone service checks who may do what. */
import * as schema from '../../web/protocol/phone-schemas.js'
import { ForbiddenError } from '../errors.js'
import type { Member } from '../services/notifier.js'
import type { Services } from '../services/services.js'
import type { Binder } from './handle.js'

export const PHONE_EVENTS = ['phone:get', 'phone:set', 'phone:call', 'phone:hangup', 'phone:hold', 'phone:dtmf', 'phone:transfer'] as const

export function bindPhoneEvents(on: Binder, services: Services, member: Member, tenantId: string): void {
  const { phone } = services
  const visitorId = (): string => {
    if (member.kind !== 'visitor') throw new ForbiddenError('only visitors keep a phone number here')
    return member.visitorId
  }
  on.request('phone:get', schema.phoneGet, async () => ({ phone: await phone.getPhone(visitorId()), available: services.media.available && phone.canBridge(tenantId) }))
  on.request('phone:set', schema.phoneSet, async (input) => ({ phone: await phone.setPhone(visitorId(), tenantId, input) }))
  on.request('phone:call', schema.phoneCall, (input) => phone.call(member, tenantId, input))
  on.request('phone:hangup', schema.phoneRef, (input) => phone.hangup(member, tenantId, input))
  on.request('phone:hold', schema.phoneHold, (input) => phone.hold(member, tenantId, input))
  on.request('phone:dtmf', schema.phoneDtmf, (input) => phone.dtmf(member, tenantId, input))
  on.request('phone:transfer', schema.phoneTransfer, (input) => phone.transfer(member, tenantId, input))
}
