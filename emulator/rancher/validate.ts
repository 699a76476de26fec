import type { FieldDef, TypeDef } from './schemas.js'

/** A refusal in Cattle's ValidationErrorImpl terms (HTTP 422). */
export interface Invalid {
  code: string
  fieldName: string
  message: string
}

export interface ValidationContext {
  types: Map<string, TypeDef>
  /** whether a resource of `type` with that id exists where the request is (its project) */
  exists: (type: string, id: string) => boolean
}

class Refusal extends Error {
  constructor(readonly invalid: Invalid) {
    super(invalid.message)
  }
}

function refuse(code: string, fieldName: string, message: string): never {
  throw new Refusal({ code, fieldName, message })
}

/**
 * Checks a write's body against a type's fields the way Cattle's ValidationHandler does (types,
 * null, min/max, lengths, options, characters, references, required fields on create, defaults
 * filled in), and stricter where Cattle is lenient: a field the type lacks, or one not writable
 * by this operation, is refused (Cattle drops it silently), and values are not coerced (Cattle
 * converts "2" to 2). Answers the body with its defaults, or the refusal.
 */
export function validateBody(
  type: string,
  body: Record<string, unknown>,
  operation: 'create' | 'update',
  context: ValidationContext,
): { value: Record<string, unknown> } | { invalid: Invalid } {
  try {
    return { value: checkObject(type, body, operation, context, '') }
  } catch (error) {
    if (error instanceof Refusal) return { invalid: error.invalid }
    throw error
  }
}

function checkObject(
  type: string,
  body: Record<string, unknown>,
  operation: 'create' | 'update',
  context: ValidationContext,
  path: string,
): Record<string, unknown> {
  const def = context.types.get(type)
  if (!def) throw new Error(`no schema ${type}`)
  const result: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(body)) {
    const field = def.resourceFields[name]
    const where = `${path}${name}`
    if (!field) refuse('InvalidFormat', where, `field [${name}] is not in the schema of [${type}]`)
    if (!(operation === 'create' ? field.create : field.update))
      refuse('InvalidFormat', where, `field [${name}] of [${type}] cannot be ${operation === 'create' ? 'set' : 'changed'} here`)
    result[name] = checkValue(field, field.type, value, context, where)
  }
  if (operation === 'create') {
    for (const [name, field] of Object.entries(def.resourceFields)) {
      if (!field.create) continue
      if (result[name] === undefined && field.default !== undefined) result[name] = field.default
      const missing =
        result[name] === undefined || (Array.isArray(result[name]) && field.type.startsWith('array[') && result[name].length === 0)
      if (field.required && missing) refuse('MissingRequired', `${path}${name}`, `field [${name}] of [${type}] is required`)
    }
  }
  return result
}

function checkValue(field: FieldDef | undefined, type: string, value: unknown, context: ValidationContext, where: string): unknown {
  if (value === null) {
    if (field && field.nullable === false) refuse('NotNullable', where, `[${where}] may not be null`)
    return null
  }
  const inner = type.match(/^(map|array|reference)\[(.+)\]$/)
  if (inner?.[1] === 'map') {
    if (!isPlainObject(value)) refuse('InvalidFormat', where, `[${where}] must be a map`)
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, checkValue(undefined, inner[2] as string, item, context, `${where}.${key}`)]),
    )
  }
  if (inner?.[1] === 'array') {
    if (!Array.isArray(value)) refuse('InvalidFormat', where, `[${where}] must be an array`)
    return value.map((item, index) => {
      if (item === null) refuse('NotNullable', where, `[${where}] may not hold null`)
      return checkValue(field, inner[2] as string, item, context, `${where}[${index}]`)
    })
  }
  if (inner?.[1] === 'reference') {
    if (typeof value !== 'string' || !context.exists(inner[2] as string, value))
      refuse('InvalidReference', where, `[${where}] names no ${inner[2]} here: ${JSON.stringify(value)}`)
    return value
  }
  switch (type) {
    case 'json':
      return value
    case 'int':
      if (!Number.isInteger(value)) refuse('InvalidFormat', where, `[${where}] must be an integer`)
      checkLimits(field, value as number, where)
      return value
    case 'boolean':
      if (typeof value !== 'boolean') refuse('InvalidFormat', where, `[${where}] must be true or false`)
      return value
    case 'string':
    case 'enum':
    case 'date':
      if (typeof value !== 'string') refuse('InvalidFormat', where, `[${where}] must be a string`)
      checkText(field, value as string, where)
      return value
    default:
      if (!isPlainObject(value)) refuse('InvalidFormat', where, `[${where}] must be a ${type} object`)
      // a nested type is validated as a create of that type (Cattle's ValidationHandler.convert)
      return checkObject(type, value, 'create', context, `${where}.`)
  }
}

function checkLimits(field: FieldDef | undefined, value: number, where: string): void {
  if (field?.min !== undefined && value < field.min) refuse('MinLimitExceeded', where, `[${where}] must be at least ${field.min}`)
  if (field?.max !== undefined && value > field.max) refuse('MaxLimitExceeded', where, `[${where}] must be at most ${field.max}`)
}

function checkText(field: FieldDef | undefined, value: string, where: string): void {
  if (field?.minLength !== undefined && value.length < field.minLength)
    refuse('MinLengthExceeded', where, `[${where}] must have at least ${field.minLength} characters`)
  if (field?.maxLength !== undefined && value.length > field.maxLength)
    refuse('MaxLengthExceeded', where, `[${where}] must have at most ${field.maxLength} characters`)
  if (field?.options && !field.options.includes(value))
    refuse('InvalidOption', where, `[${where}] must be one of ${field.options.join(', ')}`)
  if (field?.validChars && !new RegExp(`^[${field.validChars}]*$`).test(value))
    refuse('InvalidCharacters', where, `[${where}] may only hold ${field.validChars}`)
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
