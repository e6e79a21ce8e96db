/** Reading and writing the page's form fields for browser leading, never private ones. */
import { isMaskedField, type FieldDescription } from '../../protocol/field-masking.js'

export type FormField = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement

export function isFormField(node: unknown): node is FormField {
  return node instanceof HTMLInputElement || node instanceof HTMLSelectElement || node instanceof HTMLTextAreaElement
}

export function describeField(field: FormField): FieldDescription {
  return { type: field instanceof HTMLInputElement ? field.type : field.tagName.toLowerCase(), name: field.name, id: field.id, autocomplete: field.getAttribute('autocomplete') ?? '' }
}

export function isPrivate(field: FormField, maskedWords: readonly string[]): boolean {
  return isMaskedField(describeField(field), maskedWords)
}

/** What the leader's field holds: checked state for checkboxes and radios, else the text. */
export function valueOf(field: FormField): string | boolean {
  return field instanceof HTMLInputElement && (field.type === 'checkbox' || field.type === 'radio') ? field.checked : field.value
}

/**
 * Put the leader's value into a follower's field, as if typed (input and change events, so
 * the shop's own scripts react); false for private or unknown fields.
 */
export function writeField(node: Element | null, value: string | boolean, maskedWords: readonly string[]): boolean {
  if (!isFormField(node) || isPrivate(node, maskedWords) || node.disabled) return false
  if (node instanceof HTMLInputElement && (node.type === 'checkbox' || node.type === 'radio')) {
    if (typeof value !== 'boolean' || node.checked === value) return typeof value === 'boolean'
    node.checked = value
  } else {
    if (typeof value !== 'string' || node.value === value) return typeof value === 'string'
    node.value = value
  }
  node.dispatchEvent(new Event('input', { bubbles: true }))
  node.dispatchEvent(new Event('change', { bubbles: true }))
  return true
}
