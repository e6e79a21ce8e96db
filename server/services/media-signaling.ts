/**
 * The media of active calls: one media room (mediasoup router) per call, its participants
 * are the channel's participants, and every request a client makes for its transports,
 * producers and consumers goes through here, checked against the caller's membership.
 * Failures become `media.failed` channel events; a room lost with its worker is re-created
 * when the participants join again. Media time is metered as usage records.
 */
import type { MediaConsumerParams, MediaJoinResult, MediaSetupResult } from '../../web/protocol/events.js'
import type { MediaFailureReason } from '../../web/protocol/channel-event.js'
import {
  MediaConflictError,
  MediaError,
  MediaNotFoundError,
  MediaRequestError,
  InvalidStateError as MediaInvalidStateError,
  type ConsumerParams,
  type MediaGateway,
  type MediaParticipant,
  type MediaRoom,
  type ParticipantStats,
  type RoomClosedEvent,
} from '../../media/index.js'
import fs from 'node:fs/promises'
import path from 'node:path'
import type { TenantSettings } from '../domain/tenant-settings.js'
import { ConflictError, ForbiddenError, InvalidStateError, NotFoundError, ParleyError, ValidationError } from '../errors.js'
import type { Logger } from '../log.js'
import type { Database } from '../store/database.js'
import { newId } from '../store/ids.js'
import type { CallService, LiveCall } from './call-service.js'
import type { ChannelService } from './channel-service.js'
import type { EventLog } from './event-log.js'
import type { Member, Notifier } from './notifier.js'

/** mediasoup objects as they cross the socket (validated by mediasoup itself). */
type Json = Record<string, unknown>

interface RoomOwner {
  tenantId: string
  channelId: string
  callId: string
}

export class MediaSignaling {
  /** rooms of active calls by call id (a room lost with its worker is re-created on the next join) */
  private readonly rooms = new Map<string, Promise<MediaRoom>>()
  private readonly owners = new Map<string, RoomOwner>()
  /** participants whose failure was already reported since they last joined */
  private readonly reported = new Set<string>()
  private closed = false
  private readonly recordingsDir: string
  /** whether a tenant's calls may be bridged to the phone: their rooms speak PCMU from the start */
  phoneRooms: (tenantId: string) => boolean = () => false
  /** why a participant may not join a call's media now (e.g. the visitor is on the phone), or null */
  joinRefusal: (call: LiveCall, participantId: string) => string | null = () => null

  constructor(
    private readonly gateway: MediaGateway | null,
    private readonly calls: CallService,
    private readonly channels: ChannelService,
    private readonly events: EventLog,
    private readonly notifier: Notifier,
    private readonly db: Database,
    private readonly dataDir: string,
    private readonly settingsOf: (tenantId: string) => Promise<TenantSettings>,
    private readonly log: Logger,
  ) {
    this.recordingsDir = path.join(dataDir, 'recordings')
    calls.onEnded = (call) => this.closeRoom(call.id)
    gateway?.on('room-closed', (event) => void this.roomClosed(event))
    gateway?.on('media-failed', (event) => void this.participantFailed(event.roomId, event.participantId, event.reason))
  }

  get available(): boolean {
    return this.gateway !== null && !this.closed
  }

  /** Step 1: the router's capabilities, to load the client's Device (re-joining replaces old media). */
  async join(member: Member, tenantId: string, input: { channelId: string; callId: string }): Promise<MediaJoinResult> {
    const { call, participantId } = this.member(member, tenantId, input.channelId, input.callId)
    const refusal = this.joinRefusal(call, participantId)
    if (refusal) throw new InvalidStateError(refusal)
    const room = await this.roomFor(call)
    if (room.participantIds().includes(participantId)) room.leave(participantId)
    this.reported.delete(`${call.id}:${participantId}`)
    const participant = room.join(participantId)
    participant.on('consumer-changed', (change) => this.notifier.mediaConsumerChanged(member, { channelId: call.channelId, ...change }))
    return { routerRtpCapabilities: room.rtpCapabilities as MediaJoinResult['routerRtpCapabilities'], audioMimeType: room.audioCodecFor() }
  }

