import type { OperationState, ServicePhase, ServiceState } from '../platform.js'
import type { Resource } from './api.js'

export interface LaunchConfig extends Record<string, unknown> {
  imageUuid?: string
}

/** The fields of a service the adapter reads (platforms.md 5.2). */
export interface RancherService extends Resource {
  stackId?: string
  description?: string | null
  transitioning?: 'yes' | 'no' | 'error'
  transitioningMessage?: string | null
  healthState?: string
  scale?: number
  currentScale?: number
  launchConfig?: LaunchConfig
  secondaryLaunchConfigs?: LaunchConfig[]
  /** the last upgrade: the launch config it brings in, and the one it replaced */
  upgrade?: { inServiceStrategy?: { launchConfig?: LaunchConfig; previousLaunchConfig?: LaunchConfig } } | null
}

/** `docker:IMAGE:TAG` → `IMAGE:TAG` */
export function imageOf(service: RancherService): string {
  return configImage(service.launchConfig)
}

export function configImage(config: LaunchConfig | undefined): string {
  return (config?.imageUuid ?? '').replace(/^docker:/, '')
}

const STOPPED = new Set(['inactive', 'deactivating', 'removed', 'removing', 'purged'])

export function phaseOf(service: RancherService): ServicePhase {
  if (service.transitioning === 'error' || service.state === 'error') return 'failed'
  if (service.transitioning === 'yes') return 'deploying'
  if (STOPPED.has(service.state ?? '')) return 'stopped'
  if (service.state === 'active' || service.state === 'upgraded') {
    return (service.currentScale ?? service.scale) === service.scale ? 'running' : 'deploying'
  }
  return 'unknown'
}

export function toState(service: RancherService): ServiceState {
  const scale = service.scale ?? 0
  const current = service.currentScale ?? 0
  const health = service.healthState ? `, ${service.healthState}` : ''
  return {
    id: service.id,
    image: imageOf(service),
    replicas: scale,
    ready: phaseOf(service) === 'running' ? current : 0,
    phase: phaseOf(service),
    status: `${service.state ?? '?'}${service.transitioning === 'yes' ? ' (transitioning)' : ''}, ${current}/${scale} container(s)${health}`,
  }
}

/**
 * Where a service got, as Rancher's webhook service judges it (platforms.md 5.2): wait while
 * `transitioning` is `yes`; `error` fails with `transitioningMessage`; then the state must be the
 * one wanted.
 */
export function settled(service: RancherService, wanted: readonly string[]): OperationState {
  const detail = `${toState(service).status}, ${imageOf(service)}${service.transitioningMessage ? `: ${service.transitioningMessage}` : ''}`
  if (service.transitioning === 'error') return { status: 'failed', detail }
  if (service.transitioning === 'yes') return { status: 'running', detail }
  if (wanted.includes(service.state ?? '')) return { status: 'succeeded', detail }
  return { status: 'failed', detail: `${detail}; expected ${wanted.join(' or ')}` }
}
