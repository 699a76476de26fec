import { InputError, shown } from './input-error.js'

const TRUE = ['true', 'yes', 'on', '1']
const FALSE = ['false', 'no', 'off', '0']

export function parseBoolean(name: string, value: string): boolean {
  const lower = value.toLowerCase()
  if (TRUE.includes(lower)) return true
  if (FALSE.includes(lower)) return false
  throw new InputError(`Input "${name}" has the value ${shown(value)}; allowed: true or false.`)
}
