#!/usr/bin/env node
/**
 * Applies Parley's one fix to sip.js 0.21.2's generated SIP grammar: cache the parser bytecode.
 *
 * Why: the peggy-generated `peg$parse` rebuilds its whole bytecode table (~240 `peg$decode`
 * calls) on every call, and sip.js calls it for every URI and for most header fields of every
 * message. With the cache the table is decoded once per process; the SIP prototype went from
 * stalling at ~30 calls/s to 95 calls/s with it. The table is read-only during parsing, so
 * sharing it between calls is safe (the per-parse state lives in `peg$consts` and locals,
 * which stay per call).
 *
 * Contract (called from the postinstall hook):
 * - exact string replacement of three anchors, each of which must occur exactly once;
 * - a no-op (exit 0) when the fix is already applied, so it can run on every install;
 * - fails loudly (exit 1) when the file changed shape (partially patched, anchors missing or
 *   duplicated, CRLF line endings): a silent skip would quietly cost 3x SIP throughput;
 * - writes atomically (temp file + rename) and verifies the result by importing the patched
 *   module and parsing with it twice.
 *
 * Usage: node sip/patch-sipjs.mjs [path/to/grammar.js]   (default: the installed sip.js)
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

/** Each edit: the original text, its replacement, and a marker proving it is applied. */
const EDITS = [
  {
    name: 'cache declaration',
    from: 'function peg$parse(input, options) {\n',
    to: 'let peg$bytecodeCache;\nfunction peg$parse(input, options) {\n',
    applied: 'let peg$bytecodeCache;\nfunction peg$parse(input, options) {\n',
  },
  {
    name: 'bytecode table start',
    from: '    const peg$bytecode = [\n',
    to: '    const peg$bytecode = peg$bytecodeCache || (peg$bytecodeCache = [\n',
    applied: '    const peg$bytecode = peg$bytecodeCache || (peg$bytecodeCache = [\n',
  },
  {
    name: 'bytecode table end',
    from: '    ];\n    let peg$currPos = 0;\n',
    to: '    ]);\n    let peg$currPos = 0;\n',
    applied: '    ]);\n    let peg$currPos = 0;\n',
  },
]

class PatchError extends Error {
  name = 'PatchError'
}

function count(haystack, needle) {
  let n = 0
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) n++
  return n
}

function defaultTarget() {
  // Resolve through Node so a hoisted or nested install is found the same way the app finds it.
  const entry = fileURLToPath(import.meta.resolve('sip.js'))
  return path.join(path.dirname(entry), 'grammar/pegjs/dist/grammar.js')
}

function sipjsVersion(target) {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.resolve(path.dirname(target), '../../../../package.json'), 'utf8'))
    return typeof pkg.version === 'string' ? pkg.version : 'unknown'
  } catch {
    return 'unknown'
  }
}

/** Returns 'applied' or 'already-applied'; throws PatchError when the file is not what we expect. */
export function patchGrammarSource(source) {
  if (source.includes('\r\n')) throw new PatchError('grammar.js has CRLF line endings; the patch anchors expect LF')
  const state = EDITS.map((edit) => {
    const patched = count(source, edit.applied)
    // The first anchor survives inside its own replacement: do not count it twice.
    const original = count(source, edit.from) - (edit.applied.includes(edit.from) ? patched : 0)
    return { edit, original, patched }
  })
  if (state.every((s) => s.patched === 1 && s.original === 0)) return { result: 'already-applied', source }
  if (state.some((s) => s.patched > 0)) {
    const done = state.filter((s) => s.patched > 0).map((s) => s.edit.name)
    throw new PatchError(`grammar.js is partially patched (${done.join(', ')}); reinstall sip.js and run again`)
  }
  for (const s of state) {
    if (s.original !== 1) {
      throw new PatchError(`anchor "${s.edit.name}" found ${s.original} times (expected exactly 1); sip.js changed shape, update sip/patch-sipjs.mjs`)
    }
  }
  let out = source
  for (const { edit } of state) out = out.replace(edit.from, () => edit.to)
  return { result: 'applied', source: out }
}

async function verify(target) {
  // A query string makes Node load the file fresh even if something imported it before.
  const mod = await import(`${pathToFileURL(target).href}?verify=${Date.now()}`)
  // Twice: the second parse runs on the cached table. sip.js reads results from options.data.
  for (const host of ['trunk.example.com', '192.0.2.10']) {
    const options = { startRule: 'SIP_URI' }
    mod.parse(`sip:+15551230000@${host}:5060;transport=udp`, options)
    if (options.data?.host !== host) throw new PatchError('patched grammar failed to parse a SIP URI')
  }
}

async function main() {
  const target = path.resolve(process.argv[2] ?? defaultTarget())
  if (!fs.existsSync(target)) throw new PatchError(`not found: ${target} (is sip.js installed?)`)
  const source = fs.readFileSync(target, 'utf8')
  const { result, source: patched } = patchGrammarSource(source)
  if (result === 'already-applied') {
    console.log(`parley: sip.js ${sipjsVersion(target)} grammar cache patch already applied`)
    return
  }
  const temp = `${target}.parley-${process.pid}.tmp`
  fs.writeFileSync(temp, patched)
  fs.renameSync(temp, target)
  const check = patchGrammarSource(fs.readFileSync(target, 'utf8'))
  if (check.result !== 'already-applied') throw new PatchError('patch did not stick')
  await verify(target)
  console.log(`parley: applied the grammar cache patch to sip.js ${sipjsVersion(target)} (${path.relative(process.cwd(), target)})`)
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(`parley: sip.js grammar patch FAILED: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  })
}
