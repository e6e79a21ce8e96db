import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'

const script = path.resolve(import.meta.dirname, 'patch-sipjs.mjs')
const installed = path.resolve(import.meta.dirname, '../node_modules/sip.js/lib/grammar/pegjs/dist/grammar.js')
const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

/**
 * A copy of sip.js's grammar folder as shipped (the installed one is patched: undo it). The
 * whole folder, because the script verifies its work by importing the patched module.
 */
function pristineCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-patch-'))
  dirs.push(dir)
  fs.cpSync(path.resolve(installed, '../../..'), path.join(dir, 'grammar'), { recursive: true })
  const file = path.join(dir, 'grammar/pegjs/dist/grammar.js')
  const text = fs
    .readFileSync(installed, 'utf8')
    .replace('let peg$bytecodeCache;\n', '')
    .replace('peg$bytecodeCache || (peg$bytecodeCache = [\n', '[\n')
    .replace('    ]);\n    let peg$currPos = 0;', '    ];\n    let peg$currPos = 0;')
  fs.writeFileSync(file, text)
  return file
}

function run(file: string): { code: number; output: string } {
  try {
    return { code: 0, output: execFileSync(process.execPath, [script, file], { encoding: 'utf8', stdio: 'pipe' }) }
  } catch (error) {
    const failure = error as { status: number; stderr: string }
    return { code: failure.status, output: failure.stderr }
  }
}

describe('patch-sipjs.mjs', () => {
  it('applies the bytecode cache, verifies it, and is a no-op the second time', () => {
    const file = pristineCopy()
    const first = run(file)
    expect(first.code).toBe(0)
    expect(first.output).toMatch(/applied the grammar cache patch/)
    const patched = fs.readFileSync(file, 'utf8')
    expect(patched).toContain('let peg$bytecodeCache;\nfunction peg$parse(input, options) {')
    expect(patched).toContain('const peg$bytecode = peg$bytecodeCache || (peg$bytecodeCache = [')
    const second = run(file)
    expect(second).toEqual({ code: 0, output: expect.stringMatching(/already applied/) })
    expect(fs.readFileSync(file, 'utf8')).toBe(patched)
  })

  it('fails loudly when the file changed shape or is half patched', () => {
    const moved = pristineCopy()
    fs.writeFileSync(moved, fs.readFileSync(moved, 'utf8').replace('    const peg$bytecode = [\n', '    const peg$bytecode = [ \n'))
    expect(run(moved)).toMatchObject({ code: 1, output: expect.stringMatching(/anchor "bytecode table start" found 0 times/) })
    const half = pristineCopy()
    fs.writeFileSync(half, fs.readFileSync(half, 'utf8').replace('function peg$parse(input, options) {\n', 'let peg$bytecodeCache;\nfunction peg$parse(input, options) {\n'))
    expect(run(half)).toMatchObject({ code: 1, output: expect.stringMatching(/partially patched/) })
  })

  it('has been applied to the installed sip.js', () => {
    expect(run(installed)).toMatchObject({ code: 0, output: expect.stringMatching(/already applied/) })
  })
})
