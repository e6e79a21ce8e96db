/**
 * The media part of `npm run bench` (alone: `npm run bench -- media`), written to
 * bench/results/media.json: forwarding cost against bare mediasoup (bench/media-forwarding.ts)
 * and start-video-to-first-frame in Chromium (bench/first-frame.ts). Bounded: about a
 * minute and a half with the defaults.
 *
 * BENCH_MEDIA_ROOMS (40) × BENCH_MEDIA_PER_ROOM (3) peers, BENCH_MEDIA_ROUNDS (4) windows per
 * system of BENCH_MEDIA_SECONDS (6) after BENCH_MEDIA_WARMUP_SECONDS (2), consumers reported
 * at BENCH_MEDIA_CPU_SHARE (0.5) of a core; BENCH_FIRST_FRAME_RUNS (10) camera-on runs and
 * BENCH_FIRST_FRAME_JOIN_RUNS (5) join-with-video runs. For finding a cost:
 * BENCH_MEDIA_NODE_FLAGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") for both host processes,
 * BENCH_MEDIA_OPTIONS (JSON media options, e.g. '{"statsIntervalMs":600000}') for ours.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { workerBinaryExists, workerBinaryPath } from '../media/index.js'
import { measureFirstFrame } from './first-frame.js'
import { measureMediaForwarding } from './media-forwarding.js'

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback)

export async function runMediaBench(root: string): Promise<void> {
  if (!workerBinaryExists()) {
    console.log(`media bench skipped: no mediasoup worker at ${workerBinaryPath()} (run bash media/build-worker.sh)`)
    return
  }
  const started = performance.now()
  const options = {
    rooms: env('BENCH_MEDIA_ROOMS', 40),
    perRoom: env('BENCH_MEDIA_PER_ROOM', 3),
    seconds: env('BENCH_MEDIA_SECONDS', 6),
    warmupSeconds: env('BENCH_MEDIA_WARMUP_SECONDS', 2),
    rounds: env('BENCH_MEDIA_ROUNDS', 4),
    cpuShare: env('BENCH_MEDIA_CPU_SHARE', 0.5),
  }
  console.log(`media forwarding: ${options.rooms} rooms × ${options.perRoom} plain-RTP peers, ${options.rounds} alternating windows of ${options.seconds} s per system`)
  const forwarding = await measureMediaForwarding(root, options)
  console.log(
    `  worker CPU per forwarded stream: baseline ${forwarding.baseline.workerCpuPerStreamUsPerSec.mean} µs/s, parley ${forwarding.parley.workerCpuPerStreamUsPerSec.mean} µs/s` +
      ` → ratio ${forwarding.ratioWorkerCpuPerStream} (goal <= ${forwarding.goalRatio}); with the host process ${forwarding.ratioWorkerPlusHostCpuPerStream}` +
      `; consumers per worker at ${options.cpuShare * 100} % of a core: baseline ${forwarding.baseline.consumersPerWorkerAtShare}, parley ${forwarding.parley.consumersPerWorkerAtShare}`,
  )
  let firstFrame: Awaited<ReturnType<typeof measureFirstFrame>> | { skipped: string }
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
  if (fs.existsSync(chromium)) {
    firstFrame = await measureFirstFrame(root, { cameraOnRuns: env('BENCH_FIRST_FRAME_RUNS', 10), joinRuns: env('BENCH_FIRST_FRAME_JOIN_RUNS', 5) })
    console.log(
      `  start video → first remote frame in Chromium: p50 ${firstFrame.cameraOn.p50Ms} ms, p90 ${firstFrame.cameraOn.p90Ms} ms (${firstFrame.cameraOn.runs} runs);` +
        ` joining with video: p50 ${firstFrame.joinWithVideo.p50Ms} ms, p90 ${firstFrame.joinWithVideo.p90Ms} ms`,
    )
  } else {
    firstFrame = { skipped: `${chromium} is missing (apt-get install chromium)` }
    console.log(`  first-frame bench skipped: ${firstFrame.skipped}`)
  }
  const result = {
    name: 'media',
    at: new Date().toISOString(),
    seconds: Math.round((performance.now() - started) / 100) / 10,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version, platform: `${os.platform()} ${os.release()}` },
    forwarding,
    firstFrame,
  }
  const out = path.join(root, 'bench/results')
  fs.mkdirSync(out, { recursive: true })
  fs.writeFileSync(path.join(out, 'media.json'), JSON.stringify(result, null, 2) + '\n')
  console.log(`media bench took ${result.seconds} s -> bench/results/media.json`)
}
