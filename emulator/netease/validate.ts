import { CALLS, type Call, type CallName, type ErrorName, type Field, type Fields } from '../../vendor/netease-openapi.js'

/** What the API refuses a request for: one of the documented errors, and what was wrong. */
export interface Refusal {
  error: ErrorName
  detail: string
}

/** A request matched to a documented call: its path values as read, its query and its body. */
export interface Matched {
  name: CallName
  call: Call
  params: Record<string, string>
}

const PATTERNS = Object.entries(CALLS).map(([name, call]) => ({
  name: name as CallName,
  call: call as Call,
  pattern: new RegExp(`^${call.path.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`),
}))

/**
 * The documented call at that path (under `/api/v1`) for that method; a path of a call with
 * another method is `method` (405), any other path `noApi` (404) (vendor/netease-openapi.ts).
 */
export function matchCall(method: string, path: string): Matched | Refusal {
  let pathKnown = false
  for (const { name, call, pattern } of PATTERNS) {
    const found = pattern.exec(path)
    if (!found) continue
    pathKnown = true
    if (call.method === method || call.alternative === method) return { name, call, params: { ...found.groups } }
  }
  return pathKnown ? { error: 'method', detail: `${method} ${path}` } : { error: 'noApi', detail: path }
}

/**
 * What is wrong with a request by its call's documented fields: a path value, query parameter or
 * body key the call does not define, one it requires and lacks, a wrong type or a value out of
 * the document's range. The real API is assumed to be this strict (emulator/README.md).
 */
export function requestProblem(matched: Matched, query: URLSearchParams, body: unknown): Refusal | undefined {
  const { call, params } = matched
  for (const [key, field] of Object.entries(call.params ?? {})) {
    const problem = valueProblem(textValue(params[key], field.type), field, key)
    if (problem) return problem
  }
  const given = Object.fromEntries([...query.keys()].map((key) => [key, query.getAll(key)]))
  for (const [key, values] of Object.entries(given)) {
    if (!call.query || !(key in call.query)) return invalid(`unknown query parameter ${key}`)
    if (values.length > 1) return invalid(`${key} is given ${values.length} times`)
  }
  const queryProblem = fieldsProblem(
    Object.fromEntries(Object.entries(given).map(([key, [value]]) => [key, textValue(value, call.query?.[key]?.type)])),
    call.query ?? {},
    '',
  )
  if (queryProblem) return queryProblem
  // the deploy hook's body is not documented: whatever is sent is taken
  if (matched.name === 'appHook') return undefined
  if (!call.body) {
    const empty = body === undefined || (isObject(body) && Object.keys(body).length === 0)
    return empty ? undefined : invalid(`${call.method} ${call.path} takes no body`)
  }
  if (!isObject(body)) return invalid('the body must be a JSON object')
  return fieldsProblem(body, call.body, '')
}

function fieldsProblem(value: Record<string, unknown>, fields: Fields, at: string): Refusal | undefined {
  for (const key of Object.keys(value)) if (!(key in fields)) return invalid(`unknown field ${at}${key}`)
  for (const [key, field] of Object.entries(fields)) {
    if (field.required && value[key] === undefined) return { error: 'missing', detail: `${at}${key} is required` }
  }
  for (const [key, field] of Object.entries(fields)) {
    if (value[key] === undefined) continue
    const problem = valueProblem(value[key], field, `${at}${key}`)
    if (problem) return problem
  }
  return undefined
}

function valueProblem(value: unknown, field: Field, at: string): Refusal | undefined {
  const { type } = field
  if (typeof type === 'object') {
    if ('object' in type) return isObject(value) ? fieldsProblem(value, type.object, `${at}.`) : invalid(`${at} must be an object`)
    if (!Array.isArray(value)) return invalid(`${at} must be a list`)
    if (field.required && value.length === 0) return { error: 'missing', detail: `${at} needs at least one item` }
    for (const [i, item] of value.entries()) {
      const problem = isObject(item) ? fieldsProblem(item, type.list, `${at}[${i}].`) : invalid(`${at}[${i}] must be an object`)
      if (problem) return problem
    }
    return undefined
  }
  const ok =
    type === 'string'
      ? typeof value === 'string'
      : type === 'int'
        ? Number.isSafeInteger(value)
        : type === 'boolean'
          ? typeof value === 'boolean'
          : type === 'json'
            ? isObject(value)
            : type === 'variables'
              ? // names as a shell takes them, values strings (I: the document shows no other)
                isObject(value) && Object.entries(value).every(([k, v]) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) && typeof v === 'string')
              : Array.isArray(value) && value.every((item) => typeof item === 'string')
  if (!ok) return invalid(`${at} must be ${NAMES[type]} (got ${JSON.stringify(value)?.slice(0, 40)})`)
  if (field.values && !field.values.includes(value as string | number)) return invalid(`${at} must be one of ${field.values.join(', ')}`)
  if (field.min !== undefined && (value as number) < field.min) return invalid(`${at} must be at least ${field.min}`)
  if (field.max !== undefined && (value as number) > field.max) return invalid(`${at} must be at most ${field.max}`)
  return undefined
}

const NAMES = {
  string: 'a string',
  int: 'a whole number',
  boolean: 'true or false',
  json: 'a JSON object',
  variables: 'a JSON object of variables (names a letter or _ then letters, digits and _; string values)',
  'string[]': 'a list of strings',
}

/** A path or query value (text) as the type it should have; left as text when it is not one. */
function textValue(text: string | undefined, type: Field['type'] | undefined): unknown {
  if (text === undefined) return undefined
  if (type === 'int' && /^-?\d+$/.test(text)) return Number(text)
  if (type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true'
  return text
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function invalid(detail: string): Refusal {
  return { error: 'invalid', detail }
}
