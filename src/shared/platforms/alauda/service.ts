import type { ServicePhase, ServiceState } from '../platform.js'

/** The fields of a service the adapter reads (platforms.md 3.2; the source document's example). */
export interface AlaudaService {
  service_name: string
  image_name: string
  image_tag: string
  target_state?: string
  current_status?: string
  is_deploying?: boolean
  target_num_instances?: number
  current_num_instances?: number
  scaling_mode?: string
  /** an object, or "{}" as a string in the source document's example */
  autoscaling_config?: Record<string, unknown> | string
  custom_domain_name?: string
  default_domain_name?: string
  /** an object, or JSON text as the get answer shows it */
  instance_envvars?: Record<string, string> | string
  region?: { name?: string }
  updated_at?: string
}

/** `repository:tag` → `image_name` and `image_tag`; the tag is what follows the last `:` after the last `/`. */
export function splitImage(image: string): { image_name: string; image_tag: string } {
  const slash = image.lastIndexOf('/')
  const colon = image.lastIndexOf(':')
  if (colon <= slash) return { image_name: image, image_tag: 'latest' }
  return { image_name: image.slice(0, colon), image_tag: image.slice(colon + 1) }
}

export function imageOf(service: AlaudaService): string {
  return `${service.image_name}:${service.image_tag}`
}

export function isStopped(service: AlaudaService): boolean {
  return service.target_state === 'STOPPED'
}

/**
 * The state in the words clients use (platforms.md 3.3): `current_status` when the API gives it,
 * else derived as Alauda's CLI does: deploying, Running when all target instances run, Stopped
 * when stopped, Error otherwise.
 */
export function statusOf(service: AlaudaService): string {
  if (service.is_deploying) return 'Deploying'
  if (service.current_status) return service.current_status
  if (isStopped(service)) return 'Stopped'
  return (service.current_num_instances ?? 0) === (service.target_num_instances ?? 0) ? 'Running' : 'Error'
}

export function phaseOf(service: AlaudaService): ServicePhase {
  const status = statusOf(service)
  if (status === 'Deploying') return 'deploying'
  if (status === 'Stopped' || isStopped(service)) return 'stopped'
  if (status === 'Running') return (service.current_num_instances ?? 0) === (service.target_num_instances ?? 0) ? 'running' : 'deploying'
  return /error|fail/i.test(status) ? 'failed' : 'unknown'
}

/** The autoscaling config, given as an object or as JSON text. */
export function autoscalingConfigOf(service: AlaudaService): Record<string, unknown> | undefined {
  return typeof service.autoscaling_config === 'string' ? safeParse(service.autoscaling_config) : service.autoscaling_config
}

export function autoscalingOf(service: AlaudaService): { min: number; max: number } | undefined {
  if (service.scaling_mode !== 'AUTO') return undefined
  const config = autoscalingConfigOf(service)
  const min = Number(config?.minimum_num_instances)
  const max = Number(config?.maximum_num_instances)
  return Number.isFinite(min) && Number.isFinite(max) ? { min, max } : undefined
}

function safeParse(text: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(text) as Record<string, unknown>
  } catch {
    return undefined
  }
}

/** The default domain as a URL: a bare host name gets http:// in front. */
export function urlOf(service: AlaudaService): string | undefined {
  const domain = service.default_domain_name
  if (!domain) return undefined
  const url = domain.includes('://') ? domain : `http://${domain}`
  return url.endsWith('/') ? url : `${url}/`
}

export function toState(service: AlaudaService): ServiceState {
  const target = service.target_num_instances ?? 0
  const current = service.current_num_instances ?? 0
  const auto = autoscalingOf(service)
  const url = urlOf(service)
  const mode = auto ? `, autoscaled ${auto.min}-${auto.max}` : ''
  return {
    // the API addresses a service by namespace and service_name only (its uuid is in no path)
    id: service.service_name,
    image: imageOf(service),
    replicas: target,
    ready: isStopped(service) ? 0 : current,
    phase: phaseOf(service),
    status: `${statusOf(service)}, ${current}/${target} instance(s)${mode}`,
    ...(auto && { autoscaling: auto }),
    ...(url && { url }),
    env: envvarsOf(service),
  }
}

/** `instance_envvars`, given as an object or as JSON text; only string values. */
export function envvarsOf(service: AlaudaService): Record<string, string> {
  const raw = service.instance_envvars
  const parsed = typeof raw === 'string' ? safeParse(raw) : raw
  if (parsed === undefined || parsed === null || typeof parsed !== 'object') return {}
  return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))
}
