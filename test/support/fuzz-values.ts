/**
 * Seeded random inputs for the fuzz test: a small PRNG (mulberry32, so a seed replays the same
 * sequence), hostile JSON values, and mutations of valid payloads. Nothing here knows the
 * schemas; `poison` makes any object payload invalid for a strict schema (an unknown key).
 */

export class Random {
  private state: number

  constructor(readonly seed: number) {
    this.state = seed >>> 0
  }

  /** uniform in [0, 1) */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  int(max: number): number {
    return Math.floor(this.next() * max)
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!
  }
}

const STRINGS = [
  '',
  ' ',
  '\u0000',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  '../../etc/passwd',
  '%00',
  '%2e%2e%2f',
  "' OR 1=1 --",
  '"; DROP TABLE "Channel"; --',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  'data:text/html,<b>x</b>',
  'https://evil.example/',
  'http://127.0.0.1:1/',
  '${7*7}',
  '{{7*7}}',
  '\ud800',
  '🙂'.repeat(40),
  'é\u0301\u200b\u202e',
  'ch_',
  'rq_',
  'x'.repeat(65),
  'x'.repeat(2049),
  '2026-02-30T25:61:00Z',
  '9999-12-31T23:59:59.999Z',
  '+4917012345678',
  '00000000-0000-4000-8000-000000000000',
  'ready',
  'admin',
]

const NUMBERS = [0, -0, 1, -1, 0.5, 1e-300, 1e300, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, -2147483649, 2147483648, 4294967296, NaN, Infinity, -Infinity]

/** A hostile JSON-ish value, nested up to `depth`. */
export function value(random: Random, depth = 3): unknown {
  const kind = random.int(depth > 0 ? 9 : 6)
  switch (kind) {
    case 0:
      return random.pick(STRINGS)
    case 1:
      return random.pick(NUMBERS)
    case 2:
      return random.chance(0.5)
    case 3:
      return random.chance(0.5) ? null : undefined
    case 4:
      return random.pick(STRINGS) + String(random.int(1000))
    case 5:
      return 'y'.repeat(random.pick([0, 1, 64, 500, 1001, 4001, 20_000]))
    case 6:
      return Array.from({ length: random.int(4) }, () => value(random, depth - 1))
    case 7: {
      const object: Record<string, unknown> = {}
      for (let i = random.int(4); i > 0; i--) object[random.pick(STRINGS.slice(0, 12)) || `k${i}`] = value(random, depth - 1)
      return object
    }
    default:
      return nested(random.int(200) + 1)
  }
}

/** Arrays or objects nested very deep (parsers and validators must not fall over). */
function nested(levels: number): unknown {
  let out: unknown = 'bottom'
  for (let i = 0; i < levels; i++) out = i % 2 ? [out] : { a: out }
  return out
}

/** A copy of a valid payload with one to three fields removed, retyped or replaced by hostile values. */
export function mutate(random: Random, valid: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...valid }
  const keys = Object.keys(out)
  for (let n = 1 + random.int(3); n > 0; n--) {
    const key = keys.length && random.chance(0.8) ? random.pick(keys) : random.pick(STRINGS.slice(0, 12)) || 'extra'
    const action = random.int(4)
    if (action === 0) delete out[key]
    else if (action === 1 && typeof out[key] === 'string') out[key] = (out[key] as string) + random.pick(STRINGS)
    else out[key] = value(random, 2)
  }
  return out
}

/** Make a payload invalid for any strict object schema (and leave non-objects as they are). */
export function poison(payload: unknown, random: Random): unknown {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return payload
  // NOTE: never undefined: JSON would drop the key, and the payload might be valid after all
  return { ...(payload as Record<string, unknown>), [`fuzz_${random.int(1e6)}`]: value(random, 1) ?? random.int(1e6) }
}
