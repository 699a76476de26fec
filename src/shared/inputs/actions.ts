import type { AutoscalingSpec, GrayRelease, UpgradeStrategy } from '../platforms/platform.js'
import { SOURCE_PREFIX } from '../platforms/source-version.js'
import { readArtifact } from './artifact.js'
import type { DefaultedInput } from './defaults.js'
import { AUTOSCALING_INPUT_NAMES, readAutoscaling } from './autoscaling.js'
import { parseBoolean } from './boolean.js'
import { parseChoice } from './choice.js'
import { parseDuration } from './duration.js'
import { parseSteps, type StepInput } from './steps.js'
import { COMMON_INPUT_NAMES, type CommonInputs, readCommonInputs } from './common.js'
import { HEALTH_INPUT_NAMES, type HealthInputs, readHealthInputs } from './health.js'
import { formatImage, parseImage } from './image.js'
import { GITHUB_INPUT_NAMES, type GitHubInputs, readGitHub } from './github.js'
import { readGrayRelease } from './gray.js'
import { parseCreateSpec } from './create-spec.js'
import { InputError, shown } from './input-error.js'
import { parseInteger } from './integer.js'
import { parseName, serviceNameRule } from './name.js'
import { parsePercentage } from './percentage.js'
import { type PlatformName, parsePlatformName } from './platform-name.js'
import { readDefaulted, readOptional, readRequired } from './read.js'
import { parseRoutingMethod, type RoutingMethod } from './routing-method.js'
import { parseSourceVersion } from './source-version.js'
import { parseText } from './text.js'
import { readUpgradeStrategy, UPGRADE_INPUT_NAMES } from './upgrade.js'
import { readWebhook, WEBHOOK_INPUT_NAMES, type WebhookRequest } from './webhook.js'

/**
 * The inputs of each action, read and validated in full before any call to a platform.
 * Each *_INPUT_NAMES list is what the action's action.yml declares; a test keeps them in step.
 */

export const DEPLOY_INPUT_NAMES = [
  ...COMMON_INPUT_NAMES,
  'service',
  'node-group',
  'image',
  'source-version',
  'wait',
  'rollback-on-failure',
  'create',
  'create-spec',
  'gray-weight',
  'gray-surge-mode',
  'gray-deployment-mode',
  ...UPGRADE_INPUT_NAMES,
  ...HEALTH_INPUT_NAMES,
  ...GITHUB_INPUT_NAMES,
] as const
export const SCALE_INPUT_NAMES = [
  ...COMMON_INPUT_NAMES,
  'service',
  'node-group',
  'replicas',
  ...AUTOSCALING_INPUT_NAMES,
  'lifecycle',
  ...WEBHOOK_INPUT_NAMES,
] as const
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
export const ROLLBACK_INPUT_NAMES = [
  ...COMMON_INPUT_NAMES,
  'service',
  'node-group',
  'to',
  'router',
  'blue',
  'green',
  'wait',
  'reason',
  ...GITHUB_INPUT_NAMES,
] as const

export interface ServiceInputs extends CommonInputs {
  service: string
  nodeGroup: string
}

export interface DeployInputs extends ServiceInputs {
  image: string
  wait: boolean
  rollbackOnFailure: boolean
  /** create the service when it does not exist, with these platform fields (`create-spec`) */
  create?: Record<string, unknown>
  /** start a gray release with this share for the new version (ServiceStage) */
  gray?: GrayRelease
  /** Rancher's in-service upgrade */
  upgrade?: UpgradeStrategy
  health?: HealthInputs
  /** the GitHub deployment and the release ledger */
  github: GitHubInputs
}

export interface ScaleInputs extends ServiceInputs {
  /** undefined only with autoscaling on */
  replicas?: number
  /** undefined: the scaling mode is left as it is */
  autoscaling?: AutoscalingSpec | 'off'
  /** instead of a count: start, stop, restart or remove (delete) the service */
  lifecycle?: LifecycleVerb
  /** Rancher's webhook service; `service` is optional then (a trigger waits on it when given) */
  webhook?: WebhookRequest
}

export type LifecycleVerb = 'start' | 'stop' | 'restart' | 'remove'

export interface RouterInputs {
  router: string
  blue: string
  green: string
}

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
}

export type GateInputs = HealthInputs

export interface RollbackInputs extends ServiceInputs {
  /** undefined: the previous version */
  to?: string
  router?: RouterInputs
  wait: boolean
  /** why, for the summary: a rollback by hand says what went wrong */
  reason?: string
  /** the GitHub deployment, and the ledger `to: previous` reads where the platform keeps no history */
  github: GitHubInputs
}

function readServiceInputs(env: NodeJS.ProcessEnv): ServiceInputs {
  const common = readCommonInputs(env)
  return {
    ...common,
    service: parseName('service', readRequired('service', env), serviceNameRule(common.platform)),
    nodeGroup: parseName('node-group', readDefaulted('node-group', env)),
  }
}

/** An image, or on NetEase a source version written `source@<version>` (what apps there run). */
function readRollbackTarget(platform: string, value: string): string {
  if (platform !== 'netease' || !value.startsWith(SOURCE_PREFIX)) return formatImage(parseImage('to', value))
  return `${SOURCE_PREFIX}${parseSourceVersion('to', value.slice(SOURCE_PREFIX.length))}`
}

