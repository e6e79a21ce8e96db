/**
 * Composition root: one Parley process (HTTP API, socket gateway, services, store) plus the
 * demo shop on its own port. Everything listens on config.HOST.
 */
import http from 'node:http'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { Server } from 'socket.io'
import type { Config } from './config.js'
import { createLogger, type Logger } from './log.js'
import { openDatabase, openEventStore, sqliteFile, type Database } from './store/database.js'
import { SqliteCheckpointer } from './store/sqlite-checkpointer.js'
import { seedDemo, DEMO_TENANT, type DemoCredentials } from './store/seed.js'
import { createHttpApp } from './http/http-app.js'
import { createDemoShop } from './http/demo-shop.js'
import { SocketNotifier, type AgentNamespace, type VisitorNamespace } from './realtime/socket-notifier.js'
import { setUpVisitorNamespace } from './realtime/visitor-namespace.js'
import { setUpAgentNamespace } from './realtime/agent-namespace.js'
import { rooms } from './realtime/rooms.js'
import { startMedia } from './media-startup.js'
import { bootServices, closeServices, createServices, type Services } from './services/services.js'
import { joinCluster } from './cluster/cluster.js'
import { LocalDispatch } from './cluster/tenant-dispatch.js'
import { bootManagement, closeManagement, createManagement, type Management } from './services/management.js'
import { closeOffers, createOffers, type Offers } from './services/offers.js'
import { LIMITS } from '../web/protocol/limits.js'
import { createProtection, type Protection } from './protection.js'

export interface Parley {
  /** Parley's public URL (API, widget, agent console) */
  url: string
  /** where this process itself listens (behind a load balancer, not the public URL) */
  localUrl: string
  /** the demo shop's URL, when it runs */
  shopUrl: string | null
  demoCredentials: DemoCredentials | null
  services: Services
  /** archive, reports, billing, audit, API keys, webhooks, metrics */
  management: Management
  /** proactive offers: carts, offer rules, offers */
  offers: Offers
  db: Database
  log: Logger
  config: Config
  /** rate limits and backpressure on slow sockets */
  protection: Protection
  /** Stop listening, disconnect clients, write what is pending. Idempotent. */
  close(): Promise<void>
}

const WEB_ROOT = path.resolve(import.meta.dirname, '../dist/web')

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve((server.address() as AddressInfo).port)
    })
  })
}

const hostForUrl = (host: string) => (host.includes(':') ? `[${host}]` : host)

