/**
 * A scripted day in the demo tenant, written as the live services would have stored it:
 * requests, channels, participants, agent state changes, routing log entries, calls and
 * usage records, at chosen local times (Europe/Berlin) of one day. The report test checks
 * the reports against numbers worked out by hand from this script.
 */
import type { Database } from '../../server/store/database.js'
import { newId } from '../../server/store/ids.js'
import { serializeRoutingEvent } from '../../server/domain/routing-log.js'
import type { RoutingEvent } from '../../server/domain/router.js'

export const DAY = '2026-11-16'
export const TIME_ZONE = 'Europe/Berlin'

/** Berlin is UTC+1 in November: local "09:00:30" of DAY (or of `date`) as a Date. */
export function at(time: string, date = DAY): Date {
  const [h, m, s = '0'] = time.split(':')
  return new Date(Date.parse(`${date}T${h!.padStart(2, '0')}:${m}:${s.padStart(2, '0')}+01:00`))
}

interface Ids {
  tenantId: string
  anna: string
  ben: string
  general: string
  bikes: string
}

export async function demoIds(db: Database): Promise<Ids> {
  const tenant = await db.tenant.findUniqueOrThrow({ where: { slug: 'demo' } })
  const agent = async (email: string) => (await db.agent.findUniqueOrThrow({ where: { tenantId_email: { tenantId: tenant.id, email } } })).id
  const queue = async (slug: string) => (await db.queue.findUniqueOrThrow({ where: { tenantId_slug: { tenantId: tenant.id, slug } } })).id
  return { tenantId: tenant.id, anna: await agent('anna@demo.parley.local'), ben: await agent('ben@demo.parley.local'), general: await queue('general'), bikes: await queue('bikes') }
}

