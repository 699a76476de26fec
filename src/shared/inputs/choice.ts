import { InputError, shown } from './input-error.js'

/** Parses one of a fixed set of values; each choice input gets its own small parser built on this. */
export function parseChoice<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  const found = allowed.find((choice) => choice === value.toLowerCase())
  if (found === undefined) {
    throw new InputError(`Input "${name}" has the value ${shown(value)}; allowed: ${allowed.join(', ')}.`)
  }
  return found
}
