import { InputError, shown } from './input-error.js'

/** A platform object name (environment, service, node group): letters, digits, '-', '_', '.', '/'. */
export function parseName(name: string, value: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$/.test(value)) {
    throw new InputError(
      `Input "${name}" has the value ${shown(value)}; allowed: up to 128 letters, digits, '.', '_', '-' or '/', starting with a letter or digit.`,
    )
  }
  return value
}
