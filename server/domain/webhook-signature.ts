/**
 * Webhook signatures: HMAC-SHA256 over `${timestamp}.${body}` with the endpoint's secret,
 * sent as `Parley-Signature: t=<unix seconds>,v1=<hex>` (the timestamp also in
 * `Parley-Timestamp`). Receivers recompute it and reject old timestamps (replays).
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

export const SIGNATURE_HEADER = 'parley-signature'
export const TIMESTAMP_HEADER = 'parley-timestamp'
export const EVENT_HEADER = 'parley-event'
export const DELIVERY_HEADER = 'parley-delivery'

/** Hex HMAC-SHA256 of `${timestamp}.${body}`. */
export function signPayload(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')
}

/** The `Parley-Signature` header value. */
export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${signPayload(secret, timestamp, body)}`
}

/**
 * Check a `Parley-Signature` header the way a receiver should: the signature matches and the
 * timestamp is within `toleranceSec` of `nowSec`.
 */
export function verifySignature(secret: string, header: string | null | undefined, body: string, nowSec = Math.floor(Date.now() / 1000), toleranceSec = 300): boolean {
  if (!header) return false
  const fields = new Map(header.split(',').map((part) => part.trim().split('=', 2) as [string, string]))
  const timestamp = Number(fields.get('t'))
  const given = fields.get('v1')
  if (!Number.isInteger(timestamp) || !given || !/^[0-9a-f]{64}$/.test(given)) return false
  if (Math.abs(nowSec - timestamp) > toleranceSec) return false
  const expected = Buffer.from(signPayload(secret, timestamp, body), 'hex')
  return timingSafeEqual(expected, Buffer.from(given, 'hex'))
}
