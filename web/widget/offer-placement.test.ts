/** The offer card's spot: next to the launcher, never over what to keep clear. */
import { describe, expect, it } from 'vitest'
import { chooseSpot, overlap, type Box } from './offer-placement.js'

const viewport = { width: 1200, height: 800 }
const card = { width: 320, height: 200 }
const launcher: Box = { left: 1040, top: 736, width: 144, height: 48 }

describe('chooseSpot', () => {
  it('sits above the launcher when nothing is in the way', () => {
    expect(chooseSpot(viewport, card, launcher, [])).toEqual({ left: 864, top: 524, width: 320, height: 200 })
  })

  it('moves beside the launcher, then to another corner, to keep the pay button clear', () => {
    const payAboveLauncher: Box = { left: 1060, top: 600, width: 120, height: 44 }
    const spot = chooseSpot(viewport, card, launcher, [payAboveLauncher])
    expect(overlap(spot, payAboveLauncher)).toBe(0)
    expect(overlap(spot, launcher)).toBe(0)
    expect(spot).toEqual({ left: 708, top: 584, width: 320, height: 200 })
    const wideBar: Box = { left: 0, top: 560, width: 1200, height: 60 }
    const top = chooseSpot(viewport, card, launcher, [wideBar])
    expect(top).toEqual({ left: 864, top: 16, width: 320, height: 200 })
  })

  it('on a phone, goes to the top when the checkout button is low, and low when it is high', () => {
    const phone = { width: 390, height: 700 }
    const small = { width: 358, height: 180 }
    const phoneLauncher: Box = { left: 230, top: 636, width: 144, height: 48 }
    const lowButton: Box = { left: 16, top: 520, width: 100, height: 40 }
    expect(chooseSpot(phone, small, phoneLauncher, [lowButton]).top).toBe(16)
    const highButton: Box = { left: 16, top: 40, width: 100, height: 40 }
    const low = chooseSpot(phone, small, phoneLauncher, [highButton])
    expect(overlap(low, highButton)).toBe(0)
    expect(low.top).toBe(444)
  })

  it('covers as little as possible when it has to cover something', () => {
    const everywhere: Box = { left: 0, top: 0, width: 1200, height: 800 }
    const small: Box = { left: 1100, top: 20, width: 50, height: 50 }
    const spot = chooseSpot(viewport, card, launcher, [everywhere, small])
    expect(overlap(spot, small)).toBe(0)
  })
})
