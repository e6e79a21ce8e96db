/**
 * Keeps the SQLite write-ahead log short from a worker thread. SQLite's automatic checkpoint
 * runs inside whichever commit crosses the threshold, stalling the event loop for the copy
 * and fsync (tens of ms, seen as chat latency spikes); here it happens beside the loop.
 */
import { Worker } from 'node:worker_threads'
import type { Logger } from '../log.js'

export class SqliteCheckpointer {
  private readonly worker: Worker
  private closed: Promise<void> | null = null

  constructor(file: string, log: Logger, intervalMs = 1000) {
    this.worker = new Worker(new URL('./checkpoint-worker.mjs', import.meta.url), { workerData: { file, intervalMs } })
    this.worker.on('message', (message: { type: string; message?: string }) => {
      if (message.type === 'error') log.warn({ error: message.message }, 'WAL checkpoint failed')
    })
    this.worker.on('error', (error) => log.error({ err: error }, 'WAL checkpoint worker died'))
    this.worker.unref()
  }

  /** Final checkpoint, then stop the worker. Idempotent. */
  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      const timer = setTimeout(() => void this.worker.terminate().then(() => resolve()), 3000)
      this.worker.once('message', () => {
        clearTimeout(timer)
        void this.worker.terminate().then(() => resolve())
      })
      this.worker.postMessage('close')
    })
    return this.closed
  }
}
