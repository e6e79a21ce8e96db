/** The cart reducer over plain events. */
import { describe, expect, it } from 'vitest'
import { applyCartEvent, cartCategories, cartMargin, cartValue, cartView, emptyCart, isCartEmpty, readCart, type CartState } from './cart-state.js'
import type { CartEvent } from '../../web/protocol/cart.js'

const run = (events: CartEvent[], start = emptyCart(0)): CartState => events.reduce((cart, event, i) => applyCartEvent(cart, event, 1000 * (i + 1)).cart, start)

describe('cart state', () => {
  it('adds, merges and removes items; the value follows the prices', () => {
    const cart = run([
      { type: 'item_added', item: { sku: 'x1', name: 'Trail X1', category: 'bikes', price: 1299, quantity: 1, margin: 'medium' } },
      { type: 'item_added', item: { sku: 'lock', category: 'locks', price: 39.9, quantity: 1, margin: 'high' } },
      { type: 'item_added', item: { sku: 'lock', category: 'locks', price: 39.9, quantity: 2 } },
      { type: 'item_removed', sku: 'lock', quantity: 1 },
    ])
    expect(cart.items.map((i) => [i.sku, i.quantity])).toEqual([['x1', 1], ['lock', 2]])
    expect(cartValue(cart)).toBe(1378.8)
    expect(cartCategories(cart)).toEqual(['bikes', 'locks'])
    expect(cartMargin(cart)).toBe('high')
    expect(cart.lastActivityAt).toBe(4000)
    const gone = applyCartEvent(cart, { type: 'item_removed', sku: 'lock' }, 5000).cart
    expect(gone.items.map((i) => i.sku)).toEqual(['x1'])
    expect(applyCartEvent(gone, { type: 'item_removed', sku: 'unknown' }, 6000).cart.items).toHaveLength(1)
  })

  it('takes a snapshot as the whole cart, and the shop value over the sum', () => {
    const cart = run([
      { type: 'item_added', item: { sku: 'old', price: 5, quantity: 1 } },
      { type: 'cart', items: [{ sku: 'a', price: 10, quantity: 1 }, { sku: 'a', price: 10, quantity: 2 }], value: 25, currency: 'EUR' },
    ])
    expect(cart.items).toEqual([{ sku: 'a', price: 10, quantity: 3 }])
    expect(cartValue(cart)).toBe(25)
    expect(cart.currency).toBe('EUR')
    // only categories (the old setCart): not empty
    const categories = run([{ type: 'cart', categories: ['bikes', 'bikes'], value: 0 }])
    expect(isCartEmpty(categories)).toBe(false)
    expect(cartCategories(categories)).toEqual(['bikes'])
    expect(isCartEmpty(emptyCart(0))).toBe(true)
    // a new item drops the shop's old total
    expect(cartValue(applyCartEvent(cart, { type: 'item_added', item: { sku: 'b', price: 1, quantity: 1 } }, 9).cart)).toBe(31)
  })

  it('follows the checkout, a failed payment and the order, which empties the cart', () => {
    const paying = run([{ type: 'item_added', item: { sku: 'x', price: 100, quantity: 1 } }, { type: 'checkout_step', step: 'payment' }, { type: 'payment_failed', reason: 'card declined' }])
    expect(paying.step).toBe('payment')
    expect(paying.paymentFailedAt).toBe(3000)
    const { cart, order } = applyCartEvent(paying, { type: 'order_completed', orderId: 'o-1' }, 4000)
    expect(order).toEqual({ at: 4000, orderId: 'o-1', value: 100 })
    expect(cart).toMatchObject({ items: [], step: null, paymentFailedAt: null, orderCompletedAt: 4000 })
    // the next item starts a new cart
    expect(applyCartEvent(cart, { type: 'item_added', item: { sku: 'y', quantity: 1 } }, 5000).cart.orderCompletedAt).toBeNull()
  })

  it('counts activity without touching the cart', () => {
    const cart = run([{ type: 'item_added', item: { sku: 'x', quantity: 1 } }])
    const active = applyCartEvent(cart, { type: 'activity' }, 99_000).cart
    expect(active.lastActivityAt).toBe(99_000)
    expect(active.updatedAt).toBe(cart.updatedAt)
    expect(active.items).toBe(cart.items)
  })

  it('never changes the state it was given', () => {
    const before = run([{ type: 'item_added', item: { sku: 'x', quantity: 1 } }])
    const copy = JSON.stringify(before)
    applyCartEvent(before, { type: 'item_added', item: { sku: 'x', quantity: 1 } }, 5)
    applyCartEvent(before, { type: 'item_removed', sku: 'x' }, 5)
    expect(JSON.stringify(before)).toBe(copy)
  })

  it('reads what it stored, and survives junk', () => {
    const cart = run([{ type: 'item_added', item: { sku: 'x', category: 'bikes', price: 2, quantity: 2 } }])
    expect(readCart(JSON.stringify(cart), 0)).toEqual(cart)
    expect(readCart('not json', 7)).toEqual(emptyCart(7))
    expect(cartView(cart)).toMatchObject({ value: 4, categories: ['bikes'], paymentFailed: false })
  })
})
