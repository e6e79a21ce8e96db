/**
 * The embed loader: `<script src="https://PARLEY/widget.js" data-tenant="demo" async>`.
 * Runs on every shop page, so it is plain DOM (no lit, no socket.io) within a 7 KB gzip
 * budget. It shows the "Talk to us" button with live availability (one presence stream per
 * page, shared with the panel) and, on click, downloads the chat panel's chunks with a real
 * byte-progress bar before importing and mounting it. It also keeps what the shop tells it
 * (`Parley.setCart`) for the panel, reports cart events (`Parley.cartEvent`) to Parley and
 * shows proactive offers (cart-reporter.ts; the offer card is a chunk loaded when one comes).
 */
import type { PresenceView } from '../protocol/views.js'
import type { CartEvent, OfferView } from '../protocol/cart.js'
import { cartReporter } from './cart-reporter.js'
import type { OfferCardHandle, OfferCardOptions } from './offer-card.js'
import type { CartInfo, PanelHandle, PanelModule, SiteOptions, TopicOption } from './panel-api.js'
import { summarize } from './presence-summary.js'

/** The chat panel's entry and the files it needs (entry last), baked in by scripts/build-web.mjs. */
declare const __PARLEY_PANEL__: { entry: string; files: { path: string; bytes: number }[] }
/** The offer card's entry (imported when a proactive offer arrives). */
declare const __PARLEY_OFFER__: string

/** What `GET {base}/api/widget/{tenant}/status` answers. */
interface WidgetStatus {
  tenant: { slug: string; name: string }
  agentsAvailable: number
  queueLength: number
  topics?: TopicOption[]
  calls?: boolean
  presence?: PresenceView
  site?: SiteOptions
}

/** What the page can call on `window.Parley`. */
export interface ParleyApi {
  /** Open the chat panel. */
  open(): void
  /** Minimize the chat panel. */
  close(): void
  /**
   * Tell Parley what is in the cart: categories become routing hints; with `items`, `value`,
   * `currency` and your own `cartId` it is also the cart proactive offers look at.
   */
  setCart(cart: CartInfo & { cartId?: string; items?: unknown[]; currency?: string }): void
  /** Report a cart event: item_added, item_removed, value, checkout_step, payment_failed, order_completed. */
  cartEvent(type: CartEvent['type'], data?: object): void
}

/** Polling when the presence stream is unavailable: every 25-35 s (jitter spreads the load). */
const POLL_MS = 25e3
const POLL_JITTER_MS = 1e4
/** While polling, try the stream again every this many polls (about 5 minutes). */
const STREAM_RETRY_POLLS = 10
/** A stream that delivers no first view in this time is as good as broken. */
const FIRST_EVENT_MS = 15e3
/** A page hidden this long drops its presence connection until it is shown again. */
const HIDDEN_MS = 6e4
/** Connect the panel this long before a booked session (the reminder comes 5 minutes before). */
const BOOKED_LEAD_MS = 4e5

declare global {
  interface Window {
    /** Opens and closes the widget from the page (single-page apps, the demo shop). */
    Parley?: ParleyApi
    /**
     * Calls made before widget.js ran (it loads async):
     * `(window.ParleyQueue = window.ParleyQueue || []).push((parley) => parley.setCart(…))`.
     * Once loaded, `push` calls at once.
     */
    ParleyQueue?: { push(call: (parley: ParleyApi) => void): unknown }
  }
}