export async function writeScriptedDay(db: Database): Promise<Ids & { channels: Record<string, string> }> {
  const ids = await demoIds(db)
  const { tenantId } = ids
  await db.tenant.update({ where: { id: tenantId }, data: { timezone: TIME_ZONE } })
  const visitor = async (name: string) => (await db.visitor.create({ data: { id: newId('vi'), tenantId, displayName: name } })).id
  const log: { at: Date; event: RoutingEvent }[] = []
  const channels: Record<string, string> = {}

  const request = async (key: string, o: { queueId: string; created: Date; status: string; accepted?: Date; ended?: Date; scheduledFor?: Date; agentId?: string }) => {
    const visitorId = await visitor(`Visitor ${key}`)
    const id = newId('rq')
    await db.request.create({
      data: { id, tenantId, visitorId, clientRequestId: key, question: `question ${key}`, queueId: o.queueId, status: o.status, createdAt: o.created, acceptedAt: o.accepted ?? null, endedAt: o.ended ?? null, endReason: o.status === 'accepted' ? null : o.status, scheduledFor: o.scheduledFor ?? null, acceptedById: o.agentId ?? null },
    })
    if (o.status !== 'scheduled') log.push({ at: o.created, event: { type: 'request-enqueued', at: o.created.getTime(), request: { id, queueId: o.queueId, kind: 'chat', requirement: { clauses: [], minProficiency: 1 }, relaxSteps: [], priority: 0, enqueuedAt: o.created.getTime() } } })
    if (o.status === 'abandoned' || o.status === 'cancelled') log.push({ at: o.ended!, event: { type: 'request-left', at: o.ended!.getTime(), requestId: id } })
    return { id, visitorId }
  }
  const channel = async (key: string, req: { id: string; visitorId: string }, agentId: string, from: Date, to: Date, extraVisitors: { name: string; joined: Date; left: Date }[] = []) => {
    const id = newId('ch')
    channels[key] = id
    await db.channel.create({ data: { id, tenantId, requestId: req.id, status: 'ended', endReason: 'agent_left', createdAt: from, endedAt: to } })
    await db.participant.create({ data: { id: newId('pa'), channelId: id, role: 'visitor', visitorId: req.visitorId, joinedAt: from, leftAt: to } })
    await db.participant.create({ data: { id: newId('pa'), channelId: id, role: 'agent', agentId, joinedAt: from, leftAt: to } })
    for (const extra of extraVisitors) await db.participant.create({ data: { id: newId('pa'), channelId: id, role: 'visitor', visitorId: await visitor(extra.name), joinedAt: extra.joined, leftAt: extra.left } })
    return id
  }
  const offer = (requestId: string, agentId: string, made: string, outcome: 'offer-accepted' | 'offer-declined' | 'offer-expired', answered: string) => {
    log.push({ at: at(made), event: { type: 'offer-made', at: at(made).getTime(), requestId, agentId, expiresAt: at(made).getTime() + 20_000 } })
    log.push({ at: at(answered), event: { type: outcome, at: at(answered).getTime(), requestId, agentId } })
  }
  const states = async (agentId: string, changes: [Date, string][]) => {
    for (const [when, state] of changes) await db.agentStateChange.create({ data: { id: newId('as'), agentId, state, createdAt: when } })
  }

  // the evening before: a request just before midnight (not in the day), Anna went offline
  await request('prev', { queueId: ids.general, created: at('23:59:59', '2026-11-15'), status: 'abandoned', ended: at('00:00:30') })
  await states(ids.anna, [[at('18:00', '2026-11-15'), 'offline']])

  const r0 = await request('r0', { queueId: ids.general, created: at('00:00:00'), status: 'abandoned', ended: at('00:00:10') })
  const r1 = await request('r1', { queueId: ids.general, created: at('09:00:00'), status: 'accepted', accepted: at('09:00:30'), agentId: ids.anna })
  offer(r1.id, ids.anna, '09:00:02', 'offer-accepted', '09:00:30')
  await channel('c1', r1, ids.anna, at('09:00:30'), at('09:10:30'))
  const r2 = await request('r2', { queueId: ids.bikes, created: at('09:15:00'), status: 'accepted', accepted: at('09:15:10'), agentId: ids.anna })
  offer(r2.id, ids.anna, '09:15:01', 'offer-accepted', '09:15:10')
  await channel('c2', r2, ids.anna, at('09:15:10'), at('09:25:10'))
  const r3 = await request('r3', { queueId: ids.general, created: at('09:20:00'), status: 'abandoned', ended: at('09:22:00') })
  offer(r3.id, ids.anna, '09:20:01', 'offer-expired', '09:20:21')
  const r4 = await request('r4', { queueId: ids.bikes, created: at('10:05:00'), status: 'accepted', accepted: at('10:06:00'), agentId: ids.ben })
  offer(r4.id, ids.anna, '10:05:01', 'offer-declined', '10:05:10')
  offer(r4.id, ids.ben, '10:05:15', 'offer-expired', '10:05:35')
  offer(r4.id, ids.ben, '10:05:40', 'offer-accepted', '10:06:00')
  const c3 = await channel('c3', r4, ids.ben, at('10:06:00'), at('10:16:00'))
  await request('r5', { queueId: ids.general, created: at('10:30:00'), status: 'cancelled', ended: at('10:30:45') })
  const r6 = await request('r6', { queueId: ids.general, created: at('14:00:00'), status: 'accepted', accepted: at('14:00:05'), agentId: ids.ben })
  offer(r6.id, ids.ben, '14:00:01', 'offer-accepted', '14:00:05')
  // a one-to-many session: two more visitors join the first one
  await channel('c4', r6, ids.ben, at('14:00:05'), at('14:30:05'), [
    { name: 'Guest B', joined: at('14:05:00'), left: at('14:20:00') },
    { name: 'Guest C', joined: at('14:10:00'), left: at('14:30:05') },
  ])
  const r7 = await request('r7', { queueId: ids.bikes, created: at('14:10:00'), status: 'accepted', accepted: at('14:10:20'), agentId: ids.anna })
  offer(r7.id, ids.anna, '14:10:01', 'offer-accepted', '14:10:20')
  const c5 = await channel('c5', r7, ids.anna, at('14:10:20'), at('14:40:20'))
  // booked for tomorrow: not in the queue today
  await request('r8', { queueId: ids.general, created: at('16:00:00'), status: 'scheduled', scheduledFor: at('10:00:00', '2026-11-17') })

  await states(ids.anna, [[at('08:55'), 'ready'], [at('12:00'), 'break'], [at('13:00'), 'ready'], [at('17:00'), 'offline']])
  await states(ids.ben, [[at('10:00'), 'ready'], [at('11:00'), 'not_ready'], [at('13:55'), 'ready'], [at('15:00'), 'offline']])

  // calls: a declined video call in c3, an answered 10-minute voice call in c5
  await db.call.create({ data: { id: newId('ca'), tenantId, channelId: c3, video: true, requestedBy: 'pa_x', status: 'ended', endReason: 'declined', requestedAt: at('10:08:00'), endedAt: at('10:08:15') } })
  const voice = newId('ca')
  await db.call.create({ data: { id: voice, tenantId, channelId: c5, video: false, requestedBy: 'pa_y', status: 'ended', endReason: 'hangup', requestedAt: at('14:12:00'), startedAt: at('14:12:10'), endedAt: at('14:22:10') } })
  for (const participantId of ['pa_visitor', 'pa_agent']) {
    await db.usageRecord.create({ data: { id: newId('us'), tenantId, kind: 'media_seconds', quantity: 600, channelId: c5, callId: voice, participantId, source: 'audio', at: at('14:22:10') } })
  }
  await db.usageRecord.create({ data: { id: newId('us'), tenantId, kind: 'pstn_seconds', quantity: 300, channelId: c3, source: 'phone', at: at('10:20:00') } })
  await db.usageRecord.create({ data: { id: newId('us'), tenantId, kind: 'media_seconds', quantity: 999, source: 'audio', at: at('23:00', '2026-11-15') } })

  log.sort((a, b) => a.at.getTime() - b.at.getTime())
  await db.routingLogEntry.createMany({ data: log.map(({ at: when, event }) => ({ tenantId, at: when, type: event.type, payload: serializeRoutingEvent(event) })) })
  return { ...ids, channels }
}