  /** Step 2: the client's capabilities in, its two transports and what the others already produce out. */
  async setup(member: Member, tenantId: string, input: { channelId: string; callId: string; rtpCapabilities: Json }): Promise<MediaSetupResult> {
    const { call, participant } = await this.participant(member, tenantId, input.channelId, input.callId)
    return this.guard(async () => {
      participant.setRtpCapabilities(input.rtpCapabilities as never)
      const send = await participant.createTransport('send')
      const recv = await participant.createTransport('recv')
      const consumers = (await participant.consumeAll()).map((params) => this.consumerParams(call.channelId, params))
      return { send, recv, consumers } as unknown as MediaSetupResult
    })
  }

  async connect(member: Member, tenantId: string, input: { channelId: string; transportId: string; dtlsParameters: Json }): Promise<Record<string, never>> {
    const { participant } = await this.activeParticipant(member, tenantId, input.channelId)
    await this.guard(() => participant.connectTransport(input.transportId, input.dtlsParameters as never))
    return {}
  }

  async produce(
    member: Member,
    tenantId: string,
    input: { channelId: string; transportId: string; kind: 'audio' | 'video'; rtpParameters: Json; source: 'audio' | 'video' | 'screen'; paused: boolean },
  ): Promise<{ producerId: string }> {
    const { participant } = await this.activeParticipant(member, tenantId, input.channelId)
    const producerId = await this.guard(() =>
      participant.produce({ transportId: input.transportId, kind: input.kind, rtpParameters: input.rtpParameters as never, source: input.source, paused: input.paused }),
    )
    return { producerId }
  }

  async producer(member: Member, tenantId: string, input: { channelId: string; producerId: string; action: 'pause' | 'resume' | 'close' }): Promise<Record<string, never>> {
    const { participant } = await this.activeParticipant(member, tenantId, input.channelId)
    await this.guard(async () => {
      if (input.action === 'pause') await participant.pauseProducer(input.producerId)
      else if (input.action === 'resume') await participant.resumeProducer(input.producerId)
      else participant.closeProducer(input.producerId)
    })
    return {}
  }

  async consumer(member: Member, tenantId: string, input: { channelId: string; consumerId: string; action: 'pause' | 'resume' }): Promise<Record<string, never>> {
    const { participant } = await this.activeParticipant(member, tenantId, input.channelId)
    await this.guard(() => (input.action === 'pause' ? participant.pauseConsumer(input.consumerId) : participant.resumeConsumer(input.consumerId)))
    return {}
  }

  async restartIce(member: Member, tenantId: string, input: { channelId: string; transportId: string }): Promise<{ iceParameters: MediaSetupResult['send']['iceParameters'] }> {
    const { participant } = await this.activeParticipant(member, tenantId, input.channelId)
    const iceParameters = await this.guard(() => participant.restartIce(input.transportId))
    return { iceParameters: iceParameters as MediaSetupResult['send']['iceParameters'] }
  }

  /**
   * Agents record the call when the tenant allows it: each voice to its own file under the
   * data folder (an SFU does not mix), referenced from the call's archive row; everyone in the
   * call is told by a `call.recording` event.
   */
  async record(member: Member, tenantId: string, input: { channelId: string; callId: string; recording: boolean }): Promise<LiveCall> {
    const { call } = this.member(member, tenantId, input.channelId, input.callId)
    if (member.kind !== 'agent') throw new ForbiddenError('only the agent can record a call')
    if ((await this.settingsOf(tenantId)).callRecording === 'off') throw new ForbiddenError('call recording is turned off for this organisation')
    if (call.recording === input.recording) return call
    const room = await this.rooms.get(call.id)?.catch(() => null)
    if (!room || room.closed) throw new InvalidStateError('the call has no media yet')
    if (input.recording) {
      const dir = path.join(this.recordingsDir, call.channelId)
      await fs.mkdir(dir, { recursive: true })
      const files: string[] = []
      for (const participantId of room.participantIds()) {
        const extension = room.audioCodecFor() === 'audio/opus' ? 'ogg' : 'wav'
        const file = path.join(dir, `${call.id}-${participantId}-${Date.now()}.${extension}`)
        try {
          files.push((await room.startRecording({ file, participantId })).file)
        } catch (error) {
          this.log.warn({ err: error, participantId }, 'a voice of the call could not be recorded')
        }
      }
      if (files.length === 0) throw new InvalidStateError('nobody in the call sends audio yet')
      await this.addRecordings(call.id, files)
    } else {
      for (const result of await room.stopAllRecordings()) if (result.status === 'rejected') this.log.warn({ err: result.reason }, 'a recording ended badly')
    }
    call.recording = input.recording
    await this.events.append({ channelId: call.channelId, type: 'call.recording', author: { role: 'system' }, payload: { callId: call.id, recording: input.recording } })
    return call
  }

