/**
 * No hanging dialogs after a crash: the server process is killed (SIGKILL) while a phone
 * callback is answered; the phone (sipp, waiting for our BYE) is still connected. The
 * restarted server finds the phone call in the store, sends the BYE from the dialog it
 * persisted, meters the minutes and logs phone.ended with reason restart.
 */
import { fork, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openDatabase, type Database } from '../server/store/database.js'
import { freePort } from '../sip/testing/ports.js'
import { stopAllSipp } from '../sip/testing/sipp.js'
import { DEMO_PASSWORD, ask, eventually, freshDataDir, mediaOverrides, startChat } from './support/parley-harness.js'
import { createTrunk, sippTrunk, VISITOR_NUMBER } from './support/phone-harness.js'

const root = path.resolve(import.meta.dirname, '..')
const { dataDir, databaseUrl } = freshDataDir()
const media = mediaOverrides()
const children: ChildProcess[] = []
const closers: { close(): void }[] = []
let db: Database | undefined

function startServer(): Promise<{ child: ChildProcess; url: string; shopUrl: string }> {
  const child = fork(path.join(root, 'server/main.ts'), [], {
    cwd: root,
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...media, PORT: '0', SHOP_PORT: '0', DATABASE_URL: databaseUrl, DATA_DIR: dataDir, DEMO_PASSWORD, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  })
  children.push(child)
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited early with ${code}`)))
    child.on('message', (message: { type?: string; url?: string; shopUrl?: string }) => {
      if (message.type === 'ready') resolve({ child, url: message.url!, shopUrl: message.shopUrl! })
    })
  })
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit')
    child.once('exit', () => resolve())
    child.kill('SIGKILL')
  })
}

afterAll(async () => {
  for (const closer of closers) closer.close()
  for (const child of children) if (child.exitCode === null && child.signalCode === null) await kill(child)
  await stopAllSipp()
  await db?.$disconnect()
})

describe('a crash during a phone call', () => {
  it('ends the phone call with a BYE after the restart', { timeout: 90_000 }, async () => {
    const { sipp, port } = await sippTrunk('uas_answer.xml', { timeoutSec: 60 })
    const first = await startServer()
    // a fixed local port, as trunks that take calls have: the phone answers our BYE there
    await createTrunk(first, { port, username: null, password: null, localPort: await freePort() })
    const { agent, visitor, channel } = await startChat(first)
    closers.push(agent, visitor)
    expect((await ask(visitor, 'phone:call', { channelId: channel.id, number: VISITOR_NUMBER })).ok).toBe(true)
    db = await openDatabase({ DATABASE_URL: databaseUrl, databaseProvider: 'sqlite' })
    await eventually(async () => expect((await db!.phoneCall.findFirstOrThrow({ where: { channelId: channel.id } })).dialog).not.toBeNull(), 10_000)
    await kill(first.child)
    expect(sipp.running).toBe(true) // the phone is still on the line

    await startServer()
    expect((await sipp.result()).code).toBe(0) // it got our BYE
    await eventually(async () => expect(await db!.phoneCall.findFirstOrThrow({ where: { channelId: channel.id } })).toMatchObject({ status: 'ended', endReason: 'restart', sipStatus: 200, dialog: null }))
    const row = await db.phoneCall.findFirstOrThrow({ where: { channelId: channel.id } })
    const ended = await db.channelEvent.findFirst({ where: { channelId: channel.id, type: 'phone.ended' } })
    expect(JSON.parse(ended!.payload)).toMatchObject({ phoneCallId: row.id, reason: 'restart' })
    expect(await db.usageRecord.count({ where: { kind: 'pstn_seconds', participantId: row.id } })).toBe(1)
  })
})
