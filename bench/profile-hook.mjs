// Loaded into a bench server process with --import when BENCH_PROFILE=<dir>: records a CPU
// profile of exactly the measured windows (the bench sends profile-start / profile-stop).
import fs from 'node:fs'
import path from 'node:path'
import { Session } from 'node:inspector/promises'

const session = new Session()
session.connect()
let count = 0
process.on('message', async (message) => {
  if (message?.type === 'profile-start') {
    await session.post('Profiler.enable')
    await session.post('Profiler.start')
  } else if (message?.type === 'profile-stop') {
    const { profile } = await session.post('Profiler.stop')
    const file = path.join(process.env.BENCH_PROFILE, `${message.name}-${process.pid}-${++count}.cpuprofile`)
    fs.writeFileSync(file, JSON.stringify(profile))
    process.send?.({ type: 'profile-written', file })
  }
})
