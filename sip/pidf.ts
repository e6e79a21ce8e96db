/**
 * PIDF presence documents (RFC 3863), with the two extensions agents' phones and PBXes put in
 * them: the person's note (RFC 4479 data model) and RPID activities (RFC 4480, e.g. `away`,
 * `busy`, `on-the-phone`). We need three facts: open or closed, an optional human note, an
 * optional activity. A document with several tuples (devices) is open when any tuple is open.
 */
import { z } from 'zod'
import { PidfError } from './errors.js'
import { childrenOf, descendantsOf, parseXml, XmlError, type XmlElement } from './xml-reader.js'

export const PIDF_NS = 'urn:ietf:params:xml:ns:pidf'
export const DATA_MODEL_NS = 'urn:ietf:params:xml:ns:pidf:data-model'
export const RPID_NS = 'urn:ietf:params:xml:ns:pidf:rpid'
export const PIDF_CONTENT_TYPE = 'application/pidf+xml'

export const MAX_PIDF_BYTES = 16 * 1024
const MAX_NOTE = 256

export const pidfSchema = z.strictObject({
  /** the presentity as the document names it (sip:, sips: or pres: URI) */
  entity: z.string().regex(/^(sips?|pres):[^\s<>"]+$/, 'entity must be a sip:, sips: or pres: URI').max(256),
  status: z.enum(['open', 'closed']),
  note: z.string().min(1).max(MAX_NOTE).optional(),
  /** RPID activity, the element's local name (away, busy, on-the-phone, ...) */
  activity: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,63}$/)
    .optional(),
})
export type PidfPresence = z.infer<typeof pidfSchema>

function cleanText(element: XmlElement | undefined): string | undefined {
  const text = element?.text.replace(/\s+/g, ' ').trim()
  return text ? text.slice(0, MAX_NOTE) : undefined
}

/** Parse and validate a PIDF body; PidfError (answered 400) when it is not usable. */
export function parsePidf(body: string): PidfPresence {
  if (Buffer.byteLength(body, 'utf8') > MAX_PIDF_BYTES) throw new PidfError('body too large')
  let root: XmlElement
  try {
    root = parseXml(body, { maxBytes: MAX_PIDF_BYTES })
  } catch (error) {
    throw new PidfError(error instanceof XmlError ? error.message : 'not XML')
  }
  if (root.ns !== PIDF_NS || root.name !== 'presence') throw new PidfError('root is not a PIDF <presence>')
  const tuples = childrenOf(root, PIDF_NS, 'tuple')
  const basics: { value: string; tuple: XmlElement }[] = []
  for (const tuple of tuples) {
    for (const status of childrenOf(tuple, PIDF_NS, 'status')) {
      for (const basic of childrenOf(status, PIDF_NS, 'basic')) basics.push({ value: basic.text.trim(), tuple })
    }
  }
  if (basics.length === 0) throw new PidfError('no <basic> status')
  const bad = basics.find((basic) => basic.value !== 'open' && basic.value !== 'closed')
  if (bad) throw new PidfError(`basic must be open or closed, not "${bad.value.slice(0, 20)}"`)
  const status = basics.some((basic) => basic.value === 'open') ? 'open' : 'closed'

  const persons = childrenOf(root, DATA_MODEL_NS, 'person')
  const note =
    cleanText(basics.filter((basic) => basic.value === status).flatMap((basic) => childrenOf(basic.tuple, PIDF_NS, 'note'))[0]) ??
    cleanText(childrenOf(root, PIDF_NS, 'note')[0]) ??
    cleanText(persons.flatMap((person) => childrenOf(person, DATA_MODEL_NS, 'note'))[0])
  const activities = [...persons, root].flatMap((scope) => descendantsOf(scope, RPID_NS, 'activities'))
  const activityElement = activities.flatMap((element) => element.children.filter((child) => child.ns === RPID_NS))[0]

  const candidate: Record<string, unknown> = { entity: root.attributes.get('entity') ?? '', status }
  if (note) candidate.note = note
  if (activityElement) candidate.activity = activityElement.name.toLowerCase()
  const parsed = pidfSchema.safeParse(candidate)
  if (!parsed.success) throw new PidfError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '))
  return parsed.data
}

/** A PIDF document (for tests and for publishing our own presence later). */
export function buildPidf(presence: { entity: string; status: 'open' | 'closed'; note?: string; activity?: string }): string {
  const escape = (value: string): string => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<presence xmlns="${PIDF_NS}" xmlns:dm="${DATA_MODEL_NS}" xmlns:rpid="${RPID_NS}" entity="${escape(presence.entity)}">`,
    `  <tuple id="t1"><status><basic>${presence.status}</basic></status>${presence.note ? `<note>${escape(presence.note)}</note>` : ''}</tuple>`,
  ]
  if (presence.activity) lines.push(`  <dm:person id="p1"><rpid:activities><rpid:${presence.activity}/></rpid:activities></dm:person>`)
  lines.push('</presence>', '')
  return lines.join('\r\n')
}
