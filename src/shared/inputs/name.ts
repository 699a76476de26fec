import { SERVICE_ID_FORMS } from '../platforms/service-id.js'
import type { PlatformName } from '../platforms/terms.js'
import { badValue } from './input-error.js'

/** How a kind of name is built: how many parts between '/' it may have, and how long it may be. */
export interface NameRule {
  readonly parts: number
  readonly max: number
  readonly allowed: string
}

// a part starts with a letter or digit, so '.' and '..' (path segments that climb) are never one
const PART = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

/** A platform object's name (environment, component, service, app, node group, domain): one part. */
export const NAME: NameRule = {
  parts: 1,
  max: 128,
  allowed: "up to 128 letters, digits, '.', '_' or '-', starting with a letter or digit, no '/'",
}

/** Rancher names a service by its stack too: `stack/service`. */
export const STACK_NAME: NameRule = {
  parts: 2,
  max: 128,
  allowed: "a name or stack/name of up to 128 letters, digits, '.', '_' or '-', each part starting with a letter or digit",
}

/** A GitHub environment, whose names may hold '/' (GitHub allows up to 255 characters). */
export const ENVIRONMENT_NAME: NameRule = {
  parts: Number.POSITIVE_INFINITY,
  max: 255,
  allowed: "up to 255 letters, digits, '.', '_', '-' or '/', each part between '/' starting with a letter or digit",
}

/**
 * How services and routers are named on each platform: only Rancher's have a '/' in them. Where
 * the platform has ids of its own (platforms/service-id.ts), the input takes one as well: every id
 * form is within the name grammar, and a value of the id's form is read as the id.
 */
export function serviceNameRule(platform: PlatformName): NameRule {
  const rule = platform === 'rancher' ? STACK_NAME : NAME
  const id = SERVICE_ID_FORMS[platform]
  return id ? { ...rule, allowed: `${rule.allowed}; or ${id.shown}, the service-id output of an earlier step` } : rule
}

export function isName(value: string, rule: NameRule = NAME): boolean {
  const parts = value.split('/')
  return value.length <= rule.max && parts.length <= rule.parts && parts.every((part) => PART.test(part))
}

export function parseName(name: string, value: string, rule: NameRule = NAME): string {
  if (!isName(value, rule)) throw badValue(name, value, rule.allowed)
  return value
}