  /** What flows through a call's room now (supervisors, tests, reports). */
  async stats(callId: string): Promise<{ participants: ParticipantStats[]; transports: number } | null> {
    const room = await this.rooms.get(callId)?.catch(() => null)
    if (!room || room.closed) return null
    const participants = (await room.getStats()).participants
    let transports = 0
    for (const id of room.participantIds()) transports += room.participant(id).ids().transportIds.length
    return { participants, transports }
  }

  /** The room of a call, when it has one (tests kill its worker). */
  async roomOf(callId: string): Promise<MediaRoom | null> {
    return (await this.rooms.get(callId)?.catch(() => null)) ?? null
  }

  close(): void {
    this.closed = true
    for (const callId of [...this.rooms.keys()]) this.closeRoom(callId)
  }

  /** The media room of an active call, created when it has none (the phone bridges into it). */
  roomForCall(call: LiveCall): Promise<MediaRoom> {
    return this.roomFor(call)
  }

  private roomFor(call: LiveCall): Promise<MediaRoom> {
    const existing = this.rooms.get(call.id)
    if (existing) return existing
    if (!this.gateway) throw new InvalidStateError('calls are not available on this server right now')
    const gateway = this.gateway
    // a phone call's room may exist before its call does (an inbound caller on hold): adopt it
    const open = gateway.getRoom(call.id)
    const created = (open ? Promise.resolve(open) : gateway.createRoom(call.id, { phone: this.phoneRooms(call.tenantId) })).then((room) => {
      this.owners.set(call.id, { tenantId: call.tenantId, channelId: call.channelId, callId: call.id })
      room.on('producer-added', (producer) => void this.offerToOthers(room, call.channelId, producer.producerId, producer.participantId))
      room.on('active-speaker', ({ participantId }) => this.notifier.mediaSpeaker(call.channelId, participantId))
      if (this.calls.callOf(call.channelId) !== call) room.close() // the call ended meanwhile
      return room
    })
    this.rooms.set(call.id, created)
    created.catch((error: unknown) => {
      this.rooms.delete(call.id)
      this.log.error({ err: error, callId: call.id }, 'could not create a media room')
    })
    return created
  }

  /** A new producer: every other participant of the room consumes it (paused until their client resumes). */
  private async offerToOthers(room: MediaRoom, channelId: string, producerId: string, producerOwner: string): Promise<void> {
    for (const participantId of room.participantIds()) {
      if (participantId === producerOwner) continue
      const member = this.memberOf(channelId, participantId)
      const participant = room.participant(participantId)
      if (!member || !participant.rtpCapabilities) continue
      try {
        this.notifier.mediaConsume(member, this.consumerParams(channelId, await participant.consume(producerId)))
      } catch (error) {
        this.log.warn({ err: error, producerId, participantId }, 'could not consume a new producer')
      }
    }
  }

  private consumerParams(channelId: string, params: ConsumerParams): MediaConsumerParams {
    return { channelId, ...params, kind: params.kind, rtpParameters: params.rtpParameters as unknown as MediaConsumerParams['rtpParameters'] }
  }

  private async participantFailed(roomId: string, participantId: string, reason: MediaFailureReason): Promise<void> {
    const owner = this.owners.get(roomId)
    if (!owner || !this.channels.isOpen(owner.channelId)) return
    const key = `${roomId}:${participantId}`
    if (this.reported.has(key)) return
    this.reported.add(key)
    this.log.warn({ callId: roomId, participantId, reason }, 'call media failed')
    await this.events
      .append({ channelId: owner.channelId, type: 'media.failed', author: { role: 'system' }, payload: { callId: roomId, participantId, reason } })
      .catch((error: unknown) => this.log.error({ err: error }, 'could not log a media failure'))
  }

