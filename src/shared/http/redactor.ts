/** A secret shorter than this is refused: masking it would make the runner star every match of it in the log. */
export const MIN_SECRET_LENGTH = 4

/** A secret too short to be masked safely; the message never shows it. */
export class SecretTooShortError extends Error {
  override name = 'SecretTooShortError'
  constructor(what: string) {
    super(
      `${what} is under ${MIN_SECRET_LENGTH} characters: too short to be masked safely in the log (the runner would star every match of it); its value is not shown`,
    )
  }
}

/** Query parameters whose values are secrets wherever they appear in a URL that is itself a secret. */
const SECRET_QUERY_PARAMS = ['key', 'token', 'access_token', 'session', 'secret']

/**
 * Knows every secret of the run and removes it from text in each form it may take on the way: raw,
 * URL-encoded, form-encoded and JSON-escaped, so a session id inside a query string or an echoed
 * JSON body is caught as well as a raw one. Every form is handed to `onSecret` (the runner's mask)
 * the moment it is known.
 */
export class Redactor {
  private readonly secrets = new Set<string>()
  /** the secrets as given: one that is already another's form still adds its own forms */
  private readonly given = new Set<string>()
  /** the secrets longest first, sorted once per change rather than on every redaction */
  private longestFirst: string[] | undefined

  constructor(private readonly onSecret: (secret: string) => void = () => {}) {}

  /** A secret; `what` names it in the error when it is too short (it is then neither masked nor kept). */
  add(secret: string | undefined, what = 'a secret'): void {
    if (secret === undefined || secret === '' || this.given.has(secret)) return
    if (secret.length < MIN_SECRET_LENGTH) throw new SecretTooShortError(what)
    this.given.add(secret)
    for (const form of formsOf(secret)) {
      if (this.secrets.has(form)) continue
      this.secrets.add(form)
      this.longestFirst = undefined
      this.onSecret(form)
    }
  }

  /** HTTP Basic credentials: the password, and the header's base64 of `user:password` (which holds it). */
  addBasic(user: string, password: string, what = 'the password'): void {
    this.add(password, what)
    this.add(Buffer.from(`${user}:${password}`).toString('base64'))
  }

  /**
   * A URL that is a secret as a whole (a webhook trigger, a deploy hook), and the secret parts
   * inside it, which an error may echo alone: its password, its key or token parameters, and with
   * `keyInPath` its last path segment (NetEase's deploy hook: `…/hooks/app/{32 hex}`).
   */
  addUrl(text: string, what = 'a secret URL', keyInPath = false): void {
    this.add(text, what)
    let url: URL
    try {
      url = new URL(text)
    } catch {
      return
    }
    if (url.href !== text) this.add(url.href, what)
    if (url.password) this.add(decodeSafely(url.password), `the password in ${what}`)
    for (const name of SECRET_QUERY_PARAMS) {
      for (const value of url.searchParams.getAll(name)) this.add(value, `the "${name}" in ${what}`)
    }
    // the last segment that is not empty: a hook URL may end with a slash
    const last =
      url.pathname
        .split('/')
        .filter((segment) => segment !== '')
        .at(-1) ?? ''
    if (keyInPath && last !== '') this.add(decodeSafely(last), `the key in ${what}`)
  }

  redact(text: string): string {
    let result = text
    // longest first, so a secret that contains another is removed whole
    this.longestFirst ??= [...this.secrets].sort((a, b) => b.length - a.length)
    for (const secret of this.longestFirst) {
      // a search first: most secrets are in no given line, and a split allocates for each
      if (result.includes(secret)) result = result.split(secret).join('***')
    }
    return result
  }
}

/**
 * The forms a secret takes in a URL, a form body or a JSON string, as the servers and clients
 * on the way write them: `/` escaped (PHP, Java), `\u` escapes (Gson's `<>&='`, Python's and
 * PHP's non-ASCII), percent-hex in lower case, and RFC 3986's strict escapes of `!'()*`.
 */
function formsOf(secret: string): string[] {
  const encoded = encodeURIComponent(secret)
  const json = JSON.stringify(secret).slice(1, -1)
  const unicode = (char: string) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`
  const forms = [
    secret,
    encoded,
    encoded.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()),
    encoded.replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`),
    new URLSearchParams({ s: secret }).toString().slice(2),
    json,
    json.replaceAll('/', '\\/'),
    json.replace(/[<>&=']/g, unicode),
    // every UTF-16 unit past ASCII, as Python's json.dumps writes them, and PHP's json_encode with / escaped too
    json.replace(/[\u0080-\uffff]/g, unicode),
    json.replaceAll('/', '\\/').replace(/[\u0080-\uffff]/g, unicode),
  ]
  return [...new Set(forms)]
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}
