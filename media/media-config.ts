/**
 * Options of the media layer, validated once with defaults. This module does not read
 * process.env: the server's config module passes values in.
 */
import os from 'node:os'
import type { types as ms } from 'mediasoup'
import { z } from 'zod'
import { MediaConfigError } from './errors.js'

/** Codecs a room's router can offer (names as in `mediaConfig.codecs`). */
export type CodecName = 'opus' | 'VP8' | 'H264' | 'PCMU'

/** mediasoup capabilities of each codec name. PCMU keeps its static payload type 0. */
export const CODEC_CAPABILITIES: Readonly<Record<CodecName, ms.RtpCodecCapability>> = {
  opus: { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  PCMU: { kind: 'audio', mimeType: 'audio/PCMU', clockRate: 8000, channels: 1, preferredPayloadType: 0 },
  VP8: { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 600 } },
  H264: {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1, 'x-google-start-bitrate': 600 },
  },
}

const port = z.number().int().min(1024).max(65535)
const ip = z.union([z.ipv4(), z.ipv6()])
const logTag = z.enum(['info', 'ice', 'dtls', 'rtp', 'srtp', 'rtcp', 'rtx', 'bwe', 'score', 'simulcast', 'svc', 'sctp', 'message'])

const schema = z
  .strictObject({
    /** mediasoup workers (processes) to run; one per CPU core by default */
    numWorkers: z.number().int().min(1).max(256).default(() => os.availableParallelism()),
    /** worker log level (worker logs go to mediasoup's debug logger) */
    logLevel: z.enum(['debug', 'warn', 'error', 'none']).default('warn'),
    logTags: z.array(logTag).default([]),
    /**
     * RTC port range (UDP and TCP), the one range to open in a firewall. Worker i's WebRtcServer
     * listens on rtcMinPort + i (UDP and TCP, shared by every WebRTC transport of that worker);
     * the rest of the range holds the SIP legs' RTP/RTCP port pairs and the workers' plain
     * transports (recording).
     */
    rtcMinPort: port.default(40000),
    rtcMaxPort: port.default(49999),
    /** local address WebRTC and SIP RTP sockets bind to */
    listenIp: ip.default('127.0.0.1'),
    /** address announced to peers (ICE candidates, SIP legs) when listenIp is not reachable as is (NAT, 0.0.0.0) */
    announcedIp: ip.optional(),
    /** also offer ICE over TCP (on the same WebRtcServer port) */
    enableTcp: z.boolean().default(true),
    /** codecs every room offers; rooms bridged to the phone add PCMU */
    codecs: z.array(z.enum(['opus', 'VP8', 'H264', 'PCMU'])).min(1).default(['opus', 'VP8', 'H264']),
    /** cap on what one participant may send to the SFU, bits per second */
    maxIncomingBitrate: z.number().int().min(10_000).default(1_500_000),
    /** starting estimate for what the SFU sends to a participant, bits per second */
    initialAvailableOutgoingBitrate: z.number().int().min(10_000).default(600_000),
    /** a live producer whose inbound packet count does not grow for this long fails with reason 'timeout' */
    mediaTimeoutMs: z.number().int().min(500).default(4000),
    /** how often producer stats are polled for the media timeout */
    statsIntervalMs: z.number().int().min(100).default(1000),
    /** active speaker detection interval */
    activeSpeakerIntervalMs: z.number().int().min(100).default(300),
    /** the recorder program (Debian's ffmpeg) */
    ffmpegPath: z.string().min(1).default('ffmpeg'),
  })
  .refine((c) => c.rtcMaxPort >= c.rtcMinPort + c.numWorkers + 1, {
    message: 'rtcMinPort..rtcMaxPort must hold one WebRtcServer port per worker plus at least one RTP port pair',
    path: ['rtcMaxPort'],
  })
  .refine((c) => c.announcedIp !== undefined || (c.listenIp !== '0.0.0.0' && c.listenIp !== '::'), {
    message: 'a wildcard listenIp needs an announcedIp (the address peers can reach)',
    path: ['announcedIp'],
  })
  .refine((c) => c.codecs.includes('opus') || c.codecs.includes('PCMU'), { message: 'needs an audio codec', path: ['codecs'] })

/** Validated media options (every field present). */
export type MediaConfig = z.output<typeof schema>
/** Media options as given (every field optional). */
export type MediaConfigInput = z.input<typeof schema>

/** Validate options and fill in defaults; throws MediaConfigError naming every bad field. */
export function parseMediaConfig(input: MediaConfigInput = {}): MediaConfig {
  const result = schema.safeParse(input)
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    throw new MediaConfigError(`invalid media options: ${problems.join('; ')}`)
  }
  return result.data
}

/** The WebRtcServer port of worker `index`. */
export function webRtcServerPort(config: MediaConfig, index: number): number {
  return config.rtcMinPort + index
}

/** First port of the range left for SIP legs and the workers' plain transports. */
export function rtpRangeStart(config: MediaConfig): number {
  return config.rtcMinPort + config.numWorkers
}
