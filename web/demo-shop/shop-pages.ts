/**
 * Server-rendered pages of the demo shop (served on its own origin, like a real customer
 * site), each embedding the Parley widget with the one-line snippet.
 */
import { PRODUCTS, type Product } from './products.js'

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!)

const price = (cents: number) => `€${(cents / 100).toLocaleString('en-IE', { minimumFractionDigits: 2 })}`

export interface ShopPageOptions {
  /** Parley's public URL (where widget.js is served) */
  parleyUrl: string
  tenant: string
}

const STYLE = `
  body { margin: 0; font: 15px/1.5 system-ui, sans-serif; color: #1d2433; background: #f6f7fb; }
  header { display: flex; align-items: center; gap: 24px; padding: 14px 32px; background: #fff; border-bottom: 1px solid #e3e6ee; }
  header a { color: inherit; text-decoration: none; }
  header .logo { font-weight: 700; font-size: 20px; }
  header nav { margin-left: auto; display: flex; gap: 20px; }
  main { max-width: 1040px; margin: 0 auto; padding: 32px; }
  .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 20px; }
  .card { background: #fff; border-radius: 12px; padding: 18px; box-shadow: 0 1px 3px rgba(0,0,0,.08); }
  .card a { color: inherit; text-decoration: none; }
  .swatch { height: 120px; border-radius: 8px; margin-bottom: 12px; }
  .price { font-weight: 600; }
  button.buy { background: #1d2433; color: #fff; border: 0; border-radius: 8px; padding: 10px 18px; font-size: 15px; cursor: pointer; }
  table { border-collapse: collapse; width: 100%; background: #fff; border-radius: 12px; overflow: hidden; }
  td, th { padding: 10px 14px; border-bottom: 1px solid #eef0f5; text-align: left; }
`

/** slug -> name, category and price, so every page can tell Parley what is in the cart */
const CATALOGUE = JSON.stringify(Object.fromEntries(PRODUCTS.map((p) => [p.slug, { name: p.name, category: p.category, priceCents: p.priceCents }])))

// NOTE: widget.js loads async, so the cart goes through window.ParleyQueue: the loader runs
// what is queued when it starts and runs later pushes at once. The whole cart goes with
// setCart on every page (with the shop's own cart id), single steps with cartEvent.
const CART_SCRIPT = `
  const CART = 'velo-cart';
  const CATALOGUE = ${CATALOGUE};
  const parley = (call) => (window.ParleyQueue = window.ParleyQueue || []).push(call);
  const read = () => { try { return JSON.parse(localStorage.getItem(CART) || '[]') } catch { return [] } };
  const write = (items) => { localStorage.setItem(CART, JSON.stringify(items)); count(); tellParley() };
  const count = () => { const n = read().reduce((s, i) => s + i.qty, 0); const el = document.querySelector('[data-cart-count]'); if (el) el.textContent = String(n) };
  const cartId = () => localStorage.getItem('velo-cart-id') || (localStorage.setItem('velo-cart-id', 'velo-' + Math.random().toString(36).slice(2)), localStorage.getItem('velo-cart-id'));
  const item = (slug, quantity) => ({ sku: slug, name: CATALOGUE[slug].name, category: CATALOGUE[slug].category, price: CATALOGUE[slug].priceCents / 100, quantity });
  const cartValue = () => read().filter((i) => CATALOGUE[i.slug]).reduce((s, i) => s + CATALOGUE[i.slug].priceCents * i.qty, 0) / 100;
  const tellParley = () => {
    const items = read().filter((i) => CATALOGUE[i.slug]);
    const categories = [...new Set(items.map((i) => CATALOGUE[i.slug].category))];
    parley((p) => p.setCart({ cartId: cartId(), items: items.map((i) => item(i.slug, i.qty)), categories, value: cartValue(), currency: 'EUR' }));
  };
  document.addEventListener('click', (e) => {
    const add = e.target.closest('[data-add]');
    if (add) {
      const items = read(); const found = items.find((i) => i.slug === add.dataset.add); if (found) found.qty++; else items.push({ slug: add.dataset.add, qty: 1 });
      parley((p) => p.cartEvent && p.cartEvent('item_added', { item: item(add.dataset.add, 1) }));
      write(items); add.textContent = 'Added ✓';
    }
  });
  count();
  tellParley();
`