  /** A room closed: meter its media time; when its worker died, report it and let the call re-join a new room. */
  private async roomClosed(event: RoomClosedEvent): Promise<void> {
    const owner = this.owners.get(event.roomId)
    if (!owner) return
    this.rooms.delete(event.roomId)
    try {
      const records = event.usage
        .filter((entry) => entry.seconds > 0)
        .map((entry) => ({
          id: newId('us'),
          tenantId: owner.tenantId,
          kind: 'media_seconds',
          quantity: Math.round(entry.seconds * 1000) / 1000,
          channelId: owner.channelId,
          callId: owner.callId,
          participantId: entry.participantId,
          source: entry.source,
        }))
      if (records.length > 0) await this.db.usageRecord.createMany({ data: records })
    } catch (error) {
      this.log.error({ err: error, callId: owner.callId }, 'could not record media usage')
    }
    const call = this.calls.callOf(owner.channelId)
    if (event.reason === 'worker-died' && call?.id === owner.callId) {
      if (call.recording) {
        // The recordings ended with the worker (their files hold what came before); the agent may start again.
        call.recording = false
        await this.events
          .append({ channelId: owner.channelId, type: 'call.recording', author: { role: 'system' }, payload: { callId: call.id, recording: false } })
          .catch((error: unknown) => this.log.error({ err: error }, 'could not log the end of a recording'))
      }
      // Everyone in the call hears it; their next media:join creates a new room on a live worker.
      const participants = [...new Set(event.usage.map((entry) => entry.participantId))]
      for (const participantId of participants.length > 0 ? participants : [call.requestedBy]) {
        this.reported.delete(`${event.roomId}:${participantId}`)
        await this.participantFailed(event.roomId, participantId, 'worker-died')
      }
    }
    if (!this.rooms.has(event.roomId)) this.owners.delete(event.roomId)
  }

  /** Close a call's room, letting its recordings finish their files first. */
  private closeRoom(callId: string): void {
    const room = this.rooms.get(callId)
    this.rooms.delete(callId)
    void room
      ?.then(async (r) => {
        if (r.recording) for (const result of await r.stopAllRecordings()) if (result.status === 'rejected') this.log.warn({ err: result.reason }, 'a recording ended badly')
        r.close()
      })
      .catch((error: unknown) => this.log.warn({ err: error, callId }, 'closing a media room failed'))
  }

  private async addRecordings(callId: string, files: string[]): Promise<void> {
    const row = await this.db.call.findUniqueOrThrow({ where: { id: callId }, select: { recordings: true } })
    const known = JSON.parse(row.recordings) as string[]
    const relative = files.map((file) => path.relative(this.dataDir, file))
    await this.db.call.update({ where: { id: callId }, data: { recordings: JSON.stringify([...known, ...relative]) } })
  }

  private member(member: Member, tenantId: string, channelId: string, callId: string): { call: LiveCall; participantId: string } {
    const { participant } = this.channels.requireOpenMember(channelId, member, tenantId)
    const call = this.calls.requireActive(channelId, callId)
    return { call, participantId: participant.id }
  }

  private async participant(member: Member, tenantId: string, channelId: string, callId: string): Promise<{ call: LiveCall; participant: MediaParticipant }> {
    const { call, participantId } = this.member(member, tenantId, channelId, callId)
    const room = await this.rooms.get(call.id)?.catch(() => null)
    if (!room || room.closed || !room.participantIds().includes(participantId)) throw new InvalidStateError('join the call first (media:join)')
    return { call, participant: room.participant(participantId) }
  }

  private async activeParticipant(member: Member, tenantId: string, channelId: string): Promise<{ call: LiveCall; participant: MediaParticipant }> {
    const call = this.calls.callOf(channelId)
    if (!call) {
      this.channels.requireOpenMember(channelId, member, tenantId)
      throw new NotFoundError('this conversation has no call')
    }
    return this.participant(member, tenantId, channelId, call.id)
  }

  private memberOf(channelId: string, participantId: string): Member | null {
    const participant = this.channels.participant(channelId, participantId)
    if (participant?.agentId) return { kind: 'agent', agentId: participant.agentId }
    if (participant?.visitorId) return { kind: 'visitor', visitorId: participant.visitorId }
    return null
  }

  /** Media errors become the API's named errors; mediasoup's own complaints about client data are bad requests. */
  private async guard<T>(work: () => Promise<T> | T): Promise<T> {
    try {
      return await work()
    } catch (error) {
      if (error instanceof ParleyError) throw error
      if (error instanceof MediaNotFoundError) throw new NotFoundError(error.message)
      if (error instanceof MediaConflictError) throw new ConflictError(error.message)
      if (error instanceof MediaRequestError) throw new ValidationError(error.message)
      if (error instanceof MediaInvalidStateError) throw new InvalidStateError(error.message)
      if (error instanceof MediaError) throw new InvalidStateError(error.message)
      if (error instanceof TypeError || (error instanceof Error && /invalid|missing|wrong|unsupported/i.test(error.message))) {
        throw new ValidationError(`media: ${error.message}`)
      }
      throw error
    }
  }
}

