import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { TypingThrottle } from './typing-throttle.js'

describe('TypingThrottle', () => {
  let sent: string[]
  let throttle: TypingThrottle

  beforeEach(() => {
    vi.useFakeTimers()
    sent = []
    throttle = new TypingThrottle((text) => sent.push(text), 150)
  })
  afterEach(() => {
    throttle.close()
    vi.useRealTimers()
  })

  it('sends the first keystroke at once and at most one signal per interval', () => {
    throttle.update('h')
    throttle.update('he')
    throttle.update('hel')
    expect(sent).toEqual(['h'])
    vi.advanceTimersByTime(149)
    expect(sent).toEqual(['h'])
    vi.advanceTimersByTime(1)
    expect(sent).toEqual(['h', 'hel'])
  })

  it('always sends the final state (trailing edge)', () => {
    throttle.update('a')
    vi.advanceTimersByTime(50)
    throttle.update('ab')
    vi.advanceTimersByTime(500)
    expect(sent).toEqual(['a', 'ab'])
  })

  it('reports an emptied box immediately and drops the scheduled preview', () => {
    throttle.update('a')
    throttle.update('ab')
    throttle.clear()
    vi.advanceTimersByTime(500)
    expect(sent).toEqual(['a', ''])
  })

  it('does not repeat an unchanged state', () => {
    throttle.clear()
    throttle.update('a')
    vi.advanceTimersByTime(200)
    throttle.update('a')
    vi.advanceTimersByTime(200)
    expect(sent).toEqual(['a'])
  })
})
