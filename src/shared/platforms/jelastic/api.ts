import { describeAnswer, showBody } from '../../http/answer.js'
import { type HttpClient, type HttpResponse, parseJson } from '../../http/client.js'
import type { Credentials } from '../terms.js'
import { issuedToken } from '../../http/token-session.js'
import { PlatformError } from '../platform.js'
import { canSignIn, isSessionError } from './session.js'

export type Params = Record<string, string | number | boolean | undefined>

export interface JelasticResponse {
  result: number
  error?: string
  source?: string
  [key: string]: unknown
}

export interface CallOptions {
  /** what the user asked for, for messages: "redeploy", "read traffic" ... */
  operation: string
  /** the environment or app the call is about, for messages */
  target: string
  idempotent?: boolean
  /** synchronous calls (redeploy, topology) answer when done: they may take until the deadline */
  slow?: boolean
}

/** Result codes that mean "no such environment/app" (platforms.md 1.6). */
const NOT_FOUND_RESULTS = new Set([5, 11, 11022])
/**
 * Result codes that say the call's outcome is unknown (platforms.md 1.6): 17, "Timeout while
 * waiting for data", is the platform giving up waiting for its own back end, which may go on.
 */
const UNKNOWN_OUTCOME_RESULTS = new Set([17])
/** Result code of an unknown method (platforms.md 1.6), as a gateway's 404 is. */
export const METHOD_NOT_FOUND = 1702

/**
 * One Jelastic API method call: `{base}/1.0/{group}/{class}/rest/{method}`, form-encoded POST,
 * the `session` parameter (signed-in session or personal token), and the envelope check:
 * HTTP 200 with `result != 0`, or a non-zero nested `response.result`, is an error.
 */
export class JelasticApi {
  private session: string | undefined

  constructor(
    private readonly base: URL,
    private readonly credentials: Credentials,
    private readonly http: HttpClient,
    private readonly deadline: () => number,
  ) {
    this.session = credentials.token
  }

  /** The legacy appstore host: `app.<domain>` becomes `appstore.<domain>`; elsewhere `<base>/appstore`. */
  appstoreUrl(script: string): URL {
    const url = new URL(this.base)
    if (url.hostname.startsWith('app.')) {
      url.hostname = `appstore.${url.hostname.slice(4)}`
      url.pathname = `/${script}`
    } else {
      url.pathname = `${url.pathname.replace(/\/$/, '')}/appstore/${script}`
    }
    return url
  }

  methodUrl(path: string): URL {
    const url = new URL(this.base)
    const basePath = url.pathname.replace(/\/$/, '').replace(/\/1\.0$/, '')
    url.pathname = `${basePath}/1.0/${path}`
    return url
  }

  get password(): string | undefined {
    return this.credentials.password
  }

  async call(path: string, params: Params, options: CallOptions): Promise<JelasticResponse> {
    return this.withSession(options, (session) =>
      this.http.send({
        method: 'POST',
        url: this.methodUrl(path),
        form: { ...params, session },
        idempotent: options.idempotent ?? false,
        expectJson: true,
        about: { platform: 'jelastic', operation: options.operation, target: options.target },
        // a slow call may take until the deadline (the client never waits past it)
        ...(options.slow && { timeoutMs: slowLimit(this.deadline()) }),
      }),
    )
  }

  /** A legacy appstore script (InstallApp, ExecuteAppAction), called as the source document shows: GET with a query. */
  async callAppstore(script: string, params: Params, options: CallOptions): Promise<JelasticResponse> {
    return this.withSession(options, (session) =>
      this.http.send({
        method: 'GET',
        url: this.appstoreUrl(script),
        query: { ...params, session },
        idempotent: options.idempotent ?? false,
        expectJson: true,
        about: { platform: 'jelastic', operation: options.operation, target: options.target },
        timeoutMs: slowLimit(this.deadline()),
      }),
    )
  }

