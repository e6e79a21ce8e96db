/** The demo shop app, served on its own port (its own origin), with the widget embedded. */
import express from 'express'
import { cartPage, checkoutPage, findProduct, homePage, productPage, type ShopPageOptions } from '../../web/demo-shop/shop-pages.js'

export function createDemoShop(options: () => ShopPageOptions): express.Express {
  const app = express()
  app.disable('x-powered-by')
  app.get('/', (_req, res) => void res.type('html').send(homePage(options())))
  app.get('/products/:slug', (req, res) => {
    const product = findProduct(req.params.slug)
    if (!product) return void res.status(404).type('text').send('No such product')
    res.type('html').send(productPage(options(), product))
  })
  app.get('/cart', (_req, res) => void res.type('html').send(cartPage(options())))
  app.get('/checkout', (_req, res) => void res.type('html').send(checkoutPage(options())))
  return app
}
