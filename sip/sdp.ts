/**
 * The SDP we speak with trunks (RFC 4566 / RFC 3264 offer-answer), reduced to what a phone leg
 * needs: one audio stream, PCMU (payload type 0) plus RFC 4733 telephone-event, plain RTP/AVP
 * (no SRTP, no ICE), RTCP on port + 1 (no rtcp-mux: most trunks do not support it), hold by
 * direction attributes. Anything else in an offer is declined (port 0) in the answer.
 *
 * Parsing never trusts the peer: size limits, strict m=/c= syntax, and two failure kinds:
 * `SdpError` 400 for SDP that does not parse, 488 for SDP that parses but offers nothing we
 * can use (no PCMU, SRTP only, no audio).
 */
import { isIP } from 'node:net'
import { SdpError } from './errors.js'

export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive'

export interface RtpMapEntry {
  encoding: string
  clockRate: number
  channels?: number
}

export interface Connection {
  addrType: 'IP4' | 'IP6'
  address: string
}

export interface MediaDescription {
  kind: string
  port: number
  proto: string
  formats: string[]
  connection?: Connection
  rtpmap: Map<number, RtpMapEntry>
  fmtp: Map<number, string>
  direction?: Direction
  rtcpPort?: number
  rtcpMux: boolean
  ptime?: number
}

export interface SessionDescription {
  connection?: Connection
  direction?: Direction
  media: MediaDescription[]
}

/** The usable audio stream of a remote description. */
export interface AudioChoice {
  /** index of the m-line */
  index: number
  ip: string
  port: number
  rtcpPort: number
  proto: string
  /** the remote's direction (its point of view) */
  direction: Direction
  /** payload type carrying PCMU (0 unless the peer maps it dynamically) */
  pcmuPayloadType: number
  /** RFC 4733 payload type, if offered */
  dtmfPayloadType?: number
  /** RFC 2543-style hold (c=0.0.0.0) */
  nullAddress: boolean
}

/** What we put in our SDP. */
export interface LocalAudio {
  ip: string
  port: number
  rtcpPort?: number
  direction: Direction
  /** RFC 4733 payload type; omitted from the SDP when undefined */
  dtmfPayloadType?: number
  sessionId: string
  version: number
}

export const MAX_SDP_BYTES = 16 * 1024
const DIRECTIONS = new Set<Direction>(['sendrecv', 'sendonly', 'recvonly', 'inactive'])

function bad(detail: string): SdpError {
  return new SdpError(400, `Bad SDP: ${detail}`.replace(/[\r\n]/g, ' ').slice(0, 100))
}

function parseConnection(value: string): Connection {
  const match = /^IN (IP4|IP6) ([^\s/]+)(?:\/\d+){0,2}$/.exec(value.trim())
  if (!match) throw bad(`c=${value.slice(0, 40)}`)
  const address = match[2]!
  const family = isIP(address)
  // a DNS name is legal SDP but useless for RTP: refuse it rather than resolve peer input
  if (family === 0 || (family === 4) !== (match[1] === 'IP4')) throw bad(`connection address ${address.slice(0, 40)}`)
  return { addrType: match[1] as 'IP4' | 'IP6', address }
}

export function parseSdp(text: string): SessionDescription {
  if (text.length > MAX_SDP_BYTES) throw bad('too large')
  const lines = text.split(/\r?\n/).filter((line) => line.length > 0)
  if (lines.length === 0 || lines[0] !== 'v=0') throw bad('missing v=0')
  if (lines.length > 512) throw bad('too many lines')
  const description: SessionDescription = { media: [] }
  let media: MediaDescription | undefined
  for (const line of lines) {
    if (line.length < 2 || line[1] !== '=') throw bad(`line "${line.slice(0, 20)}"`)
    const type = line[0]
    const value = line.slice(2)
    if (type === 'm') {
      const match = /^([a-z]+) (\d{1,5})(?:\/\d+)? ([A-Za-z0-9/]+)((?: [^\s]+)+)$/.exec(value)
      if (!match) throw bad(`m=${value.slice(0, 40)}`)
      const port = Number(match[2])
      if (port > 65535) throw bad('m= port')
      media = { kind: match[1]!, port, proto: match[3]!, formats: match[4]!.trim().split(' '), rtpmap: new Map(), fmtp: new Map(), rtcpMux: false }
      description.media.push(media)
    } else if (type === 'c') {
      const connection = parseConnection(value)
      if (media) media.connection = connection
      else description.connection = connection
    } else if (type === 'a') {
      const colon = value.indexOf(':')
      const name = colon < 0 ? value : value.slice(0, colon)
      const arg = colon < 0 ? '' : value.slice(colon + 1)
      if (DIRECTIONS.has(name as Direction)) {
        if (media) media.direction = name as Direction
        else description.direction = name as Direction
      } else if (!media) {
        continue
      } else if (name === 'rtpmap') {
        const match = /^(\d{1,3}) ([A-Za-z0-9_.-]+)\/(\d+)(?:\/(\d+))?$/.exec(arg.trim())
        if (!match) throw bad(`a=rtpmap:${arg.slice(0, 30)}`)
        media.rtpmap.set(Number(match[1]), { encoding: match[2]!, clockRate: Number(match[3]), channels: match[4] ? Number(match[4]) : undefined })
      } else if (name === 'fmtp') {
        const match = /^(\d{1,3}) (.*)$/.exec(arg.trim())
        if (match) media.fmtp.set(Number(match[1]), match[2]!)
      } else if (name === 'rtcp') {
        const match = /^(\d{1,5})/.exec(arg.trim())
        if (!match || Number(match[1]) > 65535) throw bad(`a=rtcp:${arg.slice(0, 30)}`)
        media.rtcpPort = Number(match[1])
      } else if (name === 'rtcp-mux') {
        media.rtcpMux = true
      } else if (name === 'ptime') {
        const ptime = Number(arg)
        if (Number.isFinite(ptime) && ptime > 0) media.ptime = ptime
      }
    }
  }
  return description
}

