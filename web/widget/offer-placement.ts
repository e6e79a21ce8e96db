/**
 * Where the offer card goes: next to the launcher, but never over what the shopper needs to
 * finish (the cart, the checkout or pay button). Pure geometry over rectangles (tested with
 * plain numbers), plus the DOM query for what to keep clear: elements the shop marks with
 * `data-parley-keep-clear`, and links and buttons that read like cart, checkout or pay.
 */

export interface Box {
  left: number
  top: number
  width: number
  height: number
}

const MARGIN = 16
const GAP = 12

/** Overlapping area of two boxes (0: apart). */
export function overlap(a: Box, b: Box): number {
  const x = Math.min(a.left + a.width, b.left + b.width) - Math.max(a.left, b.left)
  const y = Math.min(a.top + a.height, b.top + b.height) - Math.max(a.top, b.top)
  return x > 0 && y > 0 ? x * y : 0
}

/**
 * The card's box: the first spot, in order of closeness to the launcher (above it, left of
 * it, the other corners), that stays on screen and covers neither the launcher nor anything
 * to keep clear; when every spot covers something, the one covering least.
 */
export function chooseSpot(viewport: { width: number; height: number }, card: { width: number; height: number }, launcher: Box | null, keepClear: readonly Box[]): Box {
  const { width: vw, height: vh } = viewport
  const { width, height } = card
  const right = vw - MARGIN - width
  const bottom = vh - MARGIN - height
  const spots: { left: number; top: number }[] = []
  if (launcher && launcher.width > 0) {
    spots.push({ left: Math.min(right, launcher.left + launcher.width - width), top: launcher.top - GAP - height })
    spots.push({ left: launcher.left - GAP - width, top: Math.min(bottom, launcher.top + launcher.height - height) })
  }
  spots.push({ left: right, top: bottom }, { left: right, top: MARGIN }, { left: MARGIN, top: bottom }, { left: MARGIN, top: MARGIN })
  const avoid = launcher && launcher.width > 0 ? [...keepClear, launcher] : keepClear
  let best: { box: Box; covered: number } | null = null
  for (const spot of spots) {
    const box = { ...spot, width, height }
    if (box.left < 0 || box.top < 0 || box.left + width > vw || box.top + height > vh) continue
    const covered = avoid.reduce((sum, other) => sum + overlap(box, other), 0)
    if (covered === 0) return box
    if (!best || covered < best.covered) best = { box, covered }
  }
  return best?.box ?? { left: Math.max(0, right), top: Math.max(0, bottom), width, height }
}

/** What the shopper needs to finish, as seen in links and buttons (several languages). */
const CHECKOUT_WORDS = /check ?out|\bcart\b|basket|\bbag\b|\bpay\b|pay now|place order|buy now|kasse|warenkorb|bezahlen|panier|commander|carrito|pagar/i

/** Boxes of the visible elements to keep clear on this page. */
export function keepClearBoxes(doc: Document = document): Box[] {
  const boxes: Box[] = []
  const seen = new Set<Element>()
  const add = (element: Element) => {
    if (seen.has(element)) return
    seen.add(element)
    const rect = element.getBoundingClientRect()
    if (rect.width > 0 && rect.height > 0 && rect.bottom > 0 && rect.top < innerHeight) boxes.push({ left: rect.left, top: rect.top, width: rect.width, height: rect.height })
  }
  doc.querySelectorAll('[data-parley-keep-clear]').forEach(add)
  doc.querySelectorAll('a[href], button, input[type=submit], [role=button]').forEach((element) => {
    const label = `${element.textContent ?? ''} ${(element as HTMLInputElement).value ?? ''} ${element.getAttribute('aria-label') ?? ''}`
    if (label.length < 200 && CHECKOUT_WORDS.test(label)) add(element)
  })
  return boxes
}
