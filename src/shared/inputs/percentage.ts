import { badValue } from './input-error.js'

const PERCENT = /^(\d{1,3})%?$/

/** A share or a threshold in percent (traffic, CPU use): a whole number, with or without '%'. */
export function parsePercentage(name: string, value: string, min = 0, max = 100): number {
  const match = value.match(PERCENT)
  const number = match ? Number(match[1]) : Number.NaN
  if (!(number >= min && number <= max)) throw badValue(name, value, `a whole number from ${min} to ${max}, with or without '%'`)
  return number
}
