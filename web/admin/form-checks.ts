/**
 * Client-side checks with the server's limits (`server/http/routing-admin-routes.ts`,
 * `server/domain/tenant-settings.ts`), returning messages fit for a form field.
 */
import { TOKEN } from './requirement.js'

/** A checked value, or the message to show next to the field. */
export type Checked<T> = { ok: true; value: T } | { ok: false; error: string }

/** A whole number in [min, max]; the text is what the input holds. */
export function checkInt(text: string, min: number, max: number): Checked<number> {
  const trimmed = text.trim()
  if (trimmed === '') return { ok: false, error: `required (${min}–${max})` }
  const value = Number(trimmed)
  if (!Number.isInteger(value)) return { ok: false, error: 'a whole number, please' }
  if (value < min || value > max) return { ok: false, error: `from ${min} to ${max}` }
  return { ok: true, value }
}

/** A skill key or value (the server trims and lowercases it too). */
export function checkToken(text: string): Checked<string> {
  const value = text.trim().toLowerCase()
  if (value === '') return { ok: false, error: 'required' }
  if (!TOKEN.test(value)) return { ok: false, error: 'only a-z, 0-9, "-" and "_" (up to 40; not starting with "-" or "_")' }
  return { ok: true, value }
}

/** Trimmed text of 1 to `max` characters. */
export function checkText(text: string, max: number): Checked<string> {
  const value = text.trim()
  if (value === '') return { ok: false, error: 'required' }
  if (value.length > max) return { ok: false, error: `at most ${max} characters` }
  return { ok: true, value }
}

/** Collects field messages while reading a form; `ok` when none was added. */
export class FieldErrors {
  /** field name → message */
  readonly fields: Record<string, string> = {}

  /** The value when the check passed; records the message under `field` otherwise. */
  take<T>(field: string, checked: Checked<T>): T | undefined {
    if (checked.ok) return checked.value
    this.fields[field] ??= checked.error
    return undefined
  }

  /** Records a message under `field` (the first one per field wins). */
  add(field: string, message: string): void {
    this.fields[field] ??= message
  }

  /** True when no message was recorded. */
  get ok(): boolean {
    return Object.keys(this.fields).length === 0
  }
}
