/** zod schemas of the phone socket events (web/protocol/phone.ts), validated at the edge. */
import { z } from 'zod'
import { LIMITS } from './limits.js'
import { E164_PATTERN } from './phone.js'

const id = z.string().min(1).max(LIMITS.clientId).regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, "-" or "_"')

export const e164 = z.string().trim().regex(E164_PATTERN, 'must be a phone number in international format, e.g. +4917012345678')

export const phoneGet = z.strictObject({})
export const phoneSet = z.strictObject({ number: e164.nullable(), fallback: z.boolean().default(true) })
export const phoneCall = z.strictObject({ channelId: id, number: e164.optional() })
export const phoneRef = z.strictObject({ channelId: id, phoneCallId: id })
export const phoneHold = z.strictObject({ channelId: id, phoneCallId: id, hold: z.boolean() })
export const phoneDtmf = z.strictObject({ channelId: id, phoneCallId: id, digits: z.string().regex(/^[0-9*#A-Da-d]{1,32}$/, '1 to 32 keys: 0-9 * # A-D') })
export const phoneTransfer = z.strictObject({ channelId: id, phoneCallId: id, target: e164 })
