import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TargetRefusedError, isInternalAddress, postJson } from './webhook-post.js'

let server: http.Server
let port: number

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/slow') return void setTimeout(() => res.end('late'), 500)
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => res.writeHead(201).end(`got ${body}`))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})

afterAll(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))))

describe('webhook targets', () => {
  it('knows internal addresses', () => {
    for (const address of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '0.0.0.0', '100.64.0.1', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1']) expect(isInternalAddress(address), address).toBe(true)
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700::1111', '172.32.0.1']) expect(isInternalAddress(address), address).toBe(false)
  })

  it('refuses loopback targets unless private targets are allowed, by address and by name', async () => {
    await expect(postJson(`http://127.0.0.1:${port}/x`, {}, '{}', { timeoutMs: 1000, allowPrivate: false })).rejects.toBeInstanceOf(TargetRefusedError)
    await expect(postJson(`http://localhost:${port}/x`, {}, '{}', { timeoutMs: 1000, allowPrivate: false })).rejects.toBeInstanceOf(TargetRefusedError)
    expect(await postJson(`http://127.0.0.1:${port}/x`, { 'content-type': 'application/json' }, '{"a":1}', { timeoutMs: 1000, allowPrivate: true })).toEqual({ status: 201, text: 'got {"a":1}' })
  })

  it('gives up after the timeout', async () => {
    await expect(postJson(`http://127.0.0.1:${port}/slow`, {}, '{}', { timeoutMs: 100, allowPrivate: true })).rejects.toMatchObject({ name: 'TimeoutError' })
  })
})