function readFlag(name: DefaultedInput, env: NodeJS.ProcessEnv): boolean {
  return parseBoolean(name, readDefaulted(name, env))
}

export function readDeployInputs(env: NodeJS.ProcessEnv = process.env): DeployInputs {
  const service = readServiceInputs(env)
  const image = readArtifact(service.platform, env, true)
  const wait = readFlag('wait', env)
  const rollbackOnFailure = readFlag('rollback-on-failure', env)
  const health = readHealthInputs(env)
  const create = readFlag('create', env)
  const specText = readOptional('create-spec', env)
  const spec = specText === undefined ? {} : parseCreateSpec(service.platform, specText)
  if (specText !== undefined && !create)
    throw new InputError('Input "create-spec" is set while "create" is false; allowed: create: true with it, or no create-spec.')
  const gray = readGrayRelease(service.platform, env)
  const upgrade = readUpgradeStrategy(service.platform, env)
  if (health && !wait) {
    throw new InputError('Input "wait" is false while "health-url" is set; allowed: wait: true with a health check, or no health-url.')
  }
  return {
    ...service,
    image,
    wait,
    rollbackOnFailure,
    ...(health && { health }),
    ...(create && { create: spec }),
    ...(gray && { gray }),
    ...(upgrade && { upgrade }),
    github: readGitHub(env),
  }
}

export function readScaleInputs(env: NodeJS.ProcessEnv = process.env): ScaleInputs {
  const webhook = readWebhook(parsePlatformName(readRequired('platform', env)), env)
  if (webhook) {
    const others = ['replicas', 'lifecycle', 'autoscaling'].filter((name) => readOptional(name, env) !== undefined)
    if (others[0])
      throw new InputError(
        `Inputs "webhook-${webhook.kind === 'trigger' ? 'url' : webhook.kind}" and "${others[0]}" are both set; allowed: one of them.`,
      )
    const common = readCommonInputs(env)
    return {
      ...common,
      service: readOptionalName('service', env, common.platform) ?? '',
      nodeGroup: parseName('node-group', readDefaulted('node-group', env)),
      webhook,
    }
  }
  const service = readServiceInputs(env)
  const lifecycleText = readOptional('lifecycle', env)
  const autoscaling = readAutoscaling(env)
  const replicasText = readOptional('replicas', env)
  if (lifecycleText !== undefined) {
    const lifecycle = parseChoice('lifecycle', lifecycleText, ['start', 'stop', 'restart', 'remove'] as const)
    const other = replicasText !== undefined ? 'replicas' : autoscaling !== undefined ? 'autoscaling' : undefined
    if (other) throw new InputError(`Inputs "lifecycle" and "${other}" are both set; allowed: one of them.`)
    return { ...service, lifecycle }
  }
  if (typeof autoscaling === 'object') {
    if (replicasText !== undefined) {
      throw new InputError(
        'Input "replicas" cannot be given with "autoscaling: on": the platform sets the count between "min-replicas" and "max-replicas".',
      )
    }
    return { ...service, autoscaling }
  }
  if (replicasText === undefined && autoscaling === undefined) readRequired('replicas', env)
  return {
    ...service,
    ...(replicasText !== undefined && { replicas: parseInteger('replicas', replicasText, 0, 1000) }),
    ...(autoscaling && { autoscaling }),
  }
}

function readOptionalName(name: string, env: NodeJS.ProcessEnv, platform: PlatformName): string | undefined {
  const value = readOptional(name, env)
  return value === undefined ? undefined : parseName(name, value, serviceNameRule(platform))
}

/** On ServiceStage the router is one component: blue and green only name its stable and gray versions. */
const SIDE_LABELS: Partial<Record<string, { blue: string; green: string }>> = { servicestage: { blue: 'stable', green: 'gray' } }

function readRouterInputs(env: NodeJS.ProcessEnv, platform: PlatformName, sideLabels: boolean): RouterInputs {
  const rule = serviceNameRule(platform)
  const router = parseName('router', readRequired('router', env), rule)
  const labels = sideLabels ? SIDE_LABELS[platform] : undefined
  const blue = parseName('blue', labels ? (readOptional('blue', env) ?? labels.blue) : readRequired('blue', env), rule)
  const green = parseName('green', labels ? (readOptional('green', env) ?? labels.green) : readRequired('green', env), rule)
  if (blue === green) throw new InputError(`Inputs "blue" and "green" are both ${shown(blue)}; allowed: two different services.`)
  return { router, blue, green }
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

export function readRollbackInputs(env: NodeJS.ProcessEnv = process.env): RollbackInputs {
  const service = readServiceInputs(env)
  const toText = readDefaulted('to', env)
  const to = toText === 'previous' ? undefined : readRollbackTarget(service.platform, toText)
  const wait = readFlag('wait', env)
  const router = readOptional('router', env) === undefined ? undefined : readRouterInputs(env, service.platform, false)
  // without a router the sides are not used, but a bad name is still refused, never passed over
  if (router === undefined) for (const side of ['blue', 'green']) readOptionalName(side, env, service.platform)
  const reasonText = readOptional('reason', env)
  const reason = reasonText === undefined ? undefined : parseText('reason', reasonText)
  return { ...service, wait, ...(to && { to }), ...(router && { router }), ...(reason && { reason }), github: readGitHub(env) }
}
