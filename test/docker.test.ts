/**
 * docker/ without Docker (it does not run on these machines): the compose file parses (with
 * Python's YAML, merge keys included) and is coherent — the services, every app setting is one
 * server/config.ts knows and validates, the node ranges for media do not overlap and are
 * published 1:1, SIP is published, the load balancer knows every node; the Dockerfile copies
 * only what exists, builds the worker, and installs every library the built worker links.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../server/config.js'

const root = path.resolve(import.meta.dirname, '..')
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8')
const hasYaml = spawnSync('python3', ['-c', 'import yaml'], { stdio: 'ignore' }).status === 0

type Service = { build?: { context: string; dockerfile: string }; image?: string; environment?: Record<string, string>; ports?: string[]; depends_on?: Record<string, unknown> | string[]; volumes?: string[] }

function compose(): { services: Record<string, Service>; volumes: Record<string, unknown> } {
  const json = execFileSync('python3', ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))', path.join(root, 'docker/compose.yaml')], { encoding: 'utf8' })
  return JSON.parse(json)
}

/** `${VAR:-default}` as compose would expand it with VAR unset (and PARLEY_SECRET given). */
const expand = (value: string) =>
  value.replace(/\$\{([A-Z_]+)(?::([-?])([^}]*))?\}/g, (_, name: string, kind?: string, rest?: string) => (name === 'PARLEY_SECRET' ? 'x'.repeat(40) : kind === '-' ? (rest ?? '') : ''))

/** Ranges published as "a-b:a-b/proto" or single ports. */
function published(ports: string[] = []): { host: string; container: string; proto: string }[] {
  return ports.map((entry) => {
    const [mapping, proto = 'tcp'] = entry.split('/')
    const [host, container] = mapping!.split(':')
    return { host: host!, container: container!, proto }
  })
}

describe.skipIf(!hasYaml)('docker/compose.yaml', () => {
  it('has two app nodes built from the Dockerfile, a load balancer, PostgreSQL and Redis', () => {
    const { services, volumes } = compose()
    expect(Object.keys(services).sort()).toEqual(['app1', 'app2', 'lb', 'postgres', 'redis'])
    for (const name of ['app1', 'app2']) {
      expect(services[name]!.build).toEqual({ context: '..', dockerfile: 'docker/Dockerfile' })
      for (const volume of services[name]!.volumes ?? []) expect(Object.keys(volumes)).toContain(volume.split(':')[0])
    }
    expect(fs.existsSync(path.join(root, 'docker', services.app1!.build!.context, services.app1!.build!.dockerfile))).toBe(true)
    expect(published(services.lb!.ports)).toEqual([{ host: '8080', container: '8080', proto: 'tcp' }])
    const nginx = read('docker/nginx.conf')
    expect(nginx).toContain('server app1:8080;')
    expect(nginx).toContain('server app2:8080;')
    expect(nginx).toMatch(/proxy_set_header Upgrade \$http_upgrade/)
  })

  it('gives every app node settings that server/config.ts knows and accepts, in multi-node mode', () => {
    const { services } = compose()
    const known = new Set([...read('server/config.ts').matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map((match) => match[1]))
    const image = Object.fromEntries([...read('docker/Dockerfile').matchAll(/^\s+([A-Z_]+)=(\S+?)\s*\\?$/gm)].map((match) => [match[1], match[2]]))
    for (const name of ['app1', 'app2']) {
      const env = Object.fromEntries(Object.entries(services[name]!.environment!).map(([key, value]) => [key, expand(String(value))]))
      expect(Object.keys(env).filter((key) => !known.has(key)), `${name}: settings config.ts does not know`).toEqual([])
      expect(Object.keys(image).filter((key) => key !== 'NODE_ENV' && !known.has(key)), 'Dockerfile ENV').toEqual([])
      const config = loadConfig({ ...image, ...env, DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'parley-docker-')) })
      expect(config.databaseProvider).toBe('postgres')
      expect(config.REDIS_URL).toBe('redis://redis:6379')
      expect(config.HOST).toBe('0.0.0.0')
      expect(config.TRUST_PROXY).toContain('uniquelocal')
    }
  })

  it('publishes each node’s media range 1:1 without overlap, and SIP over UDP and TCP', () => {
    const { services } = compose()
    const ranges: [number, number][] = []
    for (const name of ['app1', 'app2']) {
      const env = services[name]!.environment!
      const min = Number(env.MEDIA_MIN_PORT)
      const max = Number(env.MEDIA_MAX_PORT)
      expect(max).toBeGreaterThan(min)
      for (const proto of ['udp', 'tcp']) expect(published(services[name]!.ports)).toContainEqual({ host: `${min}-${max}`, container: `${min}-${max}`, proto })
      for (const [a, b] of ranges) expect(max < a || min > b, `${name} overlaps ${a}-${b}`).toBe(true)
      ranges.push([min, max])
    }
    expect(published(services.app1!.ports)).toEqual(expect.arrayContaining([{ host: '5060', container: '5060', proto: 'udp' }, { host: '5060', container: '5060', proto: 'tcp' }]))
  })
})

describe('docker/Dockerfile', () => {
  const dockerfile = read('docker/Dockerfile')

  it('copies only files that exist, builds the worker, the clients and the bundles, and runs unprivileged', () => {
    for (const [, sources] of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
      for (const source of sources!.split(/\s+/)) expect(fs.existsSync(path.join(root, source)), source).toBe(true)
    }
    expect(dockerfile).toContain('bash media/build-worker.sh')
    expect(dockerfile).toContain('npm ci') // its postinstall generates both Prisma clients
    expect(read('scripts/postinstall.mjs')).toContain("'generate'")
    expect(dockerfile).toContain('node scripts/build-web.mjs')
    expect(dockerfile).toMatch(/^USER node$/m)
    expect(dockerfile).toMatch(/CMD .*scripts\/migrate\.mjs.*server\/main\.ts/)
    expect(dockerfile).toMatch(/^\s+ffmpeg /m)
    expect(read('.dockerignore')).toMatch(/^node_modules$/m)
  })

  it('installs, in the runtime image, every library the built worker links against', () => {
    const worker = path.join(root, 'node_modules/mediasoup/worker/out/Release/mediasoup-worker')
    const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'))
    if (!fs.existsSync(worker)) return // no worker built here: the list is checked where one is
    const packages = new Set<string>()
    for (const line of execFileSync('ldd', [worker], { encoding: 'utf8' }).split('\n')) {
      const file = /=> (\/\S+)/.exec(line)?.[1]
      if (!file) continue
      const owner = spawnSync('dpkg', ['-S', fs.realpathSync(file)], { encoding: 'utf8' }).stdout.split(':')[0]
      if (owner && !['libc6', 'libgcc-s1', 'libnss3', 'libnspr4'].includes(owner)) packages.add(owner)
    }
    expect(packages.size).toBeGreaterThan(3)
    for (const pkg of packages) expect(runtime, pkg).toContain(pkg)
  })
})
