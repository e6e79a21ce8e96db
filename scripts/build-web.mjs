#!/usr/bin/env node
// Builds the browser bundles into dist/web:
//   widget.js                 the embed loader: plain DOM, IIFE, budget 7 KB gzipped
//   assets/*.js               the widget's chat panel and the consoles, ESM with shared chunks
//   agent/index.html          the agent console page
// The loader gets the chat panel's entry and chunk list (with sizes) baked in, so it can
// fetch them with a real byte-progress indicator when the visitor clicks, and the entry of
// the proactive offer card (imported only when an offer arrives).
import * as esbuild from 'esbuild'
import fs from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'

const root = path.resolve(import.meta.dirname, '..')
const out = path.join(root, 'dist/web')
const watch = process.argv.includes('--watch')
const dev = watch || process.argv.includes('--dev')

const common = {
  bundle: true,
  minify: !dev,
  sourcemap: dev ? 'inline' : false,
  target: ['chrome110', 'firefox110', 'safari16'],
  legalComments: 'none',
  logLevel: 'warning',
  tsconfig: path.join(root, 'tsconfig.json'),
}

/** Page entries (ESM, code-split): name -> source. */
const entries = {
  'widget-panel': 'web/widget/chat-panel.ts',
  'widget-offer': 'web/widget/offer-card.ts',
  'agent-console': 'web/agent/agent-console.ts',
}

async function build() {
  fs.rmSync(out, { recursive: true, force: true })
  const pages = await esbuild.build({
    ...common,
    entryPoints: Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, path.join(root, file)])),
    outdir: path.join(out, 'assets'),
    format: 'esm',
    splitting: true,
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    metafile: true,
  })
  const outputs = pages.metafile.outputs
  const entryFile = (name) => {
    const file = Object.keys(outputs).find((key) => outputs[key].entryPoint?.endsWith(entries[name]))
    if (!file) throw new Error(`no output for ${name}`)
    return file
  }
  /** an entry and every chunk it imports statically, entry last */
  const closure = (file, seen = new Set()) => {
    for (const imported of outputs[file].imports) if (imported.kind === 'import-statement' && !seen.has(imported.path)) closure(imported.path, seen)
    seen.add(file)
    return seen
  }
  const rel = (file) => path.relative(out, path.resolve(root, file)).split(path.sep).join('/')
  const panel = entryFile('widget-panel')
  const panelFiles = [...closure(panel)].map((file) => ({ path: rel(file), bytes: fs.statSync(path.resolve(root, file)).size }))

  await esbuild.build({
    ...common,
    entryPoints: [path.join(root, 'web/widget/loader.ts')],
    outfile: path.join(out, 'widget.js'),
    format: 'iife',
    define: { __PARLEY_PANEL__: JSON.stringify({ entry: rel(panel), files: panelFiles }), __PARLEY_OFFER__: JSON.stringify(rel(entryFile('widget-offer'))) },
  })

  const agentEntry = rel(entryFile('agent-console'))
  const html = fs.readFileSync(path.join(root, 'web/agent/index.html'), 'utf8').replace('%AGENT_CONSOLE_ENTRY%', `/${agentEntry}`)
  fs.mkdirSync(path.join(out, 'agent'), { recursive: true })
  fs.writeFileSync(path.join(out, 'agent/index.html'), html)

  // Pictures tenants can use for agents (avatar rules point at /avatars/…).
  fs.cpSync(path.join(root, 'web/avatars'), path.join(out, 'avatars'), { recursive: true })

  const loader = fs.readFileSync(path.join(out, 'widget.js'))
  const report = { loaderBytes: loader.length, loaderGzipBytes: gzipSync(loader, { level: 9 }).length, panelFiles }
  fs.writeFileSync(path.join(out, 'build-report.json'), JSON.stringify(report, null, 2))
  return report
}

const report = await build()
console.log(`web: built dist/web (widget loader ${report.loaderGzipBytes} B gzipped)`)
if (watch) {
  console.log('web: watching web/ for changes')
  let timer
  fs.watch(path.join(root, 'web'), { recursive: true }, () => {
    clearTimeout(timer)
    timer = setTimeout(() => build().then((r) => console.log(`web: rebuilt (loader ${r.loaderGzipBytes} B gz)`), (e) => console.error(e.message)), 150)
  })
}
