/**
 * The URL of `path` (with its query, if any) under an API's `prefix` on `base`. A base given with
 * the prefix already (`https://api.example.com/v1`) or with a trailing slash ends up the same.
 */
export function endpoint(base: URL, path: string, prefix = ''): URL {
  const url = new URL(base)
  const [pathname = '', query] = path.split('?')
  const root = url.pathname.replace(/\/$/, '')
  url.pathname = `${prefix && root.endsWith(prefix) ? root.slice(0, -prefix.length) : root}${prefix}${pathname}`
  url.search = query ? `?${query}` : ''
  return url
}
