import type { RoutingMethod } from '../terms.js'
import type { TrafficSplit } from '../platform.js'
import { type CallOptions, type JelasticApi, JelasticError, type JelasticResponse, METHOD_NOT_FOUND } from './api.js'
import type { EnvInfo } from './env-info.js'

/** The Traffic Distributor's settings, the same on install and `configure` (platforms.md 1.4). */
export interface TdSettings {
  extip: boolean | number
  balancerCount: number
  routingMethod: RoutingMethod
  /** percent of traffic to backend1 */
  range: number
  backend1: string
  backend2: string
}

const TD_APP_ID = 'traffic-distributor'

/** The add-on's uniqueName, from the TD environment's info ("Addons section", platforms.md gap 2). */
export function findUniqueName(info: EnvInfo): string | undefined {
  const found: string[] = []
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit)
    else if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (key === 'addons' && Array.isArray(child)) {
          for (const addon of child as Record<string, unknown>[]) {
            const id = [addon.appTemplateId, addon.app_id, addon.jps, addon.name].map(String).join(' ')
            if (typeof addon.uniqueName === 'string' && id.includes(TD_APP_ID)) found.push(addon.uniqueName)
          }
        } else visit(child)
      }
    }
  }
  visit(info)
  return found[0]
}

/** Settings as the platform returns them: under `settings`, `settings.data`, `data` or `response.settings`. */
export function readSettings(body: JelasticResponse): Partial<TdSettings> | undefined {
  const candidates = [
    body.settings,
    (body.settings as { data?: unknown })?.data,
    body.data,
    (body.response as { settings?: unknown })?.settings,
  ]
  for (const candidate of candidates) {
    if (candidate && typeof candidate === 'object' && 'range' in candidate) return candidate as Partial<TdSettings>
  }
  return undefined
}

/** Which side each backend is; undefined when the router points elsewhere. */
export function splitFromSettings(settings: Partial<TdSettings>, domains: { blue: string; green: string }): TrafficSplit | undefined {
  const range = Number(settings.range)
  const routingMethod = (settings.routingMethod ?? 'round-robin') as RoutingMethod
  if (!Number.isFinite(range)) return undefined
  if (sameHost(settings.backend1, domains.blue) && sameHost(settings.backend2, domains.green)) {
    return { blue: range, green: 100 - range, routingMethod }
  }
  if (sameHost(settings.backend1, domains.green) && sameHost(settings.backend2, domains.blue)) {
    return { blue: 100 - range, green: range, routingMethod }
  }
  return undefined
}

/** Settings for a split; keeps the backends in the order the router has them, so sticky sessions survive. */
export function settingsForSplit(
  split: TrafficSplit,
  domains: { blue: string; green: string },
  current: Partial<TdSettings> | undefined,
): TdSettings {
  const greenFirst = current !== undefined && sameHost(current.backend1, domains.green) && sameHost(current.backend2, domains.blue)
  return {
    extip: current?.extip ?? true,
    balancerCount: Number(current?.balancerCount ?? 1),
    routingMethod: split.routingMethod,
    range: greenFirst ? split.green : split.blue,
    backend1: greenFirst ? domains.green : domains.blue,
    backend2: greenFirst ? domains.blue : domains.green,
  }
}

function sameHost(a: string | undefined, b: string): boolean {
  const host = (value: string) =>
    value
      .replace(/^https?:\/\//, '')
      .replace(/\/.*$/, '')
      .toLowerCase()
  return a !== undefined && host(a) === host(b)
}

/**
 * Calls the modern marketplace method, and the legacy appstore script where the platform does not
 * know the modern one (HTTP 404 or result 1702): older installations only have the appstore host.
 */
export async function modernOrLegacy(
  api: JelasticApi,
  modern: { path: string; params: Record<string, string | number | boolean | undefined> },
  legacy: { script: string; params: Record<string, string | number | boolean | undefined> },
  options: CallOptions,
  log: (message: string) => void,
): Promise<JelasticResponse> {
  try {
    return await api.call(modern.path, modern.params, options)
  } catch (error) {
    if (!(error instanceof JelasticError) || error.result !== METHOD_NOT_FOUND) throw error
    log(`jelastic: ${modern.path} is not offered here; using the legacy appstore ${legacy.script}`)
    return api.callAppstore(legacy.script, legacy.params, options)
  }
}
