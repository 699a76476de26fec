import { InputError, shown } from './input-error.js'

/** A whole number within [min, max]; used for replicas, percentages and sample counts. */
export function parseInteger(name: string, value: string, min: number, max: number): number {
  const number = /^[+]?\d+$/.test(value) ? Number(value) : Number.NaN
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    throw new InputError(`Input "${name}" has the value ${shown(value)}; allowed: a whole number from ${min} to ${max}.`)
  }
  return number
}

export function parsePercentage(name: string, value: string): number {
  return parseInteger(name, value, 0, 100)
}
