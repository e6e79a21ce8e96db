/**
 * Shared setup for the SIP integration tests: a bridge with one trunk pointed at a peer we
 * started, RTP sockets, and cleanup of everything (bridge, sockets, sipp, baresip) after each
 * test. Logs go to pino at LOG_LEVEL (silent by default; `SIP_TEST_LOG=trace` shows the wire).
 */
import { pino } from 'pino'
import { RtpSocket } from '../rtp-socket.js'
import { createSipBridge, type SipBridge, type SipBridgeOptions } from '../sip-bridge.js'
import type { TrunkConfigInput } from '../schemas.js'
import type { Trunk } from '../trunk.js'
import { stopAllBaresip } from './baresip.js'
import { stopAllSipp } from './sipp.js'

export const DID = '+15557654321'
export const CALLER_ID = '+15550001111'
export const CALLEE = '+15551230000'

const resources: { close(): unknown }[] = []

export const testLog = pino({ level: process.env.SIP_TEST_LOG ?? 'silent' })

/** A bridge with one trunk 'trunk' towards 127.0.0.1:`port` (override anything). */
export async function startBridge(trunk: Partial<TrunkConfigInput> & { port: number }, options: Partial<SipBridgeOptions> = {}): Promise<SipBridge> {
  const bridge = await createSipBridge({
    log: testLog,
    ...options,
    trunks: [
      {
        id: 'trunk',
        host: '127.0.0.1',
        callerId: CALLER_ID,
        username: 'trunkuser',
        password: 's3cret',
        dids: [DID],
        allowFrom: ['127.0.0.1'],
        ...trunk,
      },
    ],
  })
  resources.push(bridge)
  return bridge
}

export async function rtpSocket(): Promise<RtpSocket> {
  const socket = await RtpSocket.open('127.0.0.1')
  resources.push(socket)
  return socket
}

/** The bridge's Trunk object (stats, registration state). */
export function trunkOf(bridge: SipBridge, id = 'trunk'): Trunk {
  return (bridge as unknown as { trunk(id: string): Trunk }).trunk(id)
}

/** Register anything else with a close() for cleanup. */
export function track<T extends { close(): unknown }>(resource: T): T {
  resources.push(resource)
  return resource
}

/** afterEach: close bridges and sockets, kill peers. */
export async function cleanup(): Promise<void> {
  const pending = resources.splice(0)
  await Promise.all(pending.reverse().map(async (resource) => resource.close()))
  await stopAllSipp()
  await stopAllBaresip()
}
