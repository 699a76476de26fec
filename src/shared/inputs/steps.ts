import { parseDuration } from './duration.js'
import { InputError, shown } from './input-error.js'

export interface StepInput {
  weight: number
  holdMs: number
}

/** `10:2m,50:5m,100`: the candidate's share at each step and how long to hold it (none for the last). */
export function parseSteps(value: string): StepInput[] {
  const allowed = 'allowed: rising weights from 1 to 100 with hold times, such as 10:2m,50:5m,100'
  const steps = value.split(',').map((part) => {
    const match = part.trim().match(/^(\d{1,3})(?::(.+))?$/)
    const weight = Number(match?.[1])
    if (!match || weight < 1 || weight > 100) throw new InputError(`Input "steps" has the value ${shown(value)}; ${allowed}.`)
    const hold = match[2]
    return { weight, holdMs: hold === undefined ? 0 : parseDuration('steps', hold) }
  })
  if (steps.some((step, i) => i > 0 && step.weight <= (steps[i - 1] as StepInput).weight)) {
    throw new InputError(`Input "steps" has the value ${shown(value)}; ${allowed}.`)
  }
  return steps
}
