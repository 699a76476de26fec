import { badValue } from './input-error.js'

export const ID_MAX = 64

// ServiceStage project and application ids (hex, UUIDs), Rancher project ids (1a5), Alauda
// namespaces, NetEase namespace names or numbers: one path segment, never a climbing one
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

/** An id the platform scopes by (`project`, `application`): one part, no '/'. */
export function parseId(name: string, value: string): string {
  if (value.length > ID_MAX || !ID.test(value)) {
    throw badValue(name, value, `an id of up to ${ID_MAX} letters, digits, '.', '_' or '-', starting with a letter or digit, no '/'`)
  }
  return value
}
