import { describe, expect, it } from 'vitest'
import { PidfError } from './errors.js'
import { buildPidf, parsePidf } from './pidf.js'
import { parseXml, XmlError } from './xml-reader.js'

const PIDF = 'urn:ietf:params:xml:ns:pidf'

describe('PIDF presence documents', () => {
  it('reads basic status, note and RPID activity with any namespace prefixes', () => {
    const body = `<?xml version="1.0"?>
<!-- from a desk phone -->
<p:presence xmlns:p="${PIDF}" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:r="urn:ietf:params:xml:ns:pidf:rpid" entity="sip:agent7@shop.example">
  <p:tuple id="a"><p:status><p:basic> closed </p:basic></p:status><p:note>Lunch &amp; errands</p:note></p:tuple>
  <dm:person id="x"><r:activities><r:lunch/></r:activities><dm:note><![CDATA[back at 2]]></dm:note></dm:person>
</p:presence>`
    expect(parsePidf(body)).toEqual({ entity: 'sip:agent7@shop.example', status: 'closed', note: 'Lunch & errands', activity: 'lunch' })
  })

  it('is open when any tuple is open, and falls back to the person note', () => {
    const body = `<presence xmlns="${PIDF}" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" entity="pres:a@b">
      <tuple id="1"><status><basic>closed</basic></status></tuple>
      <tuple id="2"><status><basic>open</basic></status></tuple>
      <dm:person id="p"><dm:note>softphone</dm:note></dm:person></presence>`
    expect(parsePidf(body)).toEqual({ entity: 'pres:a@b', status: 'open', note: 'softphone' })
  })

  it('round-trips what buildPidf writes (escaping included)', () => {
    const presence = { entity: 'sip:x@y', status: 'open' as const, note: '<Ready> & "waiting"', activity: 'on-the-phone' }
    expect(parsePidf(buildPidf(presence))).toEqual(presence)
  })

  it.each([
    ['not XML', 'open'],
    ['unclosed', `<presence xmlns="${PIDF}" entity="sip:a@b"><tuple>`],
    ['mismatched tags', `<presence xmlns="${PIDF}" entity="sip:a@b"></tuple>`],
    ['DTD / entity expansion', `<!DOCTYPE lol [<!ENTITY lol "lol">]><presence xmlns="${PIDF}" entity="sip:a@b"/>`],
    ['unknown entity', `<presence xmlns="${PIDF}" entity="sip:a@b">&lol;</presence>`],
    ['wrong root', `<foo xmlns="${PIDF}"/>`],
    ['wrong namespace', '<presence xmlns="urn:other" entity="sip:a@b"><tuple id="1"><status><basic>open</basic></status></tuple></presence>'],
    ['no basic', `<presence xmlns="${PIDF}" entity="sip:a@b"><tuple id="1"><status/></tuple></presence>`],
    ['bad basic', `<presence xmlns="${PIDF}" entity="sip:a@b"><tuple id="1"><status><basic>busy</basic></status></tuple></presence>`],
    ['no entity', `<presence xmlns="${PIDF}"><tuple id="1"><status><basic>open</basic></status></tuple></presence>`],
    ['undeclared prefix', `<x:presence entity="sip:a@b"/>`],
    ['two roots', `<presence xmlns="${PIDF}" entity="sip:a@b"/><presence/>`],
    ['too deep', `<presence xmlns="${PIDF}" entity="sip:a@b">${'<a>'.repeat(40)}${'</a>'.repeat(40)}</presence>`],
    ['too large', `<presence xmlns="${PIDF}" entity="sip:a@b">${'x'.repeat(20_000)}</presence>`],
  ])('rejects %s with a PidfError (answered 400)', (_what, body) => {
    expect(() => parsePidf(body)).toThrow(PidfError)
    try {
      parsePidf(body)
    } catch (error) {
      expect((error as PidfError).sipStatus).toBe(400)
    }
  })

  it('resolves namespaces and character references in the XML reader', () => {
    const root = parseXml(`<a xmlns="urn:x" xmlns:y="urn:y" q='1'><y:b y:attr="&#x41;&#66;"/>t&lt;</a>`)
    expect(root).toMatchObject({ name: 'a', ns: 'urn:x', text: 't<' })
    expect(root.children[0]).toMatchObject({ name: 'b', ns: 'urn:y' })
    expect(root.children[0]!.attributes.get('attr')).toBe('AB')
    expect(() => parseXml('<a b="1" b="2"/>')).toThrow(XmlError)
    expect(() => parseXml('<a>&#0;</a>')).toThrow(XmlError)
  })
})
