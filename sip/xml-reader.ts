/**
 * A small, strict XML reader for the one XML format that reaches us from the network (PIDF
 * presence documents in SIP PUBLISH bodies). No dependency, and deliberately no DTD support:
 * `<!DOCTYPE` is refused outright, so entity expansion attacks (billion laughs, external
 * entities) cannot happen. Namespaces are resolved; limits cap size, depth and element count.
 * Anything not well-formed throws XmlError.
 */

export interface XmlElement {
  /** local name (no prefix) */
  name: string
  /** namespace URI, undefined when none is in scope */
  ns: string | undefined
  /** attributes by local name (xmlns declarations excluded) */
  attributes: Map<string, string>
  children: XmlElement[]
  /** the element's own character data (text and CDATA), concatenated */
  text: string
}

export class XmlError extends Error {
  override name = 'XmlError'
}

export interface XmlLimits {
  maxBytes: number
  maxDepth: number
  maxElements: number
}

const DEFAULT_LIMITS: XmlLimits = { maxBytes: 64 * 1024, maxDepth: 32, maxElements: 2000 }
const NAME = /[A-Za-z_][A-Za-z0-9_.-]*(?::[A-Za-z_][A-Za-z0-9_.-]*)?/y
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }
const XML_NS = 'http://www.w3.org/XML/1998/namespace'

function decodeEntities(text: string): string {
  return text.replace(/&([^;&\s]{1,10});?/g, (match, ref: string) => {
    if (!match.endsWith(';')) throw new XmlError('unterminated entity reference')
    if (ref.startsWith('#x') || ref.startsWith('#X')) return codePoint(parseInt(ref.slice(2), 16))
    if (ref.startsWith('#')) return codePoint(parseInt(ref.slice(1), 10))
    const value = PREDEFINED[ref]
    if (value === undefined) throw new XmlError(`unknown entity &${ref.slice(0, 10)};`)
    return value
  })
}

function codePoint(value: number): string {
  if (!Number.isInteger(value) || value < 1 || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) throw new XmlError('bad character reference')
  return String.fromCodePoint(value)
}

export function parseXml(input: string, limits: Partial<XmlLimits> = {}): XmlElement {
  const { maxBytes, maxDepth, maxElements } = { ...DEFAULT_LIMITS, ...limits }
  if (Buffer.byteLength(input, 'utf8') > maxBytes) throw new XmlError('document too large')
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input
  let pos = 0
  let elements = 0

  const fail = (what: string): never => {
    throw new XmlError(`${what} at offset ${pos}`)
  }
  const startsWith = (token: string): boolean => text.startsWith(token, pos)
  const skipSpace = (): void => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++
  }
  const readName = (): string => {
    NAME.lastIndex = pos
    const match = NAME.exec(text)
    if (!match) fail('expected a name')
    pos += match![0].length
    return match![0]
  }
  const skipUntil = (terminator: string, what: string): string => {
    const end = text.indexOf(terminator, pos)
    if (end < 0) fail(`unterminated ${what}`)
    const content = text.slice(pos, end)
    pos = end + terminator.length
    return content
  }
  /** comments, processing instructions, whitespace; refuses DTDs */
  const skipMisc = (): void => {
    for (;;) {
      skipSpace()
      if (startsWith('<!--')) {
        pos += 4
        skipUntil('-->', 'comment')
      } else if (startsWith('<?')) {
        pos += 2
        skipUntil('?>', 'processing instruction')
      } else if (startsWith('<!DOCTYPE') || startsWith('<!ENTITY')) {
        fail('DTDs are not allowed')
      } else return
    }
  }

  const parseElement = (scope: Map<string, string>, depth: number): XmlElement => {
    if (depth > maxDepth) fail('nesting too deep')
    if (++elements > maxElements) fail('too many elements')
    pos++ // '<'
    const qname = readName()
    const rawAttributes: [string, string][] = []
    for (;;) {
      const before = pos
      skipSpace()
      if (startsWith('/>') || startsWith('>')) break
      if (pos === before) fail('expected whitespace before attribute')
      const attribute = readName()
      skipSpace()
      if (text[pos] !== '=') fail('expected =')
      pos++
      skipSpace()
      const quote = text[pos]
      if (quote !== '"' && quote !== "'") fail('expected a quoted attribute value')
      pos++
      const value = skipUntil(quote!, 'attribute value')
      if (value.includes('<')) fail('< in attribute value')
      if (rawAttributes.some(([name]) => name === attribute)) fail(`duplicate attribute ${attribute}`)
      rawAttributes.push([attribute, decodeEntities(value)])
    }
    const local = new Map(scope)
    for (const [name, value] of rawAttributes) {
      if (name === 'xmlns') local.set('', value)
      else if (name.startsWith('xmlns:')) local.set(name.slice(6), value)
    }
    const resolve = (prefixed: string, isAttribute: boolean): { ns: string | undefined; name: string } => {
      const colon = prefixed.indexOf(':')
      if (colon < 0) return { ns: isAttribute ? undefined : local.get('') || undefined, name: prefixed }
      const prefix = prefixed.slice(0, colon)
      const ns = prefix === 'xml' ? XML_NS : local.get(prefix)
      if (ns === undefined) fail(`undeclared namespace prefix ${prefix}`)
      return { ns, name: prefixed.slice(colon + 1) }
    }
    const { ns, name } = resolve(qname, false)
    const attributes = new Map<string, string>()
    for (const [attribute, value] of rawAttributes) {
      if (attribute === 'xmlns' || attribute.startsWith('xmlns:')) continue
      attributes.set(resolve(attribute, true).name, value)
    }
    const element: XmlElement = { name, ns, attributes, children: [], text: '' }
    if (startsWith('/>')) {
      pos += 2
      return element
    }
    pos++ // '>'
    for (;;) {
      if (pos >= text.length) fail(`unclosed element ${qname}`)
      if (startsWith('</')) {
        pos += 2
        const closing = readName()
        if (closing !== qname) fail(`mismatched end tag ${closing} for ${qname}`)
        skipSpace()
        if (text[pos] !== '>') fail('expected >')
        pos++
        return element
      }
      if (startsWith('<!--')) {
        pos += 4
        skipUntil('-->', 'comment')
      } else if (startsWith('<![CDATA[')) {
        pos += 9
        element.text += skipUntil(']]>', 'CDATA section')
      } else if (startsWith('<?')) {
        pos += 2
        skipUntil('?>', 'processing instruction')
      } else if (startsWith('<!')) {
        fail('DTD syntax is not allowed')
      } else if (text[pos] === '<') {
        element.children.push(parseElement(local, depth + 1))
      } else {
        const end = text.indexOf('<', pos)
        const chunk = text.slice(pos, end < 0 ? text.length : end)
        pos += chunk.length
        element.text += decodeEntities(chunk)
      }
    }
  }

  skipMisc()
  if (text[pos] !== '<') fail('expected the root element')
  const root = parseElement(new Map(), 1)
  skipMisc()
  if (pos !== text.length) fail('content after the root element')
  return root
}

/** Direct children with that namespace and local name. */
export function childrenOf(element: XmlElement, ns: string, name: string): XmlElement[] {
  return element.children.filter((child) => child.ns === ns && child.name === name)
}

/** Every descendant (depth first) with that namespace and local name. */
export function descendantsOf(element: XmlElement, ns: string, name: string): XmlElement[] {
  const out: XmlElement[] = []
  const walk = (node: XmlElement): void => {
    for (const child of node.children) {
      if (child.ns === ns && child.name === name) out.push(child)
      walk(child)
    }
  }
  walk(element)
  return out
}
