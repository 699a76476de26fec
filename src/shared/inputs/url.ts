import { badValue, InputError, shown } from './input-error.js'

export const URL_MAX = 2048

const ALLOWED = `an http:// or https:// URL of up to ${URL_MAX} characters, without spaces or control characters`
// the URL parser drops tabs and newlines and trims spaces silently: refused here instead
const UNSAFE = /[\s\p{Cc}]/u

/**
 * An http(s) URL with no user or password in it. `secret`: why the URL itself is a secret (a
 * webhook trigger holds its key), so that no error shows it.
 */
export function parseHttpUrl(name: string, value: string, secret?: string): URL {
  const refuse = () =>
    secret === undefined
      ? badValue(name, value, ALLOWED)
      : new InputError(`Input "${name}" is not an http:// or https:// URL (its value is not shown: ${secret}).`)
  if (value.length > URL_MAX || UNSAFE.test(value)) throw refuse()
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw refuse()
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refuse()
  if (url.username !== '' || url.password !== '') {
    // the host alone: the rest holds the credentials
    throw new InputError(
      `Input "${name}" has a user name or password in it (host ${shown(url.host)}); allowed: a URL without them, since credentials in a URL end up in logs and error messages.`,
    )
  }
  return url
}
