import type { DefaultedInput } from './defaults.js'
import { InputError, shown } from './input-error.js'
import { readDefaulted } from './read.js'

const TRUE = ['true', 'yes', 'on', '1']
const FALSE = ['false', 'no', 'off', '0']

export function parseBoolean(name: string, value: string): boolean {
  const lower = value.toLowerCase()
  if (TRUE.includes(lower)) return true
  if (FALSE.includes(lower)) return false
  throw new InputError(`Input "${name}" has the value ${shown(value)}; allowed: true or false.`)
}

/** An input action.yml gives a true/false default. */
export function readFlag(name: DefaultedInput, env: NodeJS.ProcessEnv): boolean {
  return parseBoolean(name, readDefaulted(name, env))
}
