import { type HttpResponse, parseJson } from './client.js'
import type { Redactor } from './redactor.js'

/**
 * A token for a platform's calls: the one given, or one the platform hands out for other
 * credentials (a user's password, an access key). A token handed out is masked the moment it
 * arrives, and asked for once more when a call is refused with it (its lifetime may end mid-run).
 */
export class TokenSession {
  private token: string | undefined
  /** the exchange under way: calls that need a token meanwhile wait for it, and ask for none of their own */
  private renewing: Promise<string> | undefined

  constructor(
    given: string | undefined,
    /** asks the platform for a token; undefined when only a given token can be used */
    private readonly exchange: (() => Promise<string>) | undefined,
    private readonly redactor: Redactor,
  ) {
    this.token = given
  }

  /** Sends with the token; a refused answer is sent once more with a fresh token, where one can be had. */
  async send(send: (token: string) => Promise<HttpResponse>, refused: (response: HttpResponse) => boolean): Promise<HttpResponse> {
    const used = this.token ?? (await this.renew(undefined))
    const response = await send(used)
    return refused(response) && this.exchange ? send(await this.renew(used)) : response
  }

  /**
   * A token for a call that has none, or whose token was refused: one exchange at a time (the
   * first calls of a run start side by side), and none when another call already replaced the
   * refused token.
   */
  private async renew(refused: string | undefined): Promise<string> {
    const exchange = this.exchange
    if (!exchange) throw new Error('no token, and no credentials to ask for one')
    if (this.token !== undefined && this.token !== refused) return this.token
    this.renewing ??= exchange()
      .then((token) => {
        this.redactor.add(token, 'the token the platform issued')
        this.token = token
        return token
      })
      .finally(() => {
        this.renewing = undefined
      })
    return this.renewing
  }
}

/**
 * The names of an answer's top-level fields, for a message about an answer that may hold a secret
 * where it was not looked for (never their values); at most 10, each cut short.
 */
export function fieldNames(text: string): string {
  const body = parseJson(text)
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'not a JSON object'
  const names = Object.keys(body).map((name) => JSON.stringify(name.slice(0, 40)))
  return names.length === 0 ? 'none' : `${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}`
}

/**
 * The token (or session id) an exchange's answer carries in `field`, made a secret before anything
 * else looks at the answer: an error about the answer may then show its body, never the token.
 */
export function issuedToken(text: string, field: string, redactor: Redactor): string | undefined {
  const body = parseJson(text)
  const token = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[field] : undefined
  if (typeof token !== 'string' || token === '') return undefined
  redactor.add(token, `the ${field} the platform issued`)
  return token
}
