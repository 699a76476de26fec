import type { RoutingMethod } from '../platforms/terms.js'
import { readFlag } from './boolean.js'
import { parseChoice } from './choice.js'
import { COMMON_INPUT_NAMES, type CommonInputs, readCommonInputs } from './common.js'
import { parseDuration } from './duration.js'
import { type GateInputs, HEALTH_INPUT_NAMES, readHealthInputs } from './health.js'
import { InputError, shown } from './input-error.js'
import { parseInteger } from './integer.js'
import { parsePercentage } from './percentage.js'
import { readDefaulted, readOptional } from './read.js'
import { parseRoutingMethod } from './routing-method.js'
import { parseSteps, type StepInput } from './steps.js'
import { readRouterInputs, type RouterInputs } from './targets.js'
import { parseText } from './text.js'

/**
 * action-traffic's inputs, read and validated in full before any call to a platform.
 * TRAFFIC_INPUT_NAMES is what action-traffic/action.yml declares; a test keeps them in step.
 */

export const TRAFFIC_INPUT_NAMES = [
  ...COMMON_INPUT_NAMES,
  'router',
  'blue',
  'green',
  'command',
  'percentage',
  'steps',
  'routing-method',
  ...HEALTH_INPUT_NAMES,
  'failure-limit',
  'consecutive-error-limit',
  'abort-scale-down-delay',
  'keep-candidate-on-abort',
  'in-flight',
  'release-id',
] as const

/** status: read the router only, and say which side is live (stable) and which is idle (candidate) */
export type TrafficCommand = 'release' | 'promote' | 'abort' | 'status'

export interface TrafficInputs extends CommonInputs, RouterInputs {
  command: TrafficCommand
  /** the candidate's (green's) share at each step; one step for `percentage` */
  steps: StepInput[]
  /** undefined: keep the router's method (round-robin for a new router) */
  routingMethod?: RoutingMethod
  /** the health gate; undefined: no gate */
  gate?: GateInputs
  failureLimit: number
  consecutiveErrorLimit: number
  /** undefined: keep the candidate running after an abort */
  abortScaleDownDelayMs?: number
  /** when another release is in flight on the router: wait for it, or fail at once */
  inFlight: 'wait' | 'fail'
  /** who this release is: a re-run of the same workflow run goes on with its own release */
  releaseId: string
  /** why `command: abort` aborts, when it is not a user's abort ("aborted by hand"): the post step's */
  abortReason?: string
  /**
   * the post step's abort: made only while the router's record is still this release's, in flight;
   * a release that took the router over since, or one this release had ended, is left alone
   */
  abortOwnOnly?: boolean
}

export function readTrafficInputs(env: NodeJS.ProcessEnv = process.env): TrafficInputs {
  const common = readCommonInputs(env)
  const router = readRouterInputs(env, common.platform, true)
  const command = parseChoice('command', readDefaulted('command', env), ['release', 'promote', 'abort', 'status'] as const)
  const percentage = readOptional('percentage', env)
  const stepsText = readOptional('steps', env)
  if (command === 'release' && (percentage === undefined) === (stepsText === undefined)) {
    throw new InputError('Inputs "percentage" and "steps": give one of them (a single share, or steps such as 10:2m,50:5m,100).')
  }
  // read for every command, so that a bad value never passes unseen; promote takes all at once
  const given =
    stepsText !== undefined
      ? parseSteps(stepsText)
      : percentage !== undefined
        ? [{ weight: parsePercentage('percentage', percentage), holdMs: 0 }]
        : [{ weight: 0, holdMs: 0 }]
  const steps = command === 'promote' ? [{ weight: 100, holdMs: 0 }] : given
  const method = readOptional('routing-method', env)
  const routingMethod = method === undefined ? undefined : parseRoutingMethod(method)
  if (routingMethod === 'failover' && steps.some((step) => step.weight !== 0 && step.weight !== 100)) {
    throw new InputError(
      `Input "${stepsText === undefined ? 'percentage' : 'steps'}" has the value ${shown(stepsText ?? percentage ?? '')} with routing-method failover; allowed: 0 or 100 (failover sends all traffic to one side).`,
    )
  }
  const gate = readHealthInputs(env)
  const failureLimit = parseInteger('failure-limit', readDefaulted('failure-limit', env), 0, 1000)
  const consecutiveErrorLimit = parseInteger('consecutive-error-limit', readDefaulted('consecutive-error-limit', env), 1, 1000)
  const delay = parseDuration('abort-scale-down-delay', readDefaulted('abort-scale-down-delay', env))
  const keep = readFlag('keep-candidate-on-abort', env)
  const inFlight = parseChoice('in-flight', readDefaulted('in-flight', env), ['wait', 'fail'] as const)
  const releaseIdText = readOptional('release-id', env)
  const releaseId =
    releaseIdText === undefined
      ? `${env.GITHUB_REPOSITORY ?? 'local'}#${env.GITHUB_RUN_ID ?? 'run'}`
      : parseText('release-id', releaseIdText)
  return {
    ...common,
    ...router,
    command,
    steps,
    inFlight,
    releaseId,
    failureLimit,
    consecutiveErrorLimit,
    ...(routingMethod && { routingMethod }),
    ...(gate && { gate }),
    ...(!keep && { abortScaleDownDelayMs: delay }),
  }
}
