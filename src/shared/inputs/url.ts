import { InputError, shown } from './input-error.js'

export function parseHttpUrl(name: string, value: string): URL {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new InputError(`Input "${name}" has the value ${shown(value)}; allowed: an http:// or https:// URL.`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputError(`Input "${name}" has the value ${shown(value)}; allowed: an http:// or https:// URL.`)
  }
  return url
}
