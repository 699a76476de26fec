import { InputError } from './input-error.js'
import { type DefaultedInput, INPUT_DEFAULTS } from './defaults.js'

/**
 * Reads an input the way the runner passes it (INPUT_<NAME>, spaces as underscores, upper case),
 * as @actions/core's getInput does, with nothing else loaded: bad input must fail before the network stack is loaded.
 */
export function readRaw(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim()
}

export function readRequired(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = readRaw(name, env)
  if (value === '') throw new InputError(`Input "${name}" is required and was not given.`)
  return value
}

export function readOptional(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = readRaw(name, env)
  return value === '' ? undefined : value
}

/**
 * An input action.yml gives a default: the runner passes that default when a workflow leaves the
 * input out, and a run without the runner (unit tests, the demo) gets the same value here.
 */
export function readDefaulted(name: DefaultedInput, env: NodeJS.ProcessEnv = process.env): string {
  return readOptional(name, env) ?? INPUT_DEFAULTS[name]
}

/**
 * The input's value when a workflow set it to other than its action.yml default, else undefined:
 * the runner passes the default of an input left out, so only another value says it was asked for.
 */
export function readChanged(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = readOptional(name, env)
  const fallback = Object.hasOwn(INPUT_DEFAULTS, name) ? INPUT_DEFAULTS[name as DefaultedInput] : undefined
  return value?.toLowerCase() === fallback?.toLowerCase() ? undefined : value
}