function isRtpProfile(proto: string): boolean {
  return proto === 'RTP/AVP' || proto === 'RTP/AVPF'
}

function findPayloadType(media: MediaDescription, encoding: string, clockRate: number): number | undefined {
  for (const format of media.formats) {
    if (!/^\d{1,3}$/.test(format)) continue
    const pt = Number(format)
    const map = media.rtpmap.get(pt)
    if (map) {
      if (map.encoding.toLowerCase() === encoding.toLowerCase() && map.clockRate === clockRate) return pt
    } else if (encoding === 'PCMU' && pt === 0) {
      return 0 // static payload type 0 needs no rtpmap (RFC 3551)
    }
  }
  return undefined
}

/** The first audio stream we can do (PCMU over plain RTP), or a 488. */
export function chooseAudio(description: SessionDescription): AudioChoice {
  let reason = 'no audio stream'
  for (const [index, media] of description.media.entries()) {
    if (media.kind !== 'audio' || media.port === 0) continue
    if (!isRtpProfile(media.proto)) {
      reason = `unsupported profile ${media.proto}`
      continue
    }
    const pcmu = findPayloadType(media, 'PCMU', 8000)
    if (pcmu === undefined) {
      reason = 'no PCMU'
      continue
    }
    const connection = media.connection ?? description.connection
    if (!connection) throw bad('audio stream without c=')
    const nullAddress = connection.address === '0.0.0.0' || connection.address === '::'
    return {
      index,
      ip: connection.address,
      port: media.port,
      rtcpPort: media.rtcpPort ?? media.port + 1,
      proto: media.proto,
      direction: nullAddress ? 'inactive' : (media.direction ?? description.direction ?? 'sendrecv'),
      pcmuPayloadType: pcmu,
      dtmfPayloadType: findPayloadType(media, 'telephone-event', 8000),
      nullAddress,
    }
  }
  throw new SdpError(488, `Not Acceptable Here (${reason})`)
}

/** Parse and choose in one go (what an inbound INVITE check needs). */
export function acceptableAudio(text: string): AudioChoice {
  return chooseAudio(parseSdp(text))
}

export function canSend(direction: Direction): boolean {
  return direction === 'sendrecv' || direction === 'sendonly'
}

export function canReceive(direction: Direction): boolean {
  return direction === 'sendrecv' || direction === 'recvonly'
}

function direction(send: boolean, receive: boolean): Direction {
  return send ? (receive ? 'sendrecv' : 'sendonly') : receive ? 'recvonly' : 'inactive'
}

/** RFC 3264 6.1: our answer's direction, given the remote offer and what we want. */
export function answerDirection(remoteOffer: Direction, wanted: Direction): Direction {
  return direction(canSend(wanted) && canReceive(remoteOffer), canReceive(wanted) && canSend(remoteOffer))
}

/** RFC 6337 5.3: hold offers sendonly, or inactive when the peer already holds us. */
export function holdDirection(ourCurrent: Direction): Direction {
  return canReceive(ourCurrent) ? 'sendonly' : 'inactive'
}

function addrType(ip: string): 'IP4' | 'IP6' {
  return isIP(ip) === 6 ? 'IP6' : 'IP4'
}

function audioLines(local: LocalAudio, proto: string, pcmuPayloadType: number, dtmfPayloadType: number | undefined): string[] {
  const formats = dtmfPayloadType === undefined ? `${pcmuPayloadType}` : `${pcmuPayloadType} ${dtmfPayloadType}`
  const lines = [`m=audio ${local.port} ${proto} ${formats}`, `a=rtpmap:${pcmuPayloadType} PCMU/8000`]
  if (dtmfPayloadType !== undefined) lines.push(`a=rtpmap:${dtmfPayloadType} telephone-event/8000`, `a=fmtp:${dtmfPayloadType} 0-16`)
  lines.push('a=ptime:20')
  if (local.rtcpPort !== undefined && local.rtcpPort !== local.port + 1) lines.push(`a=rtcp:${local.rtcpPort} IN ${addrType(local.ip)} ${local.ip}`)
  lines.push(`a=${local.direction}`)
  return lines
}

function sessionLines(local: LocalAudio): string[] {
  const type = addrType(local.ip)
  return ['v=0', `o=parley ${local.sessionId} ${local.version} IN ${type} ${local.ip}`, 's=parley', `c=IN ${type} ${local.ip}`, 't=0 0']
}

export function buildOffer(local: LocalAudio): string {
  return [...sessionLines(local), ...audioLines(local, 'RTP/AVP', 0, local.dtmfPayloadType), ''].join('\r\n')
}

/**
 * Answer an offer: the chosen audio stream with PCMU (+ telephone-event with the offerer's
 * payload type when it offered one), every other m-line declined with port 0 (RFC 3264 6).
 */
export function buildAnswer(offer: SessionDescription, choice: AudioChoice, local: LocalAudio): string {
  const lines = sessionLines(local)
  offer.media.forEach((media, index) => {
    if (index === choice.index) lines.push(...audioLines(local, choice.proto, choice.pcmuPayloadType, local.dtmfPayloadType === undefined ? undefined : choice.dtmfPayloadType))
    else lines.push(`m=${media.kind} 0 ${media.proto} ${media.formats[0] ?? '0'}`)
  })
  lines.push('')
  return lines.join('\r\n')
}
