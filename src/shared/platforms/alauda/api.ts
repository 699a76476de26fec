import { showBody } from '../../http/answer.js'
import { type HttpClient, type HttpResponse, type Method, parseJson } from '../../http/client.js'
import { endpoint } from '../../http/endpoint.js'
import type { Credentials } from '../terms.js'
import { fieldNames, issuedToken, TokenSession } from '../../http/token-session.js'
import { type CallOptions, PlatformError } from '../platform.js'

/**
 * Alauda's v1 REST API (platforms.md section 3): JSON under `<api-url>/v1/` with
 * `Authorization: Token …`. A user name and password are exchanged for a token at
 * `POST /v1/generate-api-token/`; the token is masked the moment it arrives. Errors are a 4xx/5xx
 * status with a body the platform does not document: shown as it comes, secrets removed.
 */
export class AlaudaApi {
  private readonly session: TokenSession

  constructor(
    private readonly base: URL,
    private readonly credentials: Credentials,
    private readonly http: HttpClient,
  ) {
    // a token from the password may expire in the middle of a run: its lifetime is not documented
    this.session = new TokenSession(credentials.token, this.canSignIn() ? () => this.signIn() : undefined, http.redactor)
  }

  /** `path` starts after `/v1`, with its query if any. */
  async call<T>(method: Method, path: string, options: CallOptions, body?: unknown): Promise<T> {
    const response = await this.session.send(
      (token) => this.send(method, path, token, options, body),
      (answer) => answer.status === 401 || answer.status === 403,
    )
    const parsed = parseJson(response.text)
    if (response.status >= 200 && response.status < 300) return (parsed ?? {}) as T
    throw this.error(response, parsed, options)
  }

  private send(method: Method, path: string, token: string, options: CallOptions, body: unknown): Promise<HttpResponse> {
    return this.http.send({
      method,
      url: this.url(path),
      headers: { authorization: `Token ${token}`, 'content-type': 'application/json' },
      ...(body !== undefined && { json: body }),
      ...(options.idempotent !== undefined && { idempotent: options.idempotent }),
      expectJson: true,
      about: { platform: 'alauda', operation: options.operation, target: options.target },
    })
  }

  private canSignIn(): boolean {
    return this.credentials.username !== undefined && this.credentials.password !== undefined
  }

  private async signIn(): Promise<string> {
    const { username, password } = this.credentials
    if (username === undefined || password === undefined) {
      throw new PlatformError('alauda', 'sign-in', 'token', 'no credentials: give "token", or "username" and "password"', 'auth')
    }
    const response = await this.http.send({
      method: 'POST',
      url: this.url('/generate-api-token/'),
      form: { username, password },
      // asking for a token twice changes nothing
      idempotent: true,
      expectJson: true,
      secretAnswer: true,
      about: { platform: 'alauda', operation: 'sign-in', target: username },
    })
    // the token is a secret before the answer is judged or shown
    const token = issuedToken(response.text, 'token', this.http.redactor)
    // a 2xx of another shape may hold the token where it is not looked for: its fields' names only
    if (response.status >= 200 && response.status < 300 && token === undefined) {
      throw new PlatformError('alauda', 'sign-in', username, `the answer has no "token" (fields: ${fieldNames(response.text)})`, 'auth')
    }
    if (response.status < 200 || response.status >= 300 || token === undefined) {
      const error = this.error(response, parseJson(response.text), { operation: 'sign-in', target: username })
      throw new PlatformError('alauda', 'sign-in', username, error.platformMessage, response.status >= 500 ? 'unavailable' : 'auth')
    }
    return token
  }

  /** the api-url may be given with or without its /v1 */
  private url(path: string): URL {
    return endpoint(this.base, path, '/v1')
  }

  private error(response: HttpResponse, body: unknown, options: CallOptions): PlatformError {
    const text = `${describeBody(body) ?? showBody(response, (said) => this.http.redact(said), 300)} (HTTP ${response.status})`
    const message = this.http.redact(text)
    if (response.status === 401 || response.status === 403) {
      const hint = this.canSignIn()
        ? 'the user name and password were refused'
        : 'the token was refused: give a valid "token", or "username" and "password"'
      return new PlatformError('alauda', options.operation, options.target, `${message}: ${hint}`, 'auth')
    }
    if (response.status === 404) return new PlatformError('alauda', options.operation, options.target, message, 'not-found')
    return new PlatformError('alauda', options.operation, options.target, message, response.status >= 500 ? 'unavailable' : 'refused')
  }
}

/**
 * The error body in words. Its shape is not documented (platforms.md gap 6); Django REST answers
 * are `{detail}` or one list of messages per field, and `{message}`/`{errors: [...]}` are accepted too.
 */
function describeBody(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined
  const fields = body as Record<string, unknown>
  for (const key of ['detail', 'message', 'error']) if (typeof fields[key] === 'string') return fields[key] as string
  if (Array.isArray(fields.errors)) {
    return fields.errors
      .map((e) => (typeof e === 'object' && e !== null ? String((e as { message?: unknown }).message ?? JSON.stringify(e)) : String(e)))
      .join('; ')
  }
  const perField = Object.entries(fields).map(([key, value]) => `${key}: ${Array.isArray(value) ? value.join(' ') : String(value)}`)
  return perField.length > 0 ? perField.join('; ') : undefined
}
