import { InputError, shown } from './input-error.js'

/** A JSON object, such as the platform's own fields for creating a service. */
export function parseJsonObject(name: string, value: string): Record<string, unknown> {
  let parsed: unknown
  try {
    parsed = JSON.parse(value)
  } catch {
    parsed = undefined
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InputError(`Input "${name}" has the value ${shown(value)}; allowed: a JSON object such as {"replica": 2}.`)
  }
  return parsed as Record<string, unknown>
}
