import type { AutoscalingSpec } from '../platforms/platform.js'
import { AUTOSCALING_INPUT_NAMES, readAutoscaling } from './autoscaling.js'
import { parseChoice } from './choice.js'
import { COMMON_INPUT_NAMES, readCommonInputs } from './common.js'
import { InputError, shown } from './input-error.js'
import { parseInteger } from './integer.js'
import { parseName } from './name.js'
import { parsePlatformName } from './platform-name.js'
import { readDefaulted, readOptional, readRequired } from './read.js'
import { readOptionalName, readServiceInputs, type ServiceInputs } from './targets.js'
import { readWebhook, WEBHOOK_INPUT_NAMES, type WebhookRequest } from './webhook.js'

/**
 * action-scale's inputs, read and validated in full before any call to a platform.
 * SCALE_INPUT_NAMES is what action-scale/action.yml declares; a test keeps them in step.
 */

export const SCALE_INPUT_NAMES = [
  ...COMMON_INPUT_NAMES,
  'service',
  'node-group',
  'replicas',
  ...AUTOSCALING_INPUT_NAMES,
  'lifecycle',
  ...WEBHOOK_INPUT_NAMES,
] as const

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
    checkNeteaseLifecycle(service, lifecycle)
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
  // a NetEase microservice (`project` names its namespace) scales from 1 to 5 (platforms.md 4.3)
  const [least, most] = service.platform === 'netease' && service.project !== undefined ? [1, 5] : [0, 1000]
  return {
    ...service,
    ...(replicasText !== undefined && { replicas: parseInteger('replicas', replicasText, least, most) }),
    ...(autoscaling && { autoscaling }),
  }
}

/**
 * NetEase has no start or stop: an app can only be removed, a microservice (`project` given)
 * restarted or removed. Said before any call.
 */
function checkNeteaseLifecycle(service: { platform: string; project?: string }, lifecycle: LifecycleVerb): void {
  if (service.platform !== 'netease') return
  const allowed: LifecycleVerb[] = service.project === undefined ? ['remove'] : ['restart', 'remove']
  if (allowed.includes(lifecycle)) return
  const kind = service.project === undefined ? 'NetEase apps' : 'NetEase microservices'
  throw new InputError(`Input "lifecycle" has the value ${shown(lifecycle)}; allowed on ${kind}: ${allowed.join(', ')}.`)
}
