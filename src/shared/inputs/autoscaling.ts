import type { AutoscalingSpec } from '../platforms/platform.js'
import { parseChoice } from './choice.js'
import { parseDuration } from './duration.js'
import { InputError, shown } from './input-error.js'
import { parseInteger } from './integer.js'
import { parsePercentage } from './percentage.js'
import { readChanged, readDefaulted, readOptional } from './read.js'

/** The inputs that hand scaling to the platform; all but `autoscaling` apply only with `autoscaling: on`. */
export const AUTOSCALING_INPUT_NAMES = [
  'autoscaling',
  'min-replicas',
  'max-replicas',
  'scale-up-cpu',
  'scale-down-cpu',
  'scale-step',
  'scale-cooldown',
] as const

/**
 * undefined: `autoscaling` not given (the scaling mode is left as it is); 'off': back to a fixed
 * count; otherwise the platform scales between min and max by CPU use.
 */
export function readAutoscaling(env: NodeJS.ProcessEnv): AutoscalingSpec | 'off' | undefined {
  const mode = readOptional('autoscaling', env)
  // the runner passes the thresholds' defaults whether or not autoscaling is on: only other values count
  const given = AUTOSCALING_INPUT_NAMES.slice(1).filter((name) => readChanged(name, env) !== undefined)
  if (mode === undefined || parseChoice('autoscaling', mode, ['on', 'off'] as const) === 'off') {
    if (given.length > 0) {
      throw new InputError(
        `Input "${given[0]}" applies only with "autoscaling: on"; "autoscaling" is ${mode === undefined ? 'not given' : shown(mode)}.`,
      )
    }
    return mode === undefined ? undefined : 'off'
  }
  const required = (name: string): string => {
    const value = readOptional(name, env)
    if (value === undefined) throw new InputError(`Input "${name}" is required with "autoscaling: on" and was not given.`)
    return value
  }
  // replica counts are whole numbers; the CPU thresholds are percentages, so they may carry '%'
  const min = parseInteger('min-replicas', required('min-replicas'), 1, 1000)
  const max = parseInteger('max-replicas', required('max-replicas'), 1, 1000)
  if (max < min) throw new InputError(`Input "max-replicas" has the value ${max}; allowed: at least "min-replicas" (${min}).`)
  const scaleUpCpu = parsePercentage('scale-up-cpu', readDefaulted('scale-up-cpu', env), 1, 100)
  const scaleDownCpu = parsePercentage('scale-down-cpu', readDefaulted('scale-down-cpu', env), 0, 99)
  if (scaleDownCpu >= scaleUpCpu) {
    throw new InputError(`Input "scale-down-cpu" has the value ${scaleDownCpu}; allowed: below "scale-up-cpu" (${scaleUpCpu}).`)
  }
  const step = parseInteger('scale-step', readDefaulted('scale-step', env), 1, 100)
  const waitMs = parseDuration('scale-cooldown', readDefaulted('scale-cooldown', env))
  return { min, max, scaleUpCpu, scaleDownCpu, step, waitMs }
}