function layout(options: ShopPageOptions, title: string, body: string, extraScript = ''): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,"><title>${escapeHtml(title)} · Velo Shop</title><style>${STYLE}</style></head>
<body>
<header><a class="logo" href="/">Velo Shop</a><nav><a href="/">Bikes &amp; gear</a><a href="/cart" data-test="cart-link" data-parley-keep-clear>Cart (<span data-cart-count>0</span>)</a></nav></header>
<main>${body}</main>
<script>${CART_SCRIPT}${extraScript}</script>
<script src="${escapeHtml(options.parleyUrl)}/widget.js" data-tenant="${escapeHtml(options.tenant)}" async></script>
</body></html>`
}

export function homePage(options: ShopPageOptions): string {
  const cards = PRODUCTS.map(
    (p) => `<div class="card"><a href="/products/${p.slug}" data-test="product-link"><div class="swatch" style="background:${p.colour}"></div>
      <strong>${escapeHtml(p.name)}</strong></a><div class="price">${price(p.priceCents)}</div></div>`,
  ).join('')
  return layout(options, 'Bikes & gear', `<h1>Bikes &amp; gear</h1><p>Questions? Our riders are one click away.</p><div class="grid">${cards}</div>`)
}

export function productPage(options: ShopPageOptions, product: Product): string {
  return layout(
    options,
    product.name,
    `<p><a href="/">← All products</a></p><div class="card" style="display:flex;gap:24px;flex-wrap:wrap">
      <div class="swatch" style="background:${product.colour};width:320px;height:220px"></div>
      <div><h1>${escapeHtml(product.name)}</h1><p>${escapeHtml(product.blurb)}</p><p class="price">${price(product.priceCents)}</p>
      <button class="buy" data-add="${product.slug}" data-test="add-to-cart">Add to cart</button></div></div>`,
  )
}

export function cartPage(options: ShopPageOptions): string {
  const catalogue = JSON.stringify(PRODUCTS.map(({ slug, name, priceCents }) => ({ slug, name, priceCents })))
  const render = `
    const products = ${catalogue};
    const rows = read().map((i) => { const p = products.find((x) => x.slug === i.slug); return p ? [p.name, i.qty, (p.priceCents * i.qty / 100).toFixed(2)] : null }).filter(Boolean);
    const body = document.querySelector('[data-cart-rows]');
    for (const r of rows) { const tr = document.createElement('tr'); for (const c of r) { const td = document.createElement('td'); td.textContent = String(c); tr.append(td) } body.append(tr) }
    if (rows.length === 0) body.innerHTML = '<tr><td colspan="3">Your cart is empty.</td></tr>';
    document.querySelector('[data-test=empty-cart]').addEventListener('click', () => { write([]); body.innerHTML = '<tr><td colspan="3">Your cart is empty.</td></tr>' });
    if (rows.length) parley((p) => p.cartEvent && p.cartEvent('checkout_step', { step: 'cart' }));
  `
  return layout(
    options,
    'Cart',
    `<h1>Your cart</h1><table><thead><tr><th>Product</th><th>Qty</th><th>€</th></tr></thead><tbody data-cart-rows></tbody></table>
     <p><a class="buy" href="/checkout" data-test="checkout" data-parley-keep-clear style="display:inline-block;text-decoration:none">Checkout</a> <button class="buy" data-test="empty-cart" style="background:#fff;color:#1d2433;border:1px solid #c9d1e0">Empty cart</button></p>`,
    render,
  )
}

/**
 * The checkout form: address fields an agent may help fill, card and password fields nobody
 * else may touch. It tells Parley the checkout steps; paying with a card number ending in
 * 0002 fails (a declined card, to try payment-failure offers), any other completes the order.
 */
export function checkoutPage(options: ShopPageOptions): string {
  const pay = `
    const form = document.getElementById('checkout-form');
    if (read().length) parley((p) => p.cartEvent && p.cartEvent('checkout_step', { step: 'checkout' }));
    document.getElementById('card-number').addEventListener('focus', () => parley((p) => p.cartEvent && p.cartEvent('checkout_step', { step: 'payment' })), { once: true });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const declined = /0002$/.test(document.getElementById('card-number').value.replace(/\\D/g, ''));
      document.querySelector('[data-test=declined]').hidden = !declined;
      document.querySelector('[data-test=paid]').hidden = declined;
      if (declined) return parley((p) => p.cartEvent && p.cartEvent('payment_failed', { reason: 'card declined' }));
      const value = cartValue();
      parley((p) => p.cartEvent && p.cartEvent('order_completed', { orderId: 'velo-' + Date.now(), value }));
      localStorage.removeItem('velo-cart-id');
      write([]);
    });
  `
  const field = (id: string, label: string, attrs: string) =>
    `<label style="display:flex;flex-direction:column;gap:4px;margin-bottom:12px">${label}<input id="${id}" name="${id}" ${attrs} style="padding:8px;border:1px solid #c9d1e0;border-radius:6px;font:inherit"></label>`
  return layout(
    options,
    'Checkout',
    `<h1>Checkout</h1><form class="card" id="checkout-form" style="max-width:520px">
      <h2 style="margin-top:0">Delivery</h2>
      ${field('full-name', 'Full name', 'autocomplete="name"')}
      ${field('email', 'Email', 'type="email" autocomplete="email"')}
      ${field('street', 'Street and number', 'autocomplete="address-line1"')}
      ${field('city', 'City', 'autocomplete="address-level2"')}
      ${field('postcode', 'Postcode', 'autocomplete="postal-code"')}
      <label style="display:flex;gap:8px;margin-bottom:12px"><input type="checkbox" id="gift" name="gift"> This is a gift</label>
      <h2>Payment</h2>
      ${field('card-number', 'Card number', 'autocomplete="cc-number" inputmode="numeric"')}
      ${field('card-cvc', 'Security code', 'autocomplete="cc-csc" inputmode="numeric"')}
      ${field('account-password', 'Create a password (optional)', 'type="password" autocomplete="new-password"')}
      <button class="buy" id="pay" type="submit" data-test="pay" data-parley-keep-clear>Pay now</button>
      <p data-test="declined" hidden>Your card was declined. Please try another card.</p>
      <p data-test="paid" hidden>Thank you! (This is a demo: nothing was charged.)</p>
    </form>`,
    pay,
  )
}

export function findProduct(slug: string): Product | undefined {
  return PRODUCTS.find((p) => p.slug === slug)
}
