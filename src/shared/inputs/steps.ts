import { parseDuration } from './duration.js'
import { badValue } from './input-error.js'

export interface StepInput {
  weight: number
  holdMs: number
}

/** Room for every weight from 1 to 100 with a hold time each. */
export const STEPS_MAX = 1024
const ALLOWED = 'rising weights from 1 to 100 with hold times, such as 10:2m,50:5m,100'

/** `10:2m,50:5m,100`: the candidate's share at each step and how long to hold it (none for the last). */
export function parseSteps(value: string): StepInput[] {
  if (value.length > STEPS_MAX) throw badValue('steps', value, ALLOWED)
  const steps = value.split(',').map((part) => {
    const match = part.trim().match(/^(\d{1,3})(?::(.+))?$/)
    const weight = Number(match?.[1])
    if (!match || weight < 1 || weight > 100) throw badValue('steps', value, ALLOWED)
    const hold = match[2]?.trim()
    return { weight, holdMs: hold === undefined ? 0 : parseDuration('steps', hold) }
  })
  if (steps.some((step, i) => i > 0 && step.weight <= (steps[i - 1] as StepInput).weight)) throw badValue('steps', value, ALLOWED)
  return steps
}
