import { badValue } from './input-error.js'

/** Enough for a compose file or a component's whole spec. */
export const JSON_MAX = 65_536

/** A JSON object, such as the platform's own fields for creating a service. */
export function parseJsonObject(name: string, value: string, example: string): Record<string, unknown> {
  let parsed: unknown
  try {
    parsed = value.length > JSON_MAX ? undefined : JSON.parse(value)
  } catch {
    parsed = undefined
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw badValue(name, value, `a JSON object of up to ${JSON_MAX} characters, such as ${example}`)
  }
  return parsed as Record<string, unknown>
}

export type JsonType = 'string' | 'number' | 'boolean' | 'object' | 'array'

/** The JSON type of a value, as a field list names it. */
export function jsonType(value: unknown): JsonType | 'null' {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  return typeof value as JsonType
}
