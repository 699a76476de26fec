import type { AutoscalingSpec } from '../platforms/platform.js'
import { parseChoice } from './choice.js'
import { parseDuration } from './duration.js'
import { InputError } from './input-error.js'
import { parseInteger } from './integer.js'
import { readOptional } from './read.js'

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
  const given = AUTOSCALING_INPUT_NAMES.slice(1).filter((name) => readOptional(name, env) !== undefined)
  if (mode === undefined || parseChoice('autoscaling', mode, ['on', 'off'] as const) === 'off') {
    if (given.length > 0) {
      throw new InputError(
        `Input "${given[0]}" applies only with "autoscaling: on"; "autoscaling" is ${mode === undefined ? 'not given' : `"${mode}"`}.`,
      )
    }
    return mode === undefined ? undefined : 'off'
  }
  const number = (name: string, fallback: string | undefined, min: number, max: number): number => {
    const value = readOptional(name, env) ?? fallback
    if (value === undefined) throw new InputError(`Input "${name}" is required with "autoscaling: on" and was not given.`)
    return parseInteger(name, value.replace(/%$/, ''), min, max)
  }
  const min = number('min-replicas', undefined, 1, 1000)
  const max = number('max-replicas', undefined, 1, 1000)
  if (max < min) throw new InputError(`Input "max-replicas" has the value ${max}; allowed: at least "min-replicas" (${min}).`)
  const scaleUpCpu = number('scale-up-cpu', '60', 1, 100)
  const scaleDownCpu = number('scale-down-cpu', '10', 0, 99)
  if (scaleDownCpu >= scaleUpCpu) {
    throw new InputError(`Input "scale-down-cpu" has the value ${scaleDownCpu}; allowed: below "scale-up-cpu" (${scaleUpCpu}).`)
  }
  const step = number('scale-step', '1', 1, 100)
  const waitMs = parseDuration('scale-cooldown', readOptional('scale-cooldown', env) ?? '30s')
  return { min, max, scaleUpCpu, scaleDownCpu, step, waitMs }
}
