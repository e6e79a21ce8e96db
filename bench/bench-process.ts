/** What the benches share: servers in their own processes, socket.io clients, percentiles. */
import { fork, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { io, type Socket } from 'socket.io-client'

export const benchRoot = path.resolve(import.meta.dirname, '..')

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

export function round(value: number): number {
  return Math.round(value * 1000) / 1000
}

/** Fork a server script and wait for its `{ type: 'ready', url }` message. */
export function startChild(script: string, env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  // BENCH_PROFILE=<dir> writes CPU profiles of the measured windows (bench/profile-hook.mjs).
  const profile = process.env.BENCH_PROFILE ? ['--import', path.join(benchRoot, 'bench/profile-hook.mjs')] : process.env.BENCH_TRACE_GC ? ['--trace-gc'] : []
  const child = fork(path.join(benchRoot, script), [], {
    cwd: benchRoot,
    execArgv: ['--import', 'tsx', ...profile, ...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? [])],
    env: { ...process.env, ...env },
    stdio: ['ignore', process.env.BENCH_TRACE_GC ? 'inherit' : 'ignore', 'inherit', 'ipc'],
  })
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)))
    child.on('message', (message: { type?: string; url?: string }) => {
      if (message.type === 'ready') resolve({ child, url: message.url! })
    })
  })
}

export async function stopChild(child: ChildProcess): Promise<void> {
  child.removeAllListeners('exit')
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
    setTimeout(() => child.kill('SIGKILL'), 5000).unref()
  })
}

export function connect(url: string, options: Parameters<typeof io>[1]): Promise<Socket> {
  const socket = io(url, { forceNew: true, transports: ['websocket'], reconnection: false, ...options })
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket))
    socket.once('connect_error', reject)
  })
}

export async function inBatches<T>(items: T[], size: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  for (let start = 0; start < items.length; start += size) {
    await Promise.all(items.slice(start, start + size).map((item, offset) => work(item, start + offset)))
  }
}
