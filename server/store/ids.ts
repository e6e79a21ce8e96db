import { randomBytes } from 'node:crypto'

/** Random ids with a readable prefix (`ch_`, `rq_`, ...); 96 bits of randomness. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`
}
