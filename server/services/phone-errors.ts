/** What the phone service says about SIP-layer failures, and how it shows numbers to agents. */
import { SipError, SipValidationError } from '../../sip/errors.js'
import { InvalidStateError, ParleyError, ValidationError } from '../errors.js'
import { PhoneLegStateError } from './phone-leg.js'

/** +491701234567 -> +49 ••• ••67: enough to recognise, not enough to dial. */
export function maskNumber(number: string): string {
  return number.length > 6 ? `${number.slice(0, 3)} ••• ••${number.slice(-2)}` : '•••'
}

/** SIP layer errors as the API's named errors (bad input 400, the rest a 409 saying what the network did). */
export function translatePhoneError(error: unknown): unknown {
  if (error instanceof ParleyError) return error
  if (error instanceof SipValidationError) return new ValidationError(error.message, [...error.issues])
  if (error instanceof PhoneLegStateError) return new InvalidStateError(error.message)
  if (error instanceof SipError) return new InvalidStateError(`the phone network: ${error.message}`)
  return error
}

export async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    throw translatePhoneError(error)
  }
}

export function guardSync<T>(work: () => T): T {
  try {
    return work()
  } catch (error) {
    throw translatePhoneError(error)
  }
}
