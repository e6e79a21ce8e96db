/**
 * Starts the media gateway (mediasoup workers) as configured: MEDIA=on requires the worker
 * binary, MEDIA=auto runs chat-only with a warning when it is not built, MEDIA=off skips it.
 */
import { createMediaGateway, workerBinaryExists, type MediaGateway } from '../media/index.js'
import type { Config } from './config.js'
import type { Logger } from './log.js'

export async function startMedia(config: Config, log: Logger): Promise<MediaGateway | null> {
  if (config.MEDIA === 'off') return null
  if (config.MEDIA === 'auto' && !workerBinaryExists()) {
    log.warn('voice and video are off: the mediasoup worker is not built (run `bash media/build-worker.sh`)')
    return null
  }
  const gateway = await createMediaGateway({
    ...(config.MEDIA_WORKERS ? { numWorkers: config.MEDIA_WORKERS } : {}),
    listenIp: config.MEDIA_LISTEN_IP,
    ...(config.MEDIA_ANNOUNCED_IP ? { announcedIp: config.MEDIA_ANNOUNCED_IP } : {}),
    rtcMinPort: config.MEDIA_MIN_PORT,
    rtcMaxPort: config.MEDIA_MAX_PORT,
    mediaTimeoutMs: config.MEDIA_TIMEOUT_MS,
  })
  gateway.on('worker-died', (event) => log.error({ worker: event }, 'a mediasoup worker died; its calls re-join on another'))
  log.info({ workers: gateway.workers().length, ports: `${config.MEDIA_MIN_PORT}-${config.MEDIA_MAX_PORT}` }, 'media gateway started')
  return gateway
}