  private async withSession(options: CallOptions, send: (session: string) => Promise<HttpResponse>): Promise<JelasticResponse> {
    const session = this.session ?? (await this.signIn())
    const body = this.check(await send(session), options)
    if (body.result !== 0 && isSessionError(body.result, body.error) && canSignIn(this.credentials)) {
      // the session expired in the middle of the run: sign in again, once, and repeat the call
      this.session = undefined
      return this.check(await send(await this.signIn()), options, true)
    }
    return this.envelope(body, options)
  }

  private async signIn(): Promise<string> {
    const { username, password } = this.credentials
    if (username === undefined || password === undefined) {
      throw new PlatformError('jelastic', 'sign-in', username ?? 'token', 'no session: give "token", or "username" and "password"', 'auth')
    }
    const response = await this.http.send({
      method: 'POST',
      url: this.methodUrl('users/authentication/rest/signin'),
      form: { login: username, password },
      idempotent: true,
      expectJson: true,
      secretAnswer: true,
      about: { platform: 'jelastic', operation: 'sign-in', target: username },
    })
    // the session is a secret before the answer is judged or shown
    const session = issuedToken(response.text, 'session', this.http.redactor)
    const body = this.check(response, { operation: 'sign-in', target: username })
    if (body.result !== 0 || session === undefined) {
      throw new PlatformError('jelastic', 'sign-in', username, this.http.redact(describeError(body)), 'auth')
    }
    this.session = session
    return session
  }

  /** HTTP-level checks; the envelope itself is checked by `envelope`. */
  private check(response: HttpResponse, options: CallOptions, retried = false): JelasticResponse {
    const body = parseJson(response.text)
    if (response.status === 404) {
      return { result: METHOD_NOT_FOUND, error: `HTTP 404: no such method at this API address`, source: 'gateway' }
    }
    if (response.status !== 200 || !isEnvelope(body)) {
      const redact = (text: string) => this.http.redact(text)
      const said =
        response.status === 200
          ? `the platform's answer could not be read (HTTP 200, not a Jelastic JSON envelope, ${describeAnswer(response, redact)})`
          : `HTTP ${response.status}: ${showBody(response, redact)}`
      throw new PlatformError('jelastic', options.operation, options.target, said, 'unavailable')
    }
    if (retried && body.result !== 0 && isSessionError(body.result, body.error)) {
      throw new PlatformError('jelastic', options.operation, options.target, this.http.redact(describeError(body)), 'auth')
    }
    return body
  }

  private envelope(body: JelasticResponse, options: CallOptions): JelasticResponse {
    const nested = body.response as JelasticResponse | undefined
    const failed = body.result !== 0 ? body : isEnvelope(nested) && nested.result !== 0 ? nested : undefined
    if (!failed) return body
    const kind = kindOf(failed)
    const hint = kind === 'auth' ? ' (the session or token was refused: give a valid "token", or "username" and "password")' : ''
    throw new JelasticError(options, this.http.redact(describeError(failed)) + hint, kind, failed.result)
  }
}

function kindOf(failed: JelasticResponse): PlatformError['kind'] {
  if (isSessionError(failed.result, failed.error)) return 'auth'
  if (NOT_FOUND_RESULTS.has(failed.result)) return 'not-found'
  return UNKNOWN_OUTCOME_RESULTS.has(failed.result) ? 'unavailable' : 'refused'
}

export class JelasticError extends PlatformError {
  constructor(
    options: CallOptions,
    message: string,
    kind: PlatformError['kind'],
    readonly result: number,
  ) {
    super('jelastic', options.operation, options.target, message, kind)
  }
}

/**
 * A synchronous call answers when done, so it may take most of what is left of the deadline; a
 * fifth is kept back to read the environment when the answer never comes (the call may have landed).
 */
function slowLimit(deadline: number): number {
  return Math.round((deadline - Date.now()) * 0.8)
}

function isEnvelope(body: unknown): body is JelasticResponse {
  return typeof body === 'object' && body !== null && typeof (body as { result?: unknown }).result === 'number'
}

function describeError(body: JelasticResponse): string {
  const source = body.source ? `, source ${body.source}` : ''
  return `${body.error ?? 'no error text'} (result ${body.result}${source})`
}
