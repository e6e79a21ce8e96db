/**
 * Loads `<parley-call-view>` (and mediasoup-client with it) on demand, once per page: chat
 * bundles import this tiny module instead of the call view, so the media code is a separate
 * chunk fetched only when a call rings or starts.
 */

let loading: Promise<void> | undefined
let loaded = false

/** The call view is defined and can be rendered. */
export function callViewLoaded(): boolean {
  return loaded
}

/** Import the call view's module; a failed attempt can be retried by calling again. */
export function loadCallView(): Promise<void> {
  loading ??= import('./call-view.js').then(
    () => {
      loaded = true
    },
    (error: Error) => {
      loading = undefined
      throw error
    },
  )
  return loading
}
