import { COMMON_PARAMS, type MethodFacts, type ParamType } from '../../vendor/jelastic-api-methods.js'

/**
 * What is wrong with a call's parameters by the vendor's API description
 * (vendor/jelastic-api-methods.ts): a parameter it does not name, a required one missing, or a
 * value of the wrong type. Undefined when nothing. An empty value is an absent one (httpx, which
 * jelastic-client uses, sends a None as `name=`), and so is a JSON `null` (jelastic-client sends
 * `settings=null` when it has none).
 */
export function paramProblem(facts: MethodFacts, params: Record<string, string>): string | undefined {
  const typeOf = (key: string): ParamType | undefined =>
    Object.hasOwn(facts.required, key) ? facts.required[key] : Object.hasOwn(facts.optional, key) ? facts.optional[key] : COMMON_PARAMS[key]
  for (const key of Object.keys(params)) {
    if (!Object.hasOwn(COMMON_PARAMS, key) && typeOf(key) === undefined) return `unknown parameter [${key}]`
  }
  for (const [key, type] of Object.entries(facts.required)) {
    if (isAbsent(params[key], type)) return `parameter [${key}] is required`
  }
  for (const [key, value] of Object.entries(params)) {
    const type = typeOf(key) as ParamType
    if (isAbsent(value, type)) continue
    const problem = valueProblem(value, type)
    if (problem) return `parameter [${key}] ${problem}`
  }
  return undefined
}

/** No value: missing, empty, or for a JSON parameter `null`. */
export function isAbsent(value: string | undefined, type: ParamType): boolean {
  return value === undefined || value === '' || (value === 'null' && (type === 'json' || type === 'json-nodes'))
}

function valueProblem(value: string, type: ParamType): string | undefined {
  switch (type) {
    case 'string':
      return undefined
    // py-jelastic sends Python's True/False, jelastic-client true/false
    case 'boolean':
      return /^(true|false)$/i.test(value) ? undefined : `must be true or false (got ${show(value)})`
    case 'int32': {
      const number = Number(value)
      return /^-?\d+$/.test(value) && number >= -(2 ** 31) && number < 2 ** 31 ? undefined : `must be a whole number (got ${show(value)})`
    }
    case 'json':
    case 'json-nodes': {
      const parsed = parseJson(value)
      if (parsed === undefined) return `must be JSON (got ${show(value)})`
      const isObject = (item: unknown) => typeof item === 'object' && item !== null && !Array.isArray(item)
      if (isObject(parsed)) return undefined
      if (type === 'json-nodes' && Array.isArray(parsed) && parsed.length > 0 && parsed.every(isObject)) return undefined
      return type === 'json' ? 'must be a JSON object' : 'must be a JSON object or a non-empty JSON array of objects'
    }
    case 'json-names': {
      const parsed = parseJson(value)
      return Array.isArray(parsed) && parsed.every((item) => typeof item === 'string')
        ? undefined
        : `must be a JSON array of names (got ${show(value)})`
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function show(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
}
