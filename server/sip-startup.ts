/**
 * Starts the SIP bridge as configured (SIP=off: none). It starts without trunks; the phone
 * service loads the tenants' trunks from the store and applies every admin change.
 */
import { createSipBridge, type PresenceAuthorizer, type SipBridge } from '../sip/sip-bridge.js'
import type { Config } from './config.js'
import type { Logger } from './log.js'

export async function startSipBridge(config: Config, log: Logger, authorize: PresenceAuthorizer): Promise<SipBridge | null> {
  if (config.SIP === 'off') return null
  const bridge = await createSipBridge({ trunks: [], presence: { authorize, realm: 'parley' }, log: log.child({ part: 'sip' }) })
  log.info('SIP bridge started (trunks come from the admin console)')
  return bridge
}
