/**
 * The admin console's sections, registered by the modules that own them: the built-in ones
 * by admin-console.ts, others (SIP trunks, offer rules) by their own modules, e.g.
 *
 *   registerAdminSection({ id: 'trunks', label: 'SIP trunks', order: 55, render: () => html`<parley-trunks-editor></parley-trunks-editor>` })
 *
 * so the console never needs to know about them and nothing shows before they exist.
 */
import type { TemplateResult } from 'lit'

export interface AdminSection {
  /** stable id, also the `data-section` of its nav button */
  id: string
  label: string
  /** position in the nav (built-ins use 10, 20, 30, ...) */
  order: number
  /** one line under the section title */
  description?: string
  /** the section's content; called whenever it is shown */
  render: () => TemplateResult
}

const sections = new Map<string, AdminSection>()
const listeners = new Set<() => void>()

/** Add (or replace, by id) a section of the admin console. */
export function registerAdminSection(section: AdminSection): void {
  sections.set(section.id, section)
  for (const listener of listeners) listener()
}

/** Sections in nav order. */
export function adminSections(): AdminSection[] {
  return [...sections.values()].sort((a, b) => a.order - b.order || a.label.localeCompare(b.label))
}

/** Hear about sections registered later (lazily loaded modules). */
export function onAdminSectionsChanged(listener: () => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}
