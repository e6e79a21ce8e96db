/**
 * CPU time a running process has used, read from /proc: the sum over its threads of
 * `schedstat`'s run time (nanoseconds), finer than `stat`'s utime + stime (10 ms ticks),
 * which short windows of a lightly loaded worker need. Falls back to `stat` when schedstat
 * is missing (kernels without scheduler statistics).
 */
import fs from 'node:fs'

/** CPU seconds used so far by every live thread of `pid`. */
export function processCpuSeconds(pid: number): number {
  try {
    let ns = 0
    for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(fs.readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0])
      } catch {
        // the thread ended meanwhile
      }
    }
    if (ns > 0) return ns / 1e9
  } catch {
    // no task list: fall through
  }
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100 // utime, stime in clock ticks (USER_HZ = 100)
}

/** Times the threads of `pid` were scheduled in so far (schedstat's run count): about its wakeups. */
export function processWakeups(pid: number): number {
  let count = 0
  try {
    for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
      try {
        count += Number(fs.readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').trim().split(' ')[2])
      } catch {
        // the thread ended meanwhile
      }
    }
  } catch {
    return NaN
  }
  return count
}
