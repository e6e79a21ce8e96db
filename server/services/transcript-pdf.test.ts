import { describe, expect, it } from 'vitest'
import { transcriptPdf, wrap } from './transcript-pdf.js'
import type { Transcript } from './archive-service.js'

const transcript: Transcript = {
  channel: {
    id: 'ch_1',
    status: 'ended',
    createdAt: '2026-11-30T13:00:00Z',
    endedAt: '2026-11-30T13:05:00Z',
    endReason: 'agent_left',
    question: 'Größe (XL)?',
    pageUrl: null,
    kind: 'chat',
    queue: null,
    durationSec: 300,
    participants: [{ id: 'pa_v', role: 'visitor', name: 'Vera', agentId: null, visitorId: 'vi', joinedAt: '2026-11-30T13:00:00Z', leftAt: null }],
    messages: 1,
    calls: 0,
  },
  events: Array.from({ length: 120 }, (_, i) => ({ seq: i + 1, type: 'chat.message', at: '2026-11-30T13:01:00Z', author: { role: 'visitor', participantId: 'pa_v', name: 'Vera' }, payload: { text: `message ${i + 1} ${'long words '.repeat(i % 3 === 0 ? 12 : 1)}(with parens) \\ and 日本` } })),
  calls: [],
}

describe('transcript PDF', () => {
  it('wraps at spaces and indents continuation lines', () => {
    expect(wrap('aaa bbb ccc', 7, '  ')).toEqual(['aaa bbb', '  ccc'])
    expect(wrap('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij'])
    expect(wrap('one\ntwo', 10)).toEqual(['one', 'two'])
  })

  it('paginates, escapes and encodes', () => {
    const pdf = transcriptPdf(transcript, { tenantName: 'Shop', timeZone: 'Europe/Berlin', exportedBy: 'Sue' }).toString('latin1')
    expect(Number(/\/Count (\d+)/.exec(pdf)![1])).toBeGreaterThan(1)
    expect(pdf).toContain('\\(with parens\\) \\\\ and ??')
    expect(pdf).toContain('Gr\xf6\xdfe \\(XL\\)?')
    expect(pdf).toContain('(Page 1 of ')
  })
})
