/**
 * Every input that crosses into sip/ from the server is parsed here, once (DESIGN: validate at
 * the edge). Inbound SIP messages are validated by the transports, the inbound gate and the
 * SDP/PIDF parsers instead; they answer with SIP statuses, not exceptions.
 */
import { isIP } from 'node:net'
import { z } from 'zod'
import { SipValidationError } from './errors.js'
import { isRtpIo, type RtpIo } from './rtp-io.js'

/** E.164: a plus, then 8 to 15 digits, no leading zero (country codes never start with 0). */
export const e164 = z.string().regex(/^\+[1-9]\d{7,14}$/, 'must be an E.164 number: + and 8 to 15 digits')

const ipAddress = z.string().refine((value) => isIP(value) !== 0, 'must be an IPv4 or IPv6 address')
const ipv4 = z.ipv4()
/** DNS name or IPv4 address of a SIP peer. */
const hostName = z
  .string()
  .min(1)
  .max(253)
  .refine((value) => isIP(value) === 4 || /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(value), 'must be a host name or IPv4 address')
const port = z.number().int().min(1).max(65535)

export const transportName = z.enum(['udp', 'tcp', 'tls'])
export type TransportName = z.infer<typeof transportName>

const tlsOptions = z.strictObject({
  /** PEM CA bundle to verify the trunk with (default: Node's roots) */
  ca: z.string().optional(),
  /** PEM certificate + key: needed to accept inbound TLS connections */
  cert: z.string().optional(),
  key: z.string().optional(),
  /** keep true in production; tests against self-signed peers turn it off */
  rejectUnauthorized: z.boolean().default(true),
  /** SNI / certificate name when `host` is an IP */
  servername: z.string().optional(),
})

export const trunkConfigSchema = z
  .strictObject({
    /** stable id the server uses in placeCall({ trunk }) */
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, _ . - (max 64)'),
    /** the provider's SBC/proxy: every out-of-dialog request goes there */
    host: hostName,
    /** default 5060 (udp/tcp) or 5061 (tls) */
    port: port.optional(),
    transport: transportName.default('udp'),
    /** digest credentials for 401/407 challenges (both or neither) */
    username: z.string().min(1).max(128).optional(),
    password: z.string().min(1).max(256).optional(),
    /** shown to the callee (From user) unless a call overrides it */
    callerId: e164,
    /** numbers this trunk delivers to us; an INVITE for anything else gets 404 */
    dids: z.array(e164).max(10_000).default([]),
    /** local interface to bind */
    localIp: ipv4.default('127.0.0.1'),
    /** address written into Via and Contact when we are behind NAT (default: localIp) */
    announcedIp: ipv4.optional(),
    /** local SIP port; 0 picks a free one */
    localPort: z.number().int().min(0).max(65535).default(0),
    /** REGISTER with the trunk (needed by registration-based providers; IP-authenticated trunks do not) */
    register: z.boolean().default(false),
    registerExpiresSec: z.number().int().min(60).max(86_400).default(600),
    /** outbound calls: CANCEL and end with 'no-answer' after this long without an answer */
    ringTimeoutSec: z.number().int().min(1).max(600).default(45),
    /** inbound calls not answered by the handler within this long get 480 */
    inboundAnswerTimeoutSec: z.number().int().min(1).max(600).default(60),
    /** send OPTIONS to the trunk this often and report reachability (0 = off) */
    optionsPingSec: z.number().int().min(0).max(3600).default(0),
    /** IPs allowed to send us INVITEs (default: the addresses `host` resolves to); others get 403 */
    allowFrom: z.array(ipAddress).max(256).optional(),
    tls: tlsOptions.optional(),
  })
  .refine((trunk) => (trunk.username === undefined) === (trunk.password === undefined), {
    message: 'username and password go together',
    path: ['password'],
  })

export type TrunkConfigInput = z.input<typeof trunkConfigSchema>
export type ParsedTrunkConfig = z.output<typeof trunkConfigSchema>
/** A trunk's settings with defaults applied (port resolved from the transport). */
export type TrunkConfig = ParsedTrunkConfig & { port: number }

export const trunkListSchema = z
  .array(trunkConfigSchema)
  .max(256)
  .superRefine((trunks, ctx) => {
    const ids = new Set<string>()
    const ports = new Set<string>()
    trunks.forEach((trunk, index) => {
      if (ids.has(trunk.id)) ctx.addIssue({ code: 'custom', message: `duplicate trunk id "${trunk.id}"`, path: [index, 'id'] })
      ids.add(trunk.id)
      const key = `${trunk.localIp}:${trunk.localPort}:${trunk.transport === 'udp' ? 'udp' : 'tcp'}`
      if (trunk.localPort !== 0 && ports.has(key)) ctx.addIssue({ code: 'custom', message: `local port ${trunk.localPort} used twice`, path: [index, 'localPort'] })
      ports.add(key)
    })
  })

/** Our side of a call's RTP: the address/port announced in SDP (a mediasoup PlainTransport's tuple). */
export const rtpEndpointSchema = z.strictObject({
  localIp: ipAddress,
  localPort: port,
  /** RTCP port when not localPort + 1 (announced with a=rtcp) */
  rtcpPort: port.optional(),
  /** packet access for RFC 4733 DTMF; optional */
  io: z.custom<RtpIo>(isRtpIo, 'must implement RtpIo (send, subscribe)').optional(),
})
export type RtpEndpoint = z.output<typeof rtpEndpointSchema>

export const placeCallSchema = z.strictObject({
  trunk: z.string().min(1).max(64),
  to: e164,
  /** caller id for this call (default: the trunk's callerId) */
  from: e164.optional(),
  /** display name in From, e.g. the shop's name */
  displayName: z
    .string()
    .max(64)
    .regex(/^[^"\\\r\n]*$/, 'no quotes, backslashes or line breaks')
    .optional(),
  rtp: rtpEndpointSchema,
  /** override the trunk's ring timeout */
  ringTimeoutSec: z.number().int().min(1).max(600).optional(),
})
export type PlaceCallInput = z.input<typeof placeCallSchema>

export const answerSchema = z.strictObject({ rtp: rtpEndpointSchema })
export type AnswerInput = z.input<typeof answerSchema>

/** Final failure status for rejecting an inbound call. */
export const rejectStatusSchema = z.number().int().min(300).max(699).default(486)

export const dtmfDigitsSchema = z.string().regex(/^[0-9*#A-Da-d]{1,32}$/, '1 to 32 DTMF digits (0-9 * # A-D)')

/** Blind transfer target: an E.164 number (sent via the trunk) or a sip:/sips: URI. */
export const transferTargetSchema = z.union([e164, z.string().regex(/^sips?:[^\s<>"]{3,256}$/, 'must be E.164 or a sip: URI')])

/** Parse or throw SipValidationError naming the offending field. */
export function parseInput<S extends z.ZodType>(what: string, schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value)
  if (!parsed.success) throw SipValidationError.fromZod(what, parsed.error)
  return parsed.data
}

/** The port a trunk listens on by default for its transport. */
export function defaultSipPort(transport: TransportName): number {
  return transport === 'tls' ? 5061 : 5060
}
