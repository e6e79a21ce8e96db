/**
 * The one typed configuration module: every setting with its default, validated strictly.
 * Nothing else in the server reads process.env.
 */
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import { isIP } from 'node:net'
import path from 'node:path'
import { z } from 'zod'

const port = z.coerce.number().int().min(0).max(65535)
const millis = z.coerce.number().int().min(10)
/** a rate per minute */
const rate = z.coerce.number().int().min(1).max(10_000_000)
const flag = z.enum(['0', '1', 'true', 'false']).transform((value) => value === '1' || value === 'true')

const schema = z.object({
  /** interface every listener binds to */
  HOST: z.string().default('127.0.0.1'),
  /** Parley's HTTP + socket port (0 picks a free one) */
  PORT: port.default(8080),
  /** port of the demo shop served beside Parley; -1 turns it off */
  SHOP_PORT: z.coerce.number().int().min(-1).max(65535).default(8081),
  /** the URL browsers use to reach Parley (defaults to http://HOST:PORT once listening) */
  PUBLIC_URL: z.url().optional(),
  /** file:./data/parley.db (SQLite, embedded default) or postgresql://... */
  DATABASE_URL: z
    .string()
    .default('file:./data/parley.db')
    .refine((url) => url.startsWith('file:') || /^postgres(ql)?:\/\//.test(url), 'must be file:... (SQLite) or postgresql://...'),
  /** folder for the SQLite file, the generated secret and demo credentials */
  DATA_DIR: z.string().default('./data'),
  /** HMAC key for visitor tokens; generated into DATA_DIR/secret.key when unset */
  SECRET: z.string().min(32).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** seed the demo tenant (demo shop, one admin, two agents) when it does not exist */
  SEED_DEMO: flag.default(true),
  /** fixed password for the seeded demo accounts (random when unset) */
  DEMO_PASSWORD: z.string().min(8).optional(),
  /** agent session lifetime */
  SESSION_TTL_MS: millis.default(12 * 60 * 60 * 1000),
  /** a visitor with no connected socket for this long has left their channel or request */
  VISITOR_GONE_MS: millis.default(3 * 60 * 1000),
  /** an agent with no connected socket for this long has left their channels */
  AGENT_GONE_MS: millis.default(5 * 60 * 1000),
  /** set the Secure flag on cookies (turn on behind https) */
  SECURE_COOKIES: flag.default(false),
  /** voice/video through mediasoup: on, off, or auto (on when the worker is built) */
  MEDIA: z.enum(['on', 'off', 'auto']).default('auto'),
  /** mediasoup workers (one per core when unset) */
  MEDIA_WORKERS: z.coerce.number().int().min(1).max(64).optional(),
  /** address the media sockets bind to */
  MEDIA_LISTEN_IP: z.string().default('127.0.0.1'),
  /** address announced to browsers and phone trunks, when the listen address is not reachable as is */
  MEDIA_ANNOUNCED_IP: z.string().optional(),
  /** the UDP/TCP port range for media (WebRTC server ports, phone RTP, recordings) */
  MEDIA_MIN_PORT: port.default(40000),
  MEDIA_MAX_PORT: port.default(49999),
  /** a call whose media sends no packets for this long is reported as failed */
  MEDIA_TIMEOUT_MS: millis.default(4000),
  /** a webhook receiver must answer within this time, or the attempt is retried */
  WEBHOOK_TIMEOUT_MS: millis.default(10_000),
  /** first webhook retry after this long, doubling per attempt up to WEBHOOK_RETRY_MAX_MS */
  WEBHOOK_RETRY_BASE_MS: millis.default(10_000),
  WEBHOOK_RETRY_MAX_MS: millis.default(60 * 60 * 1000),
  /** attempts before a webhook delivery is given up (shown as failed in the admin) */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(30).default(12),
  /** how often the webhook sender looks for due deliveries */
  WEBHOOK_POLL_MS: millis.default(2_000),
  /** let webhooks reach loopback and private networks (an on-premises CRM); off for hosting */
  WEBHOOK_ALLOW_PRIVATE: flag.default(false),
  /** public API requests per key and minute (more get 429 with Retry-After) */
  API_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(600),
  /** reverse proxies whose X-Forwarded-For names the client (logs, rate limits): loopback, linklocal, uniquelocal, IPs or CIDR ranges, comma-separated */
  TRUST_PROXY: z
    .string()
    .default('loopback')
    .refine((spec) => spec.split(',').map((item) => item.trim()).filter(Boolean).every((item) => ['loopback', 'linklocal', 'uniquelocal'].includes(item) || isIP(item.split('/')[0]!) !== 0), 'loopback, linklocal, uniquelocal, IP addresses or CIDR ranges, comma-separated'),
  /** rate limits (token buckets, bursts of a quarter minute); off only for load tests from one address */
  RATE_LIMITS: flag.default(true),
  /** widget HTTP requests (/api/widget/...) per client address and minute, and per tenant */
  WIDGET_RATE_PER_IP: rate.default(600),
  WIDGET_RATE_PER_TENANT: rate.default(60_000),
  /** visitor socket connections (handshakes) per client address and minute, and per tenant */
  CONNECT_RATE_PER_IP: rate.default(120),
  CONNECT_RATE_PER_TENANT: rate.default(12_000),
  /** new requests (request:create) per client address and minute, and per tenant */
  REQUEST_RATE_PER_IP: rate.default(60),
  REQUEST_RATE_PER_TENANT: rate.default(3_000),
  /** socket events of any kind per socket and minute (typing, acks, media signalling included) */
  SOCKET_EVENT_RATE: rate.default(1_200),
  /** channel writes (messages, leading, calls, phone) per visitor or agent and minute, and per tenant */
  MESSAGE_RATE_PER_MEMBER: rate.default(600),
  MESSAGE_RATE_PER_TENANT: rate.default(60_000),
  /** a socket with more unsent packets than this gets no droppable signals (typing previews, speaker) */
  SLOW_SOCKET_DROP_PACKETS: z.coerce.number().int().min(1).max(100_000).default(32),
  /** a socket holding more unsent packets or bytes than these for SLOW_SOCKET_CLOSE_MS is disconnected (it resumes by seq) */
  SLOW_SOCKET_CLOSE_PACKETS: z.coerce.number().int().min(2).max(1_000_000).default(1_000),
  SLOW_SOCKET_CLOSE_BYTES: z.coerce.number().int().min(1024).default(8 * 1024 * 1024),
  SLOW_SOCKET_CLOSE_MS: millis.default(15_000),
  /** when set, GET /metrics needs `Authorization: Bearer <token>` */
  METRICS_TOKEN: z.string().min(16).optional(),
  /** the SIP bridge to the phone (trunks are configured per tenant in the admin console) */
  SIP: z.enum(['on', 'off']).default('on'),
  /** address the SIP trunks bind to */
  SIP_LISTEN_IP: z.ipv4().default('127.0.0.1'),
  /** address written into Via/Contact when the listen address is not what the provider reaches (NAT) */
  SIP_ANNOUNCED_IP: z.ipv4().optional(),
  /** send OPTIONS keep-alives to every trunk this often and show reachability (0: off) */
  SIP_KEEPALIVE_SEC: z.coerce.number().int().min(0).max(3600).default(0),
  /** an unanswered outbound phone call is cancelled after this long */
  PHONE_RING_TIMEOUT_SEC: z.coerce.number().int().min(5).max(300).default(45),
  /** a visitor whose media or connection failed during a call is called on the phone after this long, unless they are back */
  PHONE_FALLBACK_GRACE_MS: z.coerce.number().int().min(0).max(60_000).default(2000),
  /** multi-node mode: Redis for socket.io's adapter, tenant ownership and node-to-node calls (needs PostgreSQL and a shared SECRET) */
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be redis://... or rediss://...').optional(),
  /** the cluster's name: its Redis keys and channels start with it (several installations can share a Redis) */
  CLUSTER_NAME: z.string().regex(/^[a-z0-9-]{1,40}$/, 'lower-case letters, digits and "-"').default('parley'),
  /** this process's name in the cluster (random when unset) */
  NODE_ID: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, ".", "-" or "_"').optional(),
  /** a node owns a tenant for this long after its last renewal: a crashed owner's tenants move to another node after it */
  CLUSTER_LEASE_MS: z.coerce.number().int().min(500).max(120_000).default(5000),
})

type Env = z.infer<typeof schema>

export interface Config extends Omit<Env, 'SECRET'> {
  SECRET: string
  /** absolute path of DATA_DIR */
  dataDir: string
  databaseProvider: 'sqlite' | 'postgres'
  /** cookies get the Secure flag: SECURE_COOKIES, or a PUBLIC_URL on https */
  secureCookies: boolean
  /** this process's name in the cluster */
  nodeId: string
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** Parse and validate settings (from process.env by default). */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')))
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`).join('\n')
    throw new ConfigError(`invalid configuration:\n${problems}`)
  }
  const values = parsed.data
  if (values.REDIS_URL && values.DATABASE_URL.startsWith('file:')) throw new ConfigError('invalid configuration:\n  REDIS_URL: several nodes need a shared database: set DATABASE_URL to postgresql://...')
  if (values.REDIS_URL && !values.SECRET) throw new ConfigError('invalid configuration:\n  SECRET: several nodes must sign with the same secret: set SECRET (32+ characters) on every node')
  const dataDir = path.resolve(values.DATA_DIR)
  return {
    ...values,
    dataDir,
    SECRET: values.SECRET ?? persistentSecret(dataDir),
    databaseProvider: values.DATABASE_URL.startsWith('file:') ? 'sqlite' : 'postgres',
    secureCookies: values.SECURE_COOKIES || values.PUBLIC_URL?.startsWith('https:') === true,
    nodeId: values.NODE_ID ?? `node-${randomBytes(4).toString('hex')}`,
  }
}

/** A random secret kept in the data folder, so signed visitor tokens survive restarts. */
function persistentSecret(dataDir: string): string {
  const file = path.join(dataDir, 'secret.key')
  try {
    return fs.readFileSync(file, 'utf8').trim()
  } catch {
    fs.mkdirSync(dataDir, { recursive: true })
    const secret = randomBytes(32).toString('base64url')
    fs.writeFileSync(file, secret, { mode: 0o600, flag: 'wx' })
    return secret
  }
}
