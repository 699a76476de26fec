import { textNotShown } from './input-error.js'

/** Enough for a compose file or a component's whole spec. */
export const JSON_MAX = 65_536

/**
 * A JSON object, such as the platform's own fields for creating a service. A refusal shows none
 * of the text: a spec holds passwords (a registry's, a repository's), and a cut or escaped part
 * of one is a form the runner's mask does not match.
 */
export function parseJsonObject(name: string, value: string, example: string): Record<string, unknown> {
  const refuse = (what: string) =>
    textNotShown(name, what, 'it may hold secrets', `a JSON object of up to ${JSON_MAX} characters, such as ${example}`)
  if (value.length > JSON_MAX) throw refuse(`has ${value.length} characters`)
  let parsed: unknown
  try {
    parsed = JSON.parse(value)
  } catch (error) {
    throw refuse(`is not valid JSON${jsonPlace(value, error)}`)
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw refuse(`is JSON of type ${jsonType(parsed)}, not an object`)
  return parsed as Record<string, unknown>
}

/** Where JSON.parse stopped, as line and column; its own message may quote the text. */
export function jsonPlace(text: string, error: unknown): string {
  const position = Number((error as Error).message.match(/at position (\d+)/)?.[1] ?? NaN)
  if (!Number.isInteger(position)) return ''
  const before = text.slice(0, position).split('\n')
  return ` (line ${before.length}, column ${(before.at(-1) ?? '').length + 1})`
}

export type JsonType = 'string' | 'number' | 'boolean' | 'object' | 'array'

/** The JSON type of a value, as a field list names it. */
export function jsonType(value: unknown): JsonType | 'null' {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  return typeof value as JsonType
}
