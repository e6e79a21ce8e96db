/**
 * Which form fields stay private in browser leading: nobody but their owner may read or write
 * them. Shared by the server (it refuses fills of such fields) and the widget (the leader never
 * sends them, a follower never writes them), so both enforce the same rule.
 */

/** Words that make a field private whatever the tenant configures. */
export const ALWAYS_MASKED = ['password', 'passwd', 'pwd', 'card', 'cc-', 'cvc', 'cvv', 'csc', 'iban'] as const

/** Input types that are never filled by someone else. */
const MASKED_TYPES = new Set(['password', 'hidden', 'file'])

export interface FieldDescription {
  type: string
  name: string
  id: string
  autocomplete: string
}

/**
 * True when a field must stay private: password, hidden and file inputs, card fields
 * (autocomplete `cc-*`) and any field whose name, id or autocomplete contains a masked word.
 */
export function isMaskedField(field: FieldDescription, maskedWords: readonly string[]): boolean {
  if (MASKED_TYPES.has(field.type.toLowerCase())) return true
  const haystack = `${field.name} ${field.id} ${field.autocomplete}`.toLowerCase()
  return [...ALWAYS_MASKED, ...maskedWords].some((word) => word.length > 0 && haystack.includes(word.toLowerCase()))
}
