/**
 * zod schemas for every inbound socket event payload. The server validates with these at
 * the edge; web code imports only their types (events.ts), so zod stays out of the bundles.
 */
import { z } from 'zod'
import { LIMITS } from './limits.js'

const id = z.string().min(1).max(LIMITS.clientId).regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, "-" or "_"')

/** An http(s) URL, as captured from the visitor's page. */
export const pageUrl = z
  .string()
  .max(LIMITS.pageUrl)
  .refine((value) => /^https?:\/\//i.test(value) && URL.canParse(value), 'must be an http(s) URL')

const slug = z.string().min(1).max(40).regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a topic slug')
const category = z.string().trim().min(1).max(60)

export const requestCreate = z.strictObject({
  clientRequestId: id,
  question: z.string().trim().min(1, 'please type a question').max(LIMITS.question),
  pageUrl: pageUrl.nullable().default(null),
  /** the topic (queue slug) the visitor picked, if any */
  topic: slug.nullable().default(null),
  /** the browser's language (navigator.language) */
  language: z.string().max(35).regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, 'must be a language tag').nullable().default(null),
  /** categories of what is in the cart, as skill hints */
  cartCategories: z.array(category).max(50).default([]),
  /** start with a voice call in the browser (routed to an agent with a free call slot) */
  kind: z.enum(['chat', 'call']).default('chat'),
  /** when set, book a session for later instead of queueing now */
  scheduledFor: z.iso.datetime({ offset: true }).nullable().default(null),
})

export const requestSchedule = z.strictObject({
  requestId: id,
  scheduledFor: z.iso.datetime({ offset: true }),
})

export const requestRef = z.strictObject({ requestId: id })

export const channelRef = z.strictObject({ channelId: id })

export const channelResume = z.strictObject({
  channelId: id,
  afterSeq: z.int().min(0),
})

export const chatSend = z.strictObject({
  channelId: id,
  clientMsgId: id,
  text: z.string().max(LIMITS.messageText).refine((text) => text.trim().length > 0, 'message is empty'),
  /** staff only: a whisper between the channel's agents and supervisors */
  whisper: z.boolean().default(false),
  /** a private sidebar message to this participant */
  to: id.nullable().default(null),
})

export const chatTyping = z.strictObject({
  channelId: id,
  text: z.string().max(LIMITS.typingText),
})

export const channelAck = z.strictObject({
  channelId: id,
  seq: z.int().min(0),
})

export const agentSetState = z.strictObject({
  state: z.enum(['ready', 'not_ready', 'break', 'away']),
  reason: z.string().trim().min(1).max(60).nullable().default(null),
})

export const supervisorWatch = z.strictObject({ watch: z.boolean() })

/** Visitor handshake (`io(url, { auth })`). */
export const visitorHandshake = z.object({
  tenant: z.string().min(1).max(64),
  visitorToken: z.string().max(512).nullish(),
})

// ── calls and media (payloads of mediasoup objects are checked for shape here and by mediasoup itself) ──

const json = z.record(z.string(), z.unknown())

export const callRequest = z.strictObject({ channelId: id, video: z.boolean().default(false) })
export const callAnswer = z.strictObject({ channelId: id, callId: id, accept: z.boolean() })
export const callRef = z.strictObject({ channelId: id, callId: id })
export const callRecord = z.strictObject({ channelId: id, callId: id, recording: z.boolean() })
export const mediaSetup = z.strictObject({ channelId: id, callId: id, rtpCapabilities: json })
export const mediaConnect = z.strictObject({ channelId: id, transportId: z.uuid(), dtlsParameters: json })
export const mediaProduce = z.strictObject({
  channelId: id,
  transportId: z.uuid(),
  kind: z.enum(['audio', 'video']),
  rtpParameters: json,
  source: z.enum(['audio', 'video', 'screen']),
  paused: z.boolean().default(false),
})
export const mediaProducer = z.strictObject({ channelId: id, producerId: z.uuid(), action: z.enum(['pause', 'resume', 'close']) })
export const mediaConsumer = z.strictObject({ channelId: id, consumerId: z.uuid(), action: z.enum(['pause', 'resume']) })
export const mediaRestartIce = z.strictObject({ channelId: id, transportId: z.uuid() })

// ── browser leading, supervision and group sessions ──

/** A page URL the leader's browser shows or sends followers to (checked against the tenant's origins by the service). */
const leadUrl = pageUrl
const selector = z.string().trim().min(1).max(LIMITS.selector)
const fraction = z.number().min(0).max(1)

export const pageViewed = z.strictObject({
  channelId: id,
  url: pageUrl,
  title: z.string().max(LIMITS.pageTitle).nullable().default(null),
})

export const leadNavigate = z.strictObject({
  channelId: id,
  url: leadUrl,
  /** followers open it in a new tab (they confirm with a click: browsers block unasked pop-ups) */
  newTab: z.boolean().default(false),
  /** the leader's own browser goes there too */
  includeLeader: z.boolean().default(true),
})

export const leadPass = z.strictObject({ channelId: id, participantId: id })

export const leadHighlight = z.strictObject({
  channelId: id,
  pageUrl: leadUrl,
  selector,
  region: z.strictObject({ x: fraction, y: fraction, width: fraction, height: fraction }).nullable().default(null),
  label: z.string().trim().max(LIMITS.highlightLabel).nullable().default(null),
})

export const leadClearHighlight = z.strictObject({ channelId: id, pageUrl: leadUrl })

export const leadFill = z.strictObject({
  channelId: id,
  pageUrl: leadUrl,
  selector,
  value: z.union([z.string().max(LIMITS.fieldValue), z.boolean()]),
  /** what the leader's browser knows of the field, checked against the tenant's masking rules */
  field: z.strictObject({
    type: z.string().max(40),
    name: z.string().max(200).default(''),
    id: z.string().max(200).default(''),
    autocomplete: z.string().max(200).default(''),
  }),
})

export const leadScroll = z.strictObject({ channelId: id, pageUrl: leadUrl, x: fraction, y: fraction })

export const leadClick = z.strictObject({ channelId: id, pageUrl: leadUrl, selector })

/** Agents: a link that opens the shop page as the agent's co-browsing tab. */
export const leadCompanion = z.strictObject({ channelId: id, url: leadUrl.nullable().default(null) })

/** Visitor handshake of the agent's co-browsing tab, on the tenant's site. */
export const companionHandshake = z.object({ leadToken: z.string().min(1).max(1024) })

/** Supervisors: watch a live channel without being shown to visitors. */
export const supervisorMonitor = z.strictObject({ channelId: id })

/** Agents: an invitation link for more visitors (a group session). */
export const channelInvite = z.strictObject({ channelId: id, url: leadUrl.nullable().default(null) })

/** Visitors: join a channel with an invitation token. */
export const channelJoin = z.strictObject({ token: z.string().min(1).max(1024) })
