import { parseBoolean } from './boolean.js'
import { COMMON_INPUT_NAMES, type CommonInputs, readCommonInputs } from './common.js'
import { HEALTH_INPUT_NAMES, type HealthInputs, readHealthInputs } from './health.js'
import { formatImage, parseImage } from './image.js'
import { InputError } from './input-error.js'
import { parseInteger, parsePercentage } from './integer.js'
import { parseName } from './name.js'
import { readOptional, readRequired } from './read.js'
import { parseRoutingMethod, type RoutingMethod } from './routing-method.js'

/**
 * The inputs of each action, read and validated in full before any call to a platform.
 * Each *_INPUT_NAMES list is what the action's action.yml declares; a test keeps them in step.
 */

export const DEPLOY_INPUT_NAMES = [
  ...COMMON_INPUT_NAMES,
  'service',
  'node-group',
  'image',
  'wait',
  'rollback-on-failure',
  ...HEALTH_INPUT_NAMES,
] as const
export const SCALE_INPUT_NAMES = [...COMMON_INPUT_NAMES, 'service', 'node-group', 'replicas'] as const
export const TRAFFIC_INPUT_NAMES = [...COMMON_INPUT_NAMES, 'router', 'blue', 'green', 'percentage', 'routing-method'] as const
export const ROLLBACK_INPUT_NAMES = [...COMMON_INPUT_NAMES, 'service', 'node-group', 'to', 'router', 'blue', 'green', 'wait'] as const

export interface ServiceInputs extends CommonInputs {
  service: string
  nodeGroup: string
}

export interface DeployInputs extends ServiceInputs {
  image: string
  wait: boolean
  rollbackOnFailure: boolean
  health?: HealthInputs
}

export interface ScaleInputs extends ServiceInputs {
  replicas: number
}

export interface RouterInputs {
  router: string
  blue: string
  green: string
}

export interface TrafficInputs extends CommonInputs, RouterInputs {
  percentage: number
  /** undefined: keep the router's method (round-robin for a new router) */
  routingMethod?: RoutingMethod
}

export interface RollbackInputs extends ServiceInputs {
  /** undefined: the previous version */
  to?: string
  router?: RouterInputs
  wait: boolean
}

function readServiceInputs(env: NodeJS.ProcessEnv): ServiceInputs {
  return {
    ...readCommonInputs(env),
    service: parseName('service', readRequired('service', env)),
    nodeGroup: parseName('node-group', readOptional('node-group', env) ?? 'cp'),
  }
}

function readFlag(name: string, fallback: boolean, env: NodeJS.ProcessEnv): boolean {
  const value = readOptional(name, env)
  return value === undefined ? fallback : parseBoolean(name, value)
}

export function readDeployInputs(env: NodeJS.ProcessEnv = process.env): DeployInputs {
  const service = readServiceInputs(env)
  const image = formatImage(parseImage('image', readRequired('image', env)))
  const wait = readFlag('wait', true, env)
  const rollbackOnFailure = readFlag('rollback-on-failure', true, env)
  const health = readHealthInputs(env)
  if (health && !wait) {
    throw new InputError('Input "wait" is false while "health-url" is set; allowed: wait: true with a health check, or no health-url.')
  }
  return { ...service, image, wait, rollbackOnFailure, ...(health && { health }) }
}

export function readScaleInputs(env: NodeJS.ProcessEnv = process.env): ScaleInputs {
  const service = readServiceInputs(env)
  return { ...service, replicas: parseInteger('replicas', readRequired('replicas', env), 0, 1000) }
}

function readRouterInputs(env: NodeJS.ProcessEnv): RouterInputs {
  const router = parseName('router', readRequired('router', env))
  const blue = parseName('blue', readRequired('blue', env))
  const green = parseName('green', readRequired('green', env))
  if (blue === green) throw new InputError(`Inputs "blue" and "green" are both "${blue}"; allowed: two different services.`)
  return { router, blue, green }
}

export function readTrafficInputs(env: NodeJS.ProcessEnv = process.env): TrafficInputs {
  const common = readCommonInputs(env)
  const router = readRouterInputs(env)
  const percentage = parsePercentage('percentage', readRequired('percentage', env))
  const method = readOptional('routing-method', env)
  const routingMethod = method === undefined ? undefined : parseRoutingMethod(method)
  if (routingMethod === 'failover' && percentage !== 0 && percentage !== 100) {
    throw new InputError(
      `Input "percentage" has the value "${percentage}" with routing-method failover; allowed: 0 or 100 (failover sends all traffic to one side).`,
    )
  }
  return { ...common, ...router, percentage, ...(routingMethod && { routingMethod }) }
}

export function readRollbackInputs(env: NodeJS.ProcessEnv = process.env): RollbackInputs {
  const service = readServiceInputs(env)
  const toText = readOptional('to', env) ?? 'previous'
  const to = toText === 'previous' ? undefined : formatImage(parseImage('to', toText))
  const wait = readFlag('wait', true, env)
  const router = readOptional('router', env) === undefined ? undefined : readRouterInputs(env)
  return { ...service, wait, ...(to && { to }), ...(router && { router }) }
}
