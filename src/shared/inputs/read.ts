import { InputError } from './input-error.js'

/**
 * Reads an input the way the runner passes it (INPUT_<NAME>, spaces as underscores, upper case),
 * without loading @actions/core: bad input must fail before the network stack is loaded.
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
