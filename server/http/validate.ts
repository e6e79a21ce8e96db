import type { z } from 'zod'
import { ValidationError } from '../errors.js'

/** Parse a request part with its schema; a clear 400 otherwise. */
export function validate<S extends z.ZodType>(what: string, schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value)
  if (!parsed.success) throw ValidationError.fromZod(what, parsed.error)
  return parsed.data
}
