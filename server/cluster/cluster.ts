/**
 * Multi-node mode (REDIS_URL set, PostgreSQL for state): socket.io's Redis adapter carries
 * room broadcasts between nodes; each tenant is owned by one node at a time (TenantLeases),
 * which runs its stateful services; the other nodes send it their sockets' calls (NodeRpc,
 * ClusterDispatch). A node that dies stops renewing its leases and the others take its
 * tenants over from the store; a node that drains gives them up at once.
 */
import { createAdapter } from '@socket.io/redis-adapter'
import { Redis } from 'ioredis'
import type { Namespace } from 'socket.io'
import type { Config } from '../config.js'
import type { Logger } from '../log.js'
import type { Database } from '../store/database.js'
import { bootTenant, type Services } from '../services/services.js'
import { NodeRpc } from './node-rpc.js'
import { RedisRateLimiter } from './redis-rate-limiter.js'
import { RelayedPresenceFeed } from './presence-feed.js'
import { ClusterDispatch, failureOf } from './tenant-dispatch.js'
import { TenantLeases } from './tenant-leases.js'

export interface ClusterNode {
  nodeId: string
  /** socket.io's adapter factory for `new Server({ adapter })` */
  adapter: ReturnType<typeof createAdapter>
  /** rate limits every node shares */
  limiter: RedisRateLimiter
  /** Wire the node to its services and namespaces, and start taking over tenants nobody runs. */
  attach(services: Services, db: Database, namespaces: Namespace[], onLost: (tenantId: string) => void): { dispatch: ClusterDispatch; presence: RelayedPresenceFeed }
  /** Give every tenant up (after the services wrote what was pending) and disconnect. */
  close(): Promise<void>
}

export async function joinCluster(config: Config, log: Logger): Promise<ClusterNode> {
  const url = config.REDIS_URL!
  const connect = (name: string) => {
    const client = new Redis(url, { connectionName: `parley-${config.nodeId}-${name}`, lazyConnect: true, maxRetriesPerRequest: 3 })
    client.on('error', (error) => log.warn({ err: error, client: name }, 'redis connection problem'))
    return client
  }
  const commands = connect('commands')
  const inbox = connect('inbox')
  const adapterPub = connect('adapter-pub')
  const adapterSub = connect('adapter-sub')
  await Promise.all([commands.connect(), inbox.connect(), adapterPub.connect(), adapterSub.connect()])
  const leases = new TenantLeases(commands, config.CLUSTER_NAME, config.nodeId, config.CLUSTER_LEASE_MS, log.child({ part: 'leases' }))
  const rpc = new NodeRpc(commands, inbox, config.CLUSTER_NAME, config.nodeId, failureOf, log.child({ part: 'node-rpc' }))
  await rpc.start()
  let scanner: ReturnType<typeof setInterval> | undefined
  let presence: RelayedPresenceFeed | undefined
  log.info({ nodeId: config.nodeId }, 'joined the cluster')

  return {
    nodeId: config.nodeId,
    adapter: createAdapter(adapterPub, adapterSub, { key: `${config.CLUSTER_NAME}:io` }),
    limiter: new RedisRateLimiter(commands, `${config.CLUSTER_NAME}:rate:`),
    attach(services, db, namespaces, onLost) {
      leases.onLost = onLost
      /** who is connected to the tenant on any node, one entry per socket */
      const connected = async (tenantId: string) => {
        const found = { visitors: [] as string[], agents: [] as string[] }
        for (const nsp of namespaces) {
          for (const socket of await nsp.fetchSockets()) {
            const data = socket.data as { kind?: string; tenantId?: string; visitorId?: string; agentId?: string }
            if (data.tenantId !== tenantId) continue
            if (data.kind === 'visitor' && data.visitorId) found.visitors.push(data.visitorId)
            if (data.kind === 'agent' && data.agentId) found.agents.push(data.agentId)
          }
        }
        return found
      }
      const dispatch = new ClusterDispatch(services, leases, rpc, async (tenantId) => bootTenant(services, tenantId, await connected(tenantId)), config.CLUSTER_LEASE_MS, log.child({ part: 'dispatch' }))
      presence = new RelayedPresenceFeed(dispatch, log.child({ part: 'presence-relay' }))
      // Tenants with conversations or a waiting line need an owner even when no socket calls in
      // (ring timeouts, wrap-ups, reminders, grace periods run there).
      const scan = async () => {
        const [channels, requests] = await Promise.all([
          db.channel.findMany({ where: { status: 'open' }, distinct: ['tenantId'], select: { tenantId: true } }),
          db.request.findMany({ where: { status: { in: ['queued', 'scheduled'] } }, distinct: ['tenantId'], select: { tenantId: true } }),
        ])
        for (const tenantId of new Set([...channels, ...requests].map((row) => row.tenantId))) {
          if ((await leases.ownerOf(tenantId)) !== null) continue
          if ((await leases.ensureOwner(tenantId)) === config.nodeId) await dispatch.ready(tenantId)
        }
      }
      const run = () => void scan().catch((error: unknown) => log.warn({ err: error }, 'could not look for tenants without an owner'))
      scanner = setInterval(run, Math.max(250, Math.floor(config.CLUSTER_LEASE_MS / 2)))
      scanner.unref()
      run()
      return { dispatch, presence }
    },
    async close() {
      clearInterval(scanner)
      presence?.close()
      await leases.close()
      rpc.close()
      for (const client of [inbox, adapterSub, adapterPub, commands]) client.disconnect()
    },
  }
}
