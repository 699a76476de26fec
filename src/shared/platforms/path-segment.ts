/**
 * An id or a name put into a URL path, as one path segment: encoded, so that a '/', '?', '#' or
 * '%' in it (from an input or from a platform's answer) cannot change which path is called.
 * URL parsers resolve '.' and '..' however they are encoded, so those are refused outright.
 */
export function segment(value: string | number): string {
  const text = String(value)
  if (text === '.' || text === '..') throw new Error(`"${text}" cannot be put into a URL path: it would climb out of the API's path`)
  return encodeURIComponent(text)
}