export async function startParley(config: Config, log: Logger = createLogger(config)): Promise<Parley> {
  const db = await openDatabase(config)
  const eventStore = openEventStore(config, db)
  const checkpointer = config.databaseProvider === 'sqlite' ? new SqliteCheckpointer(sqliteFile(config.DATABASE_URL), log) : null
  const httpServer = http.createServer()
  // Several nodes: socket.io rooms span them through Redis, each tenant runs on its owner node.
  const cluster = config.REDIS_URL ? await joinCluster(config, log.child({ part: 'cluster' })) : null
  const io = new Server(httpServer, {
    ...(cluster ? { adapter: cluster.adapter } : {}),
    maxHttpBufferSize: LIMITS.socketPacketBytes,
    pingInterval: 10_000,
    pingTimeout: 10_000,
    // Visitors come from shop origins and authenticate with a token, not cookies; the
    // namespaces check Origin themselves (allow-list for visitors, own origin for agents).
    cors: { origin: true, credentials: false },
  })
  const visitorNsp: VisitorNamespace = io.of('/visitor')
  const agentNsp: AgentNamespace = io.of('/agent')
  const gateway = await startMedia(config, log.child({ part: 'media' }))
  const notifier = new SocketNotifier(visitorNsp, agentNsp)
  const services = createServices(db, eventStore, config, notifier, log, gateway)
  notifier.memberOf = (channelId, participantId) => {
    const participant = services.channels.participant(channelId, participantId)
    if (participant?.agentId) return { kind: 'agent', agentId: participant.agentId }
    return participant?.visitorId ? { kind: 'visitor', visitorId: participant.visitorId } : null
  }

  let shopServer: http.Server | null = null
  let shopUrl: string | null = null
  let publicUrl = config.PUBLIC_URL?.replace(/\/$/, '') ?? ''
  if (config.SHOP_PORT >= 0) {
    shopServer = http.createServer(createDemoShop(() => ({ parleyUrl: publicUrl, tenant: DEMO_TENANT })))
    const shopPort = await listen(shopServer, config.SHOP_PORT, config.HOST)
    shopUrl = `http://${hostForUrl(config.HOST)}:${shopPort}`
  }
  const demoCredentials = config.SEED_DEMO
    ? await seedDemo(db, {
        dataDir: config.dataDir,
        password: config.DEMO_PASSWORD,
        shopOrigins: shopUrl ? [shopUrl, shopUrl.replace('127.0.0.1', 'localhost')] : [],
      })
    : null
  const management = createManagement(db, services, config, log.child({ part: 'management' }), gateway)
  management.team.onSessionsRevoked = (sessionIds) => {
    for (const sessionId of sessionIds) agentNsp.in(rooms.session(sessionId)).disconnectSockets(true)
  }
  const offers = createOffers(db, services, management, config, log.child({ part: 'offers' }))
  offers.offers.onHold = (agentId, hold, offerId) => {
    const room = agentNsp.to(rooms.agent(agentId))
    if (hold) room.emit('offer:hold', hold)
    else room.emit('offer:hold-ended', { offerId })
  }
  let stopForLostTenant: (tenantId: string) => void = () => {}
  const { dispatch, presence } = cluster
    ? cluster.attach(services, db, [visitorNsp, agentNsp], (tenantId) => stopForLostTenant(tenantId))
    : { dispatch: new LocalDispatch(services), presence: undefined }
  // One node boots every tenant now; on several, each tenant boots on the node that takes it.
  if (!cluster) await bootServices(services)
  else if (config.SIP === 'on') log.warn('the SIP bridge runs on single-node installations only: phone calls are off on this node')
  await bootManagement(management)

  const protection = createProtection(config, log.child({ part: 'protection' }), cluster?.limiter)
  protection.registerMetrics(management.metrics.registry)

  const ownOrigins = new Set<string>()
  const isOwnOrigin = (origin: string | undefined) => origin !== undefined && ownOrigins.has(origin.toLowerCase())
  let ready = false
  const app = createHttpApp({
    services,
    db,
    log,
    webRoot: WEB_ROOT,
    publicUrl: () => publicUrl,
    isOwnOrigin,
    secureCookies: config.secureCookies,
    onLogout: (sessionId) => agentNsp.in(rooms.session(sessionId)).disconnectSockets(true),
    isReady: () => ready,
    management,
    // NOTE: proactive offers hold agents in the local router: on several nodes they are off until they go through the dispatch
    offers: cluster ? undefined : offers,
    metricsToken: config.METRICS_TOKEN,
    apiRatePerMinute: config.API_RATE_PER_MINUTE,
    traffic: protection.traffic,
    trustProxy: config.TRUST_PROXY,
    presence,
    dispatch,
  })
  httpServer.on('request', app)
  protection.guard(visitorNsp, agentNsp)
  setUpVisitorNamespace(visitorNsp, services, dispatch, log.child({ part: 'visitor-socket' }))
  setUpAgentNamespace(agentNsp, services, dispatch, isOwnOrigin, log.child({ part: 'agent-socket' }))

  const port = await listen(httpServer, config.PORT, config.HOST)
  const local = `http://${hostForUrl(config.HOST)}:${port}`
  publicUrl ||= local
  for (const origin of [publicUrl, local, local.replace('127.0.0.1', 'localhost')]) ownOrigins.add(new URL(origin).origin)
  ready = true
  log.info({ url: publicUrl, shopUrl, database: config.databaseProvider }, 'parley listening')

  let closing: Promise<void> | null = null
  // NOTE: a node that lost a tenant may hold stale state for it: stop (crash-only), a supervisor restarts it.
  stopForLostTenant = (tenantId) => {
    log.fatal({ tenantId }, 'lost a tenant to another node: stopping this node')
    setTimeout(() => process.exit(70), 3000).unref()
    void parley.close().finally(() => process.exit(70))
  }
  const parley: Parley = {
    url: publicUrl,
    localUrl: local,
    shopUrl,
    demoCredentials,
    services,
    management,
    offers,
    db,
    log,
    config,
    protection,
    close() {
      closing ??= (async () => {
        ready = false
        await new Promise<void>((resolve) => io.close(() => resolve()))
        await protection.close()
        await new Promise<void>((resolve) => (shopServer ? shopServer.close(() => resolve()) : resolve()))
        shopServer?.closeAllConnections()
        await closeOffers(offers)
        await closeManagement(management)
        await closeServices(services)
        // only now may another node take this node's tenants over: everything is written
        await cluster?.close()
        gateway?.close()
        eventStore.close()
        await db.$disconnect()
        await checkpointer?.close()
      })()
      return closing
    },
  }
  return parley
}
