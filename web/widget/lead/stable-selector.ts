/**
 * CSS selectors that find "the same element" on another browser's copy of a page: ids and
 * test/name attributes when they are unique, else a short `tag:nth-of-type` path from the
 * nearest such anchor. Generated-looking ids (React's `:r1:`, long hex or digits) are skipped.
 */

const GENERATED_ID = /^:|\d{4,}|^[0-9a-f]{8,}$|[0-9a-f]{8}-[0-9a-f]{4}/i
const FORM_FIELDS = new Set(['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON'])

function unique(root: ParentNode, selector: string): boolean {
  try {
    return root.querySelectorAll(selector).length === 1
  } catch {
    return false
  }
}

const attr = (name: string, value: string) => `[${name}="${value.replace(/["\\]/g, '\\$&')}"]`

/** An anchor selector for `element` alone in the document, if it has one. */
function anchorOf(element: Element, doc: Document): string | null {
  if (element.id && !GENERATED_ID.test(element.id)) {
    const byId = `#${CSS.escape(element.id)}`
    if (unique(doc, byId)) return byId
  }
  for (const name of ['data-test', 'data-testid', 'data-parley-target']) {
    const value = element.getAttribute(name)
    if (value) {
      const selector = attr(name, value)
      if (unique(doc, selector)) return selector
    }
  }
  const name = element.getAttribute('name')
  if (name && FORM_FIELDS.has(element.tagName)) {
    const selector = `${element.tagName.toLowerCase()}${attr('name', name)}`
    if (unique(doc, selector)) return selector
  }
  return null
}

/** A selector that matches `element` and nothing else in its document. */
export function selectorFor(element: Element): string {
  const doc = element.ownerDocument
  const parts: string[] = []
  for (let node: Element | null = element; node && node !== doc.documentElement; node = node.parentElement) {
    const anchor = anchorOf(node, doc)
    if (anchor) {
      parts.unshift(anchor)
      break
    }
    const tag = node.tagName.toLowerCase()
    const parent: Element | null = node.parentElement
    if (!parent) {
      parts.unshift(tag)
      break
    }
    const siblings = [...parent.children].filter((child) => child.tagName === node!.tagName)
    parts.unshift(siblings.length > 1 ? `${tag}:nth-of-type(${siblings.indexOf(node) + 1})` : tag)
  }
  return parts.join(' > ') || 'body'
}

/** The element a selector names on this page, or null (also for selectors this browser rejects). */
export function findBySelector(selector: string, doc: Document = document): Element | null {
  try {
    return doc.querySelector(selector)
  } catch {
    return null
  }
}
