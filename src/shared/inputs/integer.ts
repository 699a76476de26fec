import { badValue } from './input-error.js'

// ten digits hold every bound used (the largest is a pull request's number)
const WHOLE = /^\+?\d{1,10}$/

/** A whole number within [min, max] (replicas, sample counts, limits): digits only, no '%'. */
export function parseInteger(name: string, value: string, min: number, max: number): number {
  const number = WHOLE.test(value) ? Number(value) : Number.NaN
  if (!(number >= min && number <= max)) {
    const hint = value.endsWith('%') ? ' (a count, not a percentage)' : ''
    throw badValue(name, value, `a whole number from ${min} to ${max}${hint}`)
  }
  return number
}
