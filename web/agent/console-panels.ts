/**
 * The console's big panels (archive, reports, admin console) load on first use, so agents
 * who never open them do not download them.
 */
import { ADMIN_TAB, ARCHIVE_TAB, REPORTS_TAB } from './channel-tabs.js'

const loaders: Record<string, () => Promise<unknown>> = {
  [ARCHIVE_TAB]: () => import('../archive/archive-view.js'),
  [REPORTS_TAB]: () => import('../reports/reports-view.js'),
  [ADMIN_TAB]: () => import('../admin/admin-console.js'),
}
const loaded = new Map<string, Promise<unknown>>()

/** Start loading the panel of `tab` (no-op for other tabs and when already loaded). */
export function loadPanel(tab: string, onError: (error: unknown) => void): void {
  const load = loaders[tab]
  if (!load || loaded.has(tab)) return
  const pending = load()
  loaded.set(tab, pending)
  pending.catch((error: unknown) => {
    loaded.delete(tab)
    onError(error)
  })
}
