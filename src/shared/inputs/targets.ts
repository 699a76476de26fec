import type { PlatformName } from '../platforms/terms.js'
import { type CommonInputs, readCommonInputs } from './common.js'
import { InputError, shown } from './input-error.js'
import { parseName, serviceNameRule } from './name.js'
import { readDefaulted, readOptional, readRequired } from './read.js'

/**
 * What an action acts on, read the same way by each action that takes it: a service (deploy,
 * scale, rollback) or a router and its two sides (traffic, rollback).
 */

export interface ServiceInputs extends CommonInputs {
  service: string
  nodeGroup: string
}

export interface RouterInputs {
  router: string
  blue: string
  green: string
}

export function readServiceInputs(env: NodeJS.ProcessEnv): ServiceInputs {
  const common = readCommonInputs(env)
  return {
    ...common,
    service: parseName('service', readRequired('service', env), serviceNameRule(common.platform)),
    nodeGroup: parseName('node-group', readDefaulted('node-group', env)),
  }
}

export function readOptionalName(name: string, env: NodeJS.ProcessEnv, platform: PlatformName): string | undefined {
  const value = readOptional(name, env)
  return value === undefined ? undefined : parseName(name, value, serviceNameRule(platform))
}

/** On ServiceStage the router is one component: blue and green only name its stable and gray versions. */
const SIDE_LABELS: Partial<Record<string, { blue: string; green: string }>> = { servicestage: { blue: 'stable', green: 'gray' } }

export function readRouterInputs(env: NodeJS.ProcessEnv, platform: PlatformName, sideLabels: boolean): RouterInputs {
  const rule = serviceNameRule(platform)
  const router = parseName('router', readRequired('router', env), rule)
  const labels = sideLabels ? SIDE_LABELS[platform] : undefined
  const blue = parseName('blue', labels ? (readOptional('blue', env) ?? labels.blue) : readRequired('blue', env), rule)
  const green = parseName('green', labels ? (readOptional('green', env) ?? labels.green) : readRequired('green', env), rule)
  if (blue === green) throw new InputError(`Inputs "blue" and "green" are both ${shown(blue)}; allowed: two different services.`)
  return { router, blue, green }
}