// NOTE: `all: initial` on the host keeps the shop's CSS out; the shadow root keeps ours in.
const CSS = `:host{all:initial;position:fixed;z-index:2147483000;right:0;bottom:0}
*{box-sizing:border-box;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
[hidden]{display:none!important}
.l{position:fixed;right:16px;bottom:16px;display:flex;align-items:center;gap:10px;max-width:calc(100vw - 32px);padding:10px 18px 10px 14px;border:0;border-radius:28px;background:#2f6fed;color:#fff;text-align:left;cursor:pointer;box-shadow:0 6px 24px rgba(20,40,90,.28);transition:transform .15s}
.l:hover{transform:translateY(-2px)}.l:focus-visible{outline:3px solid #9bbcff;outline-offset:2px}
.l b{display:block;font:600 15px/1.3 inherit;font-family:inherit}
.l small{display:flex;align-items:center;gap:6px;max-width:220px;font-size:12px;line-height:1.3;opacity:.95}
.l i{flex:none;width:8px;height:8px;border-radius:50%;background:#c3cad6}[data-state=available] i{background:#3ddc84}[data-state=waiting] i{background:#ffc53d}
.u{position:absolute;top:-2px;right:-2px;width:14px;height:14px;border-radius:50%;background:#e5484d;border:2px solid #fff}
.p{position:fixed;right:16px;bottom:16px;display:flex;flex-direction:column;width:360px;height:520px;max-width:calc(100vw - 32px);max-height:calc(100vh - 32px);overflow:hidden;border-radius:12px;background:#fff;color:#1d2433;box-shadow:0 12px 40px rgba(20,40,90,.25),0 2px 8px rgba(20,40,90,.12)}
@media (max-width:480px){.p{inset:0;width:auto;height:auto;max-width:none;max-height:none;border-radius:0}}
.h{display:flex;align-items:center;justify-content:space-between;padding:14px 16px;background:#2f6fed;color:#fff;font-size:15px;font-weight:600}
.h button{border:0;background:none;color:inherit;font-size:20px;line-height:1;cursor:pointer;padding:2px 6px;border-radius:6px}
.b{flex:1;display:flex;flex-direction:column;align-items:center;justify-content:center;gap:12px;padding:24px;font-size:14px;text-align:center}
.g{width:100%;max-width:240px;height:6px;border-radius:3px;background:#e3e8f2;overflow:hidden}
.g div{width:0;height:100%;background:#2f6fed;transition:width .1s}
.r{padding:8px 18px;border:0;border-radius:8px;background:#2f6fed;color:#fff;font-size:14px;font-weight:600;cursor:pointer}
.m{flex:1;min-height:0}`

const LAUNCHER = `<svg width="22" height="22" viewBox="0 0 24 24" fill="currentColor" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg>`

