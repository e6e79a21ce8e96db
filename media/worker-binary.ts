/**
 * Where mediasoup looks for its worker binary and whether it is there. The binary is not
 * downloaded (npm's allowScripts keeps mediasoup's postinstall off): media/build-worker.sh
 * builds it against Debian's libraries and installs it at mediasoup's default path.
 */
import fs from 'node:fs'
import { workerBin } from 'mediasoup'
import { WorkerBinaryMissingError } from './errors.js'

/** Path mediasoup spawns: its default out/Release path, or MEDIASOUP_WORKER_BIN when mediasoup was loaded with it set. */
export function workerBinaryPath(): string {
  return workerBin
}

/** Whether the worker binary exists and is executable. */
export function workerBinaryExists(path: string = workerBinaryPath()): boolean {
  try {
    fs.accessSync(path, fs.constants.X_OK)
    return fs.statSync(path).isFile()
  } catch {
    return false
  }
}

/** Throws WorkerBinaryMissingError ("run bash media/build-worker.sh") when the binary is missing. */
export function assertWorkerBinary(path: string = workerBinaryPath()): void {
  if (!workerBinaryExists(path)) throw new WorkerBinaryMissingError(path)
}
