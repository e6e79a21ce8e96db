/**
 * The services as the edge of one tenant sees them: on a single node, the services
 * themselves; on several, the same shape with every dispatchable method sent to the tenant's
 * owner (see DISPATCHABLE), so socket handlers read the same either way.
 */
import type { Services } from '../services/services.js'
import { DISPATCHABLE, LocalDispatch, type TenantDispatch } from './tenant-dispatch.js'

const cache = new WeakMap<TenantDispatch, Map<string, Services>>()

export function scopedServices(services: Services, dispatch: TenantDispatch, tenantId: string): Services {
  if (dispatch instanceof LocalDispatch) return services
  let byTenant = cache.get(dispatch)
  if (!byTenant) cache.set(dispatch, (byTenant = new Map()))
  const known = byTenant.get(tenantId)
  if (known) return known
  const scoped = new Proxy(services, {
    get(target, name: string) {
      const service = (target as unknown as Record<string, object>)[name]
      const allowed = (DISPATCHABLE as Record<string, readonly string[] | undefined>)[name]
      if (!allowed || !service) return service
      return new Proxy(service, {
        get(inner, method: string) {
          if (!allowed.includes(method)) return (inner as Record<string, unknown>)[method]
          return (...args: unknown[]) => (dispatch.call as (...a: unknown[]) => Promise<unknown>)(tenantId, name, method, ...args)
        },
      })
    },
  })
  byTenant.set(tenantId, scoped)
  return scoped
}
