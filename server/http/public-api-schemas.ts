/**
 * Schemas of the public API (/api/v1): query parameters (validated at the edge) and
 * responses (documented in the OpenAPI document and checked against real responses in the
 * tests). Components carry an `id` in zod's registry so the document can reference them.
 */
import { z } from 'zod'

const dateTime = (description: string) => z.string().meta({ format: 'date-time', description })
const nullableDateTime = (description: string) => z.string().nullable().meta({ format: 'date-time', description })

export const ErrorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string(), issues: z.array(z.object({ path: z.string(), message: z.string() })).optional() }) })
  .meta({ id: 'Error', description: 'Every error answer' })

export const ParticipantSchema = z
  .object({
    id: z.string(),
    role: z.string().meta({ description: 'visitor, agent or supervisor' }),
    name: z.string(),
    agentId: z.string().nullable(),
    visitorId: z.string().nullable(),
    joinedAt: dateTime('joined'),
    leftAt: nullableDateTime('left; null while present'),
  })
  .meta({ id: 'Participant' })

export const ChannelSchema = z
  .object({
    id: z.string(),
    status: z.enum(['open', 'ended']),
    createdAt: dateTime('opened (the request was accepted)'),
    endedAt: nullableDateTime('ended; null while open'),
    endReason: z.string().nullable().meta({ description: 'agent_left, visitor_left, visitor_gone, agent_gone' }),
    question: z.string().meta({ description: "the visitor's first question" }),
    pageUrl: z.string().nullable(),
    kind: z.string().meta({ description: 'chat or call: how the request started' }),
    queue: z.object({ id: z.string(), slug: z.string(), name: z.string() }).nullable(),
    durationSec: z.number().int(),
    participants: z.array(ParticipantSchema),
    messages: z.number().int().meta({ description: 'chat messages in the log' }),
    calls: z.number().int(),
  })
  .meta({ id: 'Channel', description: 'A conversation (session) between visitors and agents' })

export const ChannelEventSchema = z
  .object({
    seq: z.number().int().meta({ description: 'dense per channel, starting at 1' }),
    type: z.string().meta({ description: 'chat.message, participant.joined, call.started, lead.navigate, ... (new types may appear)' }),
    at: dateTime('server time'),
    author: z.object({ role: z.string(), participantId: z.string().optional(), name: z.string().optional() }),
    payload: z.unknown().meta({ description: 'shape depends on type' }),
  })
  .meta({ id: 'ChannelEvent' })

export const CallSchema = z
  .object({ id: z.string(), video: z.boolean(), status: z.string(), endReason: z.string().nullable(), requestedAt: dateTime('asked for'), startedAt: nullableDateTime('answered'), endedAt: nullableDateTime('ended') })
  .meta({ id: 'Call' })

export const TranscriptSchema = z.object({ channel: ChannelSchema, events: z.array(ChannelEventSchema), calls: z.array(CallSchema) }).meta({ id: 'Transcript', description: 'A channel with its whole ordered event log' })

export const UsageSchema = z
  .object({
    from: dateTime('inclusive'),
    to: dateTime('exclusive'),
    totals: z.object({ chatSeconds: z.number(), mediaSeconds: z.number(), pstnSeconds: z.number(), hits: z.number().int() }),
    days: z.array(z.object({ date: z.string().meta({ description: 'UTC date' }), chatSeconds: z.number(), mediaSeconds: z.number(), pstnSeconds: z.number(), hits: z.number().int() })),
  })
  .meta({ id: 'Usage', description: 'Metered usage, summed from the raw usage records' })

export const AgentSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    displayName: z.string(),
    role: z.enum(['agent', 'supervisor', 'admin']),
    state: z.string().meta({ description: 'ready, not_ready, break, away, offline, busy, wrap_up' }),
    disabled: z.boolean(),
    maxChats: z.number().int(),
    maxCalls: z.number().int(),
  })
  .meta({ id: 'Agent' })

const day = z.iso.date()
export const channelsQuery = z.object({
  status: z.enum(['open', 'ended']).optional().describe('only open or only ended channels'),
  from: z.iso.datetime({ offset: true }).optional().describe('opened at or after (ISO 8601)'),
  to: z.iso.datetime({ offset: true }).optional().describe('opened before (ISO 8601)'),
  q: z.string().max(200).optional().describe('text in the question or in any message'),
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('page size'),
  after: z.string().max(64).optional().describe('the `next` of the previous page'),
})
export const usageQuery = z.object({
  from: day.describe('first UTC day, inclusive (YYYY-MM-DD)'),
  to: day.describe('last UTC day, inclusive (YYYY-MM-DD)'),
})
export const idParams = z.object({ id: z.string().min(1).max(64).describe('the id') })

export const ChannelPage = z.object({ data: z.array(ChannelSchema), next: z.string().nullable().meta({ description: 'pass as `after` for the next page; null at the end' }) })
export const ChannelOne = z.object({ data: ChannelSchema })
export const TranscriptOne = z.object({ data: TranscriptSchema })
export const UsageOne = z.object({ data: UsageSchema })
export const AgentList = z.object({ data: z.array(AgentSchema) })
export const AgentOne = z.object({ data: AgentSchema })

/** Component ids the document publishes (others in zod's registry are not ours). */
export const COMPONENTS = ['Error', 'Participant', 'Channel', 'ChannelEvent', 'Call', 'Transcript', 'Usage', 'Agent']
