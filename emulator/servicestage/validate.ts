import { type FieldType, MODELS, type Model } from '../../vendor/servicestage-v3-models.js'

/**
 * What is wrong with a request body by the SDK's models (vendor/servicestage-v3-models.ts):
 * an unknown field, a missing required one, a wrong type or a value the SDK does not list. The
 * real API is assumed to be as strict as its SDK (emulator/README.md). Undefined when nothing.
 */
export function modelProblem(value: unknown, model: string | Model, at = ''): string | undefined {
  const definition = typeof model === 'string' ? MODELS[model] : model
  if (definition === undefined) throw new Error(`no SDK model ${String(model)}`)
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return `${at ? at.replace(/\.$/, '') : 'the body'} must be an object`
  const body = value as Record<string, unknown>
  for (const key of Object.keys(body)) {
    if (!(key in definition.fields)) return `unknown field ${at}${key}`
  }
  for (const key of definition.required) {
    if (body[key] === undefined || body[key] === null) return `${at}${key} is required`
  }
  for (const [key, type] of Object.entries(definition.fields)) {
    if (body[key] === undefined) continue
    const problem = typeProblem(body[key], type, `${at}${key}`)
    if (problem) return problem
    const allowed = definition.values?.[key]
    if (allowed && !allowed.includes(body[key] as string | number))
      return `${at}${key} must be one of ${allowed.join(', ')} (got ${JSON.stringify(body[key])})`
  }
  return undefined
}

function typeProblem(value: unknown, type: FieldType, at: string): string | undefined {
  const list = /^list\[(.+)\]$/.exec(type)
  if (list) {
    if (!Array.isArray(value)) return `${at} must be a list`
    for (const [i, item] of value.entries()) {
      const problem = typeProblem(item, list[1] as FieldType, `${at}[${i}]`)
      if (problem) return problem
    }
    return undefined
  }
  if (type.startsWith('model:')) return modelProblem(value, type.slice('model:'.length), `${at}.`)
  const ok =
    type === 'str'
      ? typeof value === 'string'
      : type === 'int'
        ? Number.isInteger(value)
        : type === 'float'
          ? typeof value === 'number' && Number.isFinite(value)
          : type === 'bool'
            ? typeof value === 'boolean'
            : typeof value === 'object' && value !== null && !Array.isArray(value)
  return ok
    ? undefined
    : `${at} must be ${type === 'str' ? 'a string' : type === 'int' ? 'a whole number' : type === 'float' ? 'a number' : type === 'bool' ? 'true or false' : 'an object'} (got ${JSON.stringify(value)?.slice(0, 40)})`
}