function main(): void {
  const script = (document.currentScript ?? document.querySelector('script[src*="widget.js"][data-tenant]')) as HTMLScriptElement | null
  const tenant = script?.dataset.tenant
  if (!script || !tenant) return void console.error('[Parley] widget.js needs a data-tenant attribute')
  if (window.Parley) return // embedded twice: the first copy owns the page
  const base = new URL('.', script.src).href.replace(/\/$/, '')
  const key = `parley:${tenant}:`
  const cookie = `parley_vt_${tenant}`
  const get = (name: string) => {
    try {
      return localStorage.getItem(key + name)
    } catch {
      return null // storage blocked: the widget still works for this page
    }
  }
  const put = (name: string, value: string | null) => {
    try {
      value ? localStorage.setItem(key + name, value) : localStorage.removeItem(key + name)
    } catch {}
  }
  const api = `${base}/api/widget/${encodeURIComponent(tenant)}`

  // Links from the console carry a token in the fragment: an agent's co-browsing tab
  // (`#parley-lead=`, kept for this tab) or an invitation to a group session (`#parley-join=`).
  const fragment = (name: string) => location.hash.match(new RegExp(`[#&]${name}=([\\w.-]+)`))?.[1]
  const leadFragment = fragment('parley-lead')
  const joinFragment = fragment('parley-join')
  if (leadFragment || joinFragment) history.replaceState(history.state, '', location.pathname + location.search)
  if (joinFragment) put('join', joinFragment)
  let leadToken: string | null | undefined = leadFragment
  try {
    leadFragment ? sessionStorage.setItem(key + 'lead', leadFragment) : (leadToken = sessionStorage.getItem(key + 'lead'))
  } catch {}

  const host = document.createElement('div')
  host.setAttribute('data-parley', tenant)
  const root = host.attachShadow({ mode: 'open' })
  root.innerHTML = `<style>${CSS}</style><button class=l data-test=launcher aria-haspopup=dialog hidden><span class=u hidden></span>${LAUNCHER}<span><b>Talk to us</b><small data-test=presence hidden><i></i><span></span></small></span></button><div class=p role=dialog hidden><div class=h><span>Talk to us</span><button aria-label=Minimize title=Minimize>&minus;</button></div><div class=b><span></span><div class=g data-test=progress role=progressbar aria-valuemin=0 aria-valuemax=100 aria-valuenow=0><div></div></div><p data-test=error hidden></p><button class=r hidden>Try again</button></div><div class=m hidden></div></div>`
  const $ = <T extends Element = HTMLElement>(selector: string) => root.querySelector(selector) as unknown as T
  const launcher = $<HTMLButtonElement>('.l')
  const unread = $('.u')
  const availability = $('small')
  const panel = $('.p')
  const header = $('.h')
  const title = $('.h span')
  const loadingView = $('.b')
  const loadingText = $('.b span')
  const bar = $('.g')
  const error = $('.b p')
  const retry = $('.r')
  const mountPoint = $('.m')

  let ready = false
  let wantOpen = false
  let loading = false
  let handle: PanelHandle | undefined
  let tenantName: string | undefined
  let topics: TopicOption[] | undefined
  let calls = false
  let site: SiteOptions | undefined

  const progress = (fraction: number) => {
    const percent = Math.round(Math.min(1, fraction) * 100)
    bar.setAttribute('aria-valuenow', String(percent))
    ;(bar.firstChild as HTMLElement).style.width = percent + '%'
  }

  /** Download every panel file while counting bytes, then import the entry (from the HTTP cache). */
  const load = async () => {
    if (handle || loading) return
    loading = true
    error.hidden = retry.hidden = true
    bar.hidden = loadingText.hidden = false
    loadingText.textContent = 'Loading the chat…'
    progress(0)
    try {
      const { entry, files } = __PARLEY_PANEL__
      const total = files.reduce((sum, file) => sum + file.bytes, 0) || 1
      let received = 0
      await Promise.all(
        files.map(async (file) => {
          const response = await fetch(`${base}/${file.path}`)
          if (!response.ok) throw Error(`${file.path}: HTTP ${response.status}`)
          const reader = response.body?.getReader()
          if (!reader) return void (await response.arrayBuffer(), progress((received += file.bytes) / total))
          for (let chunk; !(chunk = await reader.read()).done; ) progress((received += chunk.value.byteLength) / total)
        }),
      )
      progress(1)
      const panelModule = (await import(`${base}/${entry}`)) as PanelModule
      handle = panelModule.mount(mountPoint, {
        baseUrl: base,
        tenant,
        tenantName,
        topics,
        calls,
        site,
        visitorToken: readToken(),
        onToken: writeToken,
        pageUrl: location.href,
        onPresence: (listener) => {
          listeners.add(listener)
          if (latest) listener(latest)
          return () => void listeners.delete(listener)
        },
        cart: () => cart,
        onMinimize: close,
        onActiveChange: (active, bookedFor) => {
          put('active', active ? '1' : null)
          put('booked', bookedFor)
          if (!active) put('min', null)
        },
        onIncoming: () => {
          if (panel.hidden) unread.hidden = false
        },
        onAttention: open,
      })
      // The loading view is never needed again (and must not duplicate the panel's test hooks).
      header.remove()
      loadingView.remove()
      mountPoint.hidden = false
      if (!panel.hidden) handle.focus()
    } catch (reason) {
      console.warn('[Parley] could not load the chat panel: ' + reason)
      bar.hidden = loadingText.hidden = true
      error.textContent = 'Sorry, the chat could not be loaded. Please check your connection and try again.'
      error.hidden = retry.hidden = false
    } finally {
      loading = false
    }
  }

  const writeToken = (token: string) => {
    document.cookie = `${cookie}=${encodeURIComponent(token)}; Path=/; Max-Age=31536000; SameSite=Lax${location.protocol == 'https:' ? '; Secure' : ''}`
  }

  const readToken = () => {
    const found = document.cookie.split('; ').find((part) => part.startsWith(cookie + '='))
    return found ? decodeURIComponent(found.slice(cookie.length + 1)) : null
  }

  function open() {
    if (!ready) return void (wantOpen = true)
    panel.hidden = false
    launcher.hidden = unread.hidden = true
    put('min', null)
    reporter.pause(true)
    handle ? handle.focus() : load()
  }

  function close() {
    wantOpen = false
    if (!ready || panel.hidden) return
    panel.hidden = true
    launcher.hidden = false
    put('min', '1')
    launcher.focus()
    reporter.pause(false)
    showOffer()
  }

  // Presence: one stream per page (polling when streams fail), shared by the button and the panel.
  let latest: PresenceView | undefined
  const listeners = new Set<(view: PresenceView) => void>()
  let streamOk = !!window.EventSource
  let running = false
  let generation = 0
  let source: EventSource | undefined
  let hiddenTimer: ReturnType<typeof setTimeout> | undefined

  const show = (view: PresenceView) => {
    latest = view
    const { state, text } = summarize(view)
    availability.dataset.state = state
    availability.lastChild!.textContent = text
    availability.hidden = false
    listeners.forEach((listener) => listener(view))
  }

  const stop = () => {
    running = false
    generation++
    source?.close()
    source = undefined
  }

  const poll = async (current: number, count: number) => {
    try {
      const response = await fetch(api + '/presence', { credentials: 'omit' })
      if (response.ok && current == generation) show(await response.json())
    } catch {}
    setTimeout(() => {
      if (current != generation) return
      // Every few minutes, try the stream again (it may have failed for a passing reason).
      if (count % STREAM_RETRY_POLLS == 0 && window.EventSource) {
        streamOk = true
        connect()
      } else poll(current, count + 1)
    }, POLL_MS + Math.random() * POLL_JITTER_MS)
  }

  const connect = () => {
    stop()
    running = true
    const current = generation
    if (!streamOk) return void poll(current, 1)
    let errors = 0
    let heard = false
    const fail = () => {
      streamOk = false
      connect()
    }
    const stream = (source = new EventSource(api + '/presence/stream'))
    stream.addEventListener('presence', (event) => {
      errors = 0
      heard = true
      show(JSON.parse((event as MessageEvent).data))
    })
    // Refused or not a stream (closed for good), or failing again and again: poll instead.
    stream.onerror = () => (stream.readyState == 2 || ++errors > 2) && fail()
    // NOTE: the server sends the current view at once; nothing at all means a proxy buffers the stream.
    setTimeout(() => current == generation && !heard && fail(), FIRST_EVENT_MS)
  }

  const watchVisibility = () => {
    clearTimeout(hiddenTimer)
    if (document.hidden) hiddenTimer = setTimeout(stop, HIDDEN_MS)
    else if (!running) {
      streamOk = !!window.EventSource // back on the page: give the stream another chance
      connect()
    }
  }

  // The cart, as the shop reports it; kept for the tab so every page's panel can read it.
  const cartKey = key + 'cart'
  let cart: CartInfo = { categories: [] }
  try {
    cart = JSON.parse(sessionStorage.getItem(cartKey)!) || cart
  } catch {}
  const setCart: ParleyApi['setCart'] = (next) => {
    cart = { categories: Array.isArray(next?.categories) ? next.categories.map(String) : [], value: typeof next?.value == 'number' ? next.value : undefined }
    try {
      sessionStorage.setItem(cartKey, JSON.stringify(cart))
    } catch {}
    reporter.snapshot(next ?? {})
  }

  // Proactive offers: a card next to the button. None are asked for while the panel is open; one
  // that was on its way waits for the panel to close.
  let offerCard: OfferCardHandle | undefined
  let waiting: OfferView | undefined
  const showOffer = (offer = waiting) => {
    const token = readToken()
    waiting = offer
    if (!offer || offerCard || !ready || !panel.hidden || !token || Date.parse(offer.expiresAt) < Date.now()) return
    waiting = undefined
    import(`${base}/${__PARLEY_OFFER__}`).then(
      (module: { mountOffer(options: OfferCardOptions): OfferCardHandle }) =>
        (offerCard = module.mountOffer({ root, anchor: launcher, offer, api, tenant, token, onAccepted: () => (put('active', '1'), open()), onGone: () => (offerCard = undefined) })),
      (reason) => console.warn('[Parley] could not show an offer: ' + reason),
    )
  }
  const reporter = cartReporter({
    api,
    token: readToken,
    onToken: writeToken,
    get,
    put,
    onOffer: showOffer,
    onOfferClosed: ({ id }) => (waiting?.id == id ? (waiting = undefined) : offerCard?.close()),
  })

  const render = (status?: WidgetStatus) => {
    if (status?.tenant) {
      tenantName = status.tenant.name
      title.textContent = tenantName
      topics = status.topics
      calls = status.calls === true
      site = status.site
      if (status.presence) show(status.presence)
      document.addEventListener('visibilitychange', watchVisibility)
      watchVisibility()
    }
    panel.setAttribute('aria-label', 'Chat with ' + (tenantName || 'us'))
    if (leadToken) {
      // The agent's own co-browsing tab: no "Talk to us" here, only the co-browsing bar.
      const token = leadToken
      return void import(`${base}/${__PARLEY_PANEL__.entry}`).then(
        (module: PanelModule) =>
          module.mountCompanion({ baseUrl: base, tenant, leadToken: token, site, onEnd: () => sessionStorage.removeItem(key + 'lead') }),
        (reason) => console.error('[Parley] could not load co-browsing: ' + reason),
      )
    }
    ;(document.body ?? document.documentElement).append(host)
    launcher.hidden = false
    ready = true
    // An ongoing conversation (queued or chatting) follows the visitor from page to page;
    // a booked session connects shortly before its time, so its reminder reaches this page.
    const active = get('active')
    const booked = Date.parse(get('booked') || '') - Date.now() - BOOKED_LEAD_MS
    if (wantOpen || get('join') || (active && !get('min'))) open()
    else if (active || booked < 0) load()
    else if (booked < 864e5) setTimeout(load, booked)
  }

  const fetchStatus = async (again: boolean) => {
    try {
      const response = await fetch(`${api}/status?page=${encodeURIComponent(location.href)}`, { credentials: 'omit' })
      if (response.status == 403) {
        // The shop's origin is not on the tenant's allow-list: say why to the developer, show visitors nothing.
        const body = await response.json().catch(() => null)
        console.error('[Parley] ' + (body?.error?.message ?? 'this page is not allowed to embed the chat widget'))
        put('active', null)
        return
      }
      if (!response.ok) throw Error('HTTP ' + response.status)
      render((await response.json()) as WidgetStatus)
    } catch (reason) {
      console.warn('[Parley] chat status unavailable: ' + reason)
      if (again) setTimeout(() => fetchStatus(false), 4000)
      // NOTE: a visitor in the middle of a conversation keeps the panel; it reconnects by itself.
      else if (get('active')) render()
    }
  }

  launcher.onclick = open
  $('.h button').addEventListener('click', close)
  retry.onclick = load
  const parley: ParleyApi = (window.Parley = { open, close, setCart, cartEvent: reporter.event })
  const queued = window.ParleyQueue
  window.ParleyQueue = { push: (call) => call(parley) }
  if (Array.isArray(queued))
    for (const call of queued)
      try {
        call(parley)
      } catch (reason) {
        console.error(reason)
      }
  void fetchStatus(true)
}

main()
