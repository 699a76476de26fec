import { type EnvChange, nextEnv, type Provenance, sameEnv } from '../env-vars.js'
import type { OperationState, ServicePhase, ServiceState } from '../platform.js'
import type { Resource } from './api.js'

export interface LaunchConfig extends Record<string, unknown> {
  imageUuid?: string
  environment?: Record<string, unknown> | null
  labels?: Record<string, unknown> | null
}

/** The labels a deploy's provenance is kept in, on the service's launch config (its containers carry them). */
export const PROVENANCE_LABELS: Record<keyof Provenance, string> = {
  commit: 'io.paas-release.commit',
  repository: 'io.paas-release.repository',
  runUrl: 'io.paas-release.run-url',
  actor: 'io.paas-release.actor',
}

function strings(map: Record<string, unknown> | null | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(map ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))
}

/** The launch config's variables (`environment`), string values only. */
export function environmentOf(config: LaunchConfig | undefined): Record<string, string> {
  return strings(config?.environment)
}

/** What an operation that brings a launch config in must see running: its image and its variables. */
export function configTarget(config: LaunchConfig | undefined): { image: string; env: Record<string, string> } {
  return { image: configImage(config), env: environmentOf(config) }
}

/** Whether a launch config is the one a target names (its image, and its variables where named). */
export function isTarget(config: LaunchConfig | undefined, target: { image?: string; env?: Record<string, string> }): boolean {
  return configImage(config) === target.image && (target.env === undefined || sameEnv(environmentOf(config), target.env))
}

/**
 * The launch config an upgrade sends: the image, the variables with the change applied, and the
 * provenance labels in place of the last deploy's (the other labels, Rancher's own, kept).
 */
export function nextLaunchConfig(
  config: LaunchConfig | undefined,
  image: string,
  change: EnvChange | undefined,
  provenance: Provenance | undefined,
): LaunchConfig {
  const next: LaunchConfig = { ...config, imageUuid: `docker:${image}` }
  if (change) next.environment = nextEnv(environmentOf(config), change)
  if (provenance) {
    const ours = new Set(Object.values(PROVENANCE_LABELS))
    const kept = Object.fromEntries(Object.entries(config?.labels ?? {}).filter(([key]) => !ours.has(key)))
    const added = Object.fromEntries(
      (Object.keys(PROVENANCE_LABELS) as (keyof Provenance)[])
        .filter((field) => provenance[field])
        .map((field) => [PROVENANCE_LABELS[field], provenance[field] as string]),
    )
    next.labels = { ...kept, ...added }
  }
  return next
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
    env: environmentOf(service.launchConfig),
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
