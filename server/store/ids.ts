import { randomFillSync } from 'node:crypto'

// Ids are made on hot paths (one per channel event): draw from a refilled pool of random
// bytes instead of a crypto call per id.
const ID_BYTES = 12
const pool = Buffer.alloc(ID_BYTES * 512)
let offset = pool.length

/** Random ids with a readable prefix (`ch_`, `rq_`, ...); 96 bits of randomness. */
export function newId(prefix: string): string {
  if (offset + ID_BYTES > pool.length) {
    randomFillSync(pool)
    offset = 0
  }
  const id = pool.toString('base64url', offset, offset + ID_BYTES)
  offset += ID_BYTES
  return `${prefix}_${id}`
}
