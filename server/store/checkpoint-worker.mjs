// Worker thread: checkpoints the SQLite WAL every interval on its own connection, so the
// copying and fsync happen off the event loop (the app's connections have autocheckpoint off).
import { parentPort, workerData } from 'node:worker_threads'
import Sqlite from 'better-sqlite3'

const db = new Sqlite(workerData.file, { timeout: 1000 })
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)')
  } catch (error) {
    parentPort?.postMessage({ type: 'error', message: String(error?.message ?? error) })
  }
}, workerData.intervalMs)

parentPort?.on('message', (message) => {
  if (message !== 'close') return
  clearInterval(timer)
  try {
    db.pragma('wal_checkpoint(TRUNCATE)')
  } catch {
    // another connection is busy: the next start checkpoints
  }
  db.close()
  parentPort?.postMessage({ type: 'closed' })
})
