/** `npm start`: run Parley from the environment's configuration and print where to go. */
import { ConfigError, loadConfig, type Config } from './config.js'
import { createLogger } from './log.js'
import { startParley, type Parley } from './app.js'

function banner(parley: Parley, config: Config): string {
  const lines = ['', '  Parley is running', '', `  Agent console   ${parley.url}/agent/`]
  if (parley.shopUrl) lines.push(`  Demo shop       ${parley.shopUrl}/   (the "Talk to us" button is bottom right)`)
  lines.push(`  Database        ${config.databaseProvider === 'sqlite' ? config.DATABASE_URL : 'PostgreSQL'}`)
  if (parley.demoCredentials) {
    lines.push('', `  Demo logins (tenant "${parley.demoCredentials.tenant}"):`)
    for (const account of parley.demoCredentials.accounts) lines.push(`    ${account.role.padEnd(10)} ${account.email.padEnd(28)} ${account.password}`)
    lines.push('', '  Try it: log in as an agent and set yourself Ready, then open the demo shop in another window and click "Talk to us".')
  }
  return lines.join('\n') + '\n'
}

async function main(): Promise<void> {
  let config: Config
  try {
    config = loadConfig()
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message)
      process.exit(2)
    }
    throw error
  }
  const log = createLogger(config)
  const parley = await startParley(config, log)
  process.stdout.write(banner(parley, config))
  if (process.send) process.send({ type: 'ready', url: parley.url, localUrl: parley.localUrl, shopUrl: parley.shopUrl })
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'shutting down')
    parley.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'unclean shutdown')
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
}

process.on('unhandledRejection', (reason) => {
  // NOTE: log and keep serving; a handler bug must not take every channel down.
  console.error('unhandled rejection', reason)
})

await main()
