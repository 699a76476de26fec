import { showBody } from '../../http/answer.js'
import { type HttpClient, type HttpResponse, type Method, parseJson } from '../../http/client.js'
import { endpoint } from '../../http/endpoint.js'
import type { Credentials } from '../terms.js'
import { fieldNames, issuedToken, TokenSession } from '../../http/token-session.js'
import { type CallOptions as PlatformCallOptions, PlatformError } from '../platform.js'

export interface CallOptions extends PlatformCallOptions {
  /** per attempt, for the watch long-poll */
  timeoutMs?: number
  /** ends the watch long-poll once it is no longer needed */
  signal?: AbortSignal
  /**
   * A page of the apps list: the secrets of its apps are hidden only for the app the caller keeps
   * (`keep`). Hiding every app's hook on every page was three masks per app: at 10,000 apps, 30,000
   * `add-mask` lines (2.7 MB of the runner's log, and masks the runner applies to every later
   * step) and a redactor that took over a second per lookup. The other apps are dropped unread.
   */
  page?: boolean
}

/** A list's page: `limit` is 1–30 for apps (the source document), and taken the same for microservices. */
export const LIST_PAGE = 30
/**
 * List pages read at once after the first (which gives the total): at 10,000 services, 334 pages
 * are 1 + ⌈333 / 16⌉ = 22 round trips; 8 at a time would be 43. The platform's rate limit
 * (4030001) is retried with backoff.
 */
export const LIST_CONCURRENCY = 16

/** `{code, message}`: the 7-digit code is the HTTP status, a service code and a detail (platforms.md 4.1). */
interface ErrorBody {
  code?: number | string
  message?: string
}

const RATE_LIMITED = '4030001'
/** 4030002-4030008 and 4030013: a quota of the account; 4030009-4030012: a user, container, app or image status abnormal (platforms.md 4.1) */
const QUOTA = /^40300(0[2-8]|13)$/
const ABNORMAL = /^40300(09|1[0-2])$/
/** 4090001, 4090003-4090005: a duplicate container, app, secret key or repository name (platforms.md 4.1) */
const DUPLICATE_NAME = /^40900(0[1345])$/
/** 4090002 "Duplicate replication size": a resize to the size the app has */
export const SAME_SIZE = '4090002'

/** The rate limit answers 403 with 4030001: retried with backoff like a 429. */
function throttled(response: HttpResponse): boolean {
  return response.status === 403 && response.text.includes(RATE_LIMITED)
}

/**
 * NetEase Cloud's OpenAPI (platforms.md section 4): JSON under `/api/v1/` with
 * `Authorization: Token …`. An access key and secret are exchanged at `POST /api/v1/token` for a
 * 24-hour token, masked the moment it arrives and renewed once on a 401.
 */
export class NeteaseApi {
  private readonly session: TokenSession

  constructor(
    private readonly base: URL,
    private readonly credentials: Credentials,
    readonly http: HttpClient,
  ) {
    // tokens live 24 hours: one may end in the middle of a run
    this.session = new TokenSession(credentials.token, this.canSignIn() ? () => this.signIn() : undefined, http.redactor)
  }

  async call<T>(method: Method, path: string, options: CallOptions, body?: unknown): Promise<T> {
    const response = await this.session.send(
      (token) => this.send(method, path, token, options, body),
      (answer) => answer.status === 401,
    )
    const parsed = parseJson(response.text)
    const ok = response.status >= 200 && response.status < 300
    if (!(ok && options.page)) this.hideSecrets(parsed, createsApp(method, path))
    if (ok) return (parsed ?? {}) as T
    throw this.error(response, parsed as ErrorBody | undefined, options)
  }

  /** The app a page of the list was read for: its secrets hidden, as any other answer's are. */
  keep<T>(item: T): T {
    this.hideSecrets(item, false)
    return item
  }

  /**
   * Secrets an answer hands out: an app's deploy hook starts a build with no credentials (its key
   * is its last path segment), and its `version_control` holds the repository's password. Each is
   * a secret from the first answer that carries it: an app, the app found on a page of the list, a
   * created app's `url`.
   */
  private hideSecrets(value: unknown, created: boolean): void {
    const redactor = this.http.redactor
    const hook = (url: unknown) => {
      if (typeof url === 'string' && url !== '') redactor.addUrl(url, "an app's deploy hook", true)
    }
    const walk = (node: unknown, depth: number): void => {
      if (typeof node !== 'object' || node === null || depth > 3) return
      if (Array.isArray(node)) return node.forEach((item) => walk(item, depth + 1))
      const fields = node as Record<string, unknown>
      hook(fields.web_hook_url)
      const password = (fields.version_control as { password?: unknown } | undefined)?.password
      if (typeof password === 'string' && password !== '') redactor.add(password, "an app's repository password")
      for (const child of Object.values(fields)) walk(child, depth + 1)
    }
    walk(value, 0)
    if (created) hook((value as { url?: unknown } | undefined)?.url)
  }

  /**
   * A call to a URL the platform handed out (an app's deploy hook): no token, as webhooks take none.
   * Never repeated by the client (each call starts a build) but on the rate limit, which did nothing;
   * its answer's body is not documented, so any 2xx is the platform taking the call.
   */
  async hook(url: string, options: CallOptions): Promise<void> {
    const response = await this.http.send({
      method: 'POST',
      url,
      json: {},
      idempotent: false,
      throttled,
      about: { platform: 'netease', operation: options.operation, target: options.target },
    })
    if (response.status < 200 || response.status >= 300)
      throw this.error(response, parseJson(response.text) as ErrorBody | undefined, options)
  }

  url(path: string): URL {
    return endpoint(this.base, path, '/api/v1')
  }

  private send(method: Method, path: string, token: string, options: CallOptions, body: unknown): Promise<HttpResponse> {
    return this.http.send({
      method,
      url: this.url(path),
      headers: { authorization: `Token ${token}`, 'content-type': 'application/json' },
      ...(body !== undefined && { json: body }),
      ...(options.idempotent !== undefined && { idempotent: options.idempotent }),
      ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
      ...(options.signal && { signal: options.signal }),
      // a created app's answer holds its deploy hook's URL, a secret
      ...(createsApp(method, path) && { secretAnswer: true }),
      throttled,
      expectJson: true,
      about: { platform: 'netease', operation: options.operation, target: options.target },
    })
  }

  private canSignIn(): boolean {
    return this.credentials.accessKey !== undefined && this.credentials.secretKey !== undefined
  }

  private async signIn(): Promise<string> {
    const { accessKey, secretKey } = this.credentials
    if (accessKey === undefined || secretKey === undefined) {
      throw new PlatformError('netease', 'sign-in', 'token', 'no credentials: give "token", or "access-key" and "secret-key"', 'auth')
    }
    const response = await this.http.send({
      method: 'POST',
      url: this.url('/token'),
      json: { app_key: accessKey, app_secret: secretKey },
      // a second token for the same key changes nothing
      idempotent: true,
      throttled,
      expectJson: true,
      secretAnswer: true,
      about: { platform: 'netease', operation: 'sign-in', target: accessKey },
    })
    // the vendor answers 201 Created; the token is a secret before the answer is judged or shown
    const token = issuedToken(response.text, 'token', this.http.redactor)
    // a 2xx of another shape may hold the token where it is not looked for: its fields' names only
    if (response.status >= 200 && response.status < 300 && token === undefined) {
      throw new PlatformError('netease', 'sign-in', accessKey, `the answer has no "token" (fields: ${fieldNames(response.text)})`, 'auth')
    }
    if (response.status < 200 || response.status >= 300 || token === undefined) {
      const error = this.error(response, parseJson(response.text) as ErrorBody | undefined, { operation: 'sign-in', target: accessKey })
      throw new PlatformError('netease', 'sign-in', accessKey, error.platformMessage, response.status >= 500 ? 'unavailable' : 'auth')
    }
    return token
  }

  private error(response: HttpResponse, body: ErrorBody | undefined, options: CallOptions): PlatformError {
    const code = body?.code === undefined ? undefined : String(body.code)
    // the documented messages end in a full stop ("Unauthorized user."): the code follows them
    const said = body?.message
      ? `${body.message.replace(/\.$/, '')} (${code ?? `HTTP ${response.status}`})`
      : `HTTP ${response.status}: ${showBody(response, (text) => this.http.redact(text))}`
    const text = this.http.redact(said)
    const fail = (hint: string, kind: PlatformError['kind']) =>
      new PlatformError('netease', options.operation, options.target, `${text}${hint}`, kind)
    if (response.status === 401 || code === '4010001') {
      const how = this.canSignIn()
        ? 'the access key and secret were refused'
        : 'the token was refused (tokens live 24 hours): give a fresh "token", or "access-key" and "secret-key"'
      return fail(`: ${how}`, 'auth')
    }
    if (code === RATE_LIMITED) return fail(': still rate limited after every retry', 'unavailable')
    if (code !== undefined && QUOTA.test(code))
      return fail(': a quota of the account is used up; free some or raise it, retrying will not help', 'refused')
    if (code !== undefined && ABNORMAL.test(code)) return fail(': it is not in a state to take this now (busy or stopped)', 'refused')
    if (code !== undefined && DUPLICATE_NAME.test(code)) return fail(': the name is taken; pick another or use the existing one', 'refused')
    if (code === SAME_SIZE) return fail(': the app already has that many replicas', 'refused')
    if (response.status === 404) return fail('', 'not-found')
    return fail('', response.status >= 500 ? 'unavailable' : 'refused')
  }
}

/** The app create: its answer holds the new app's deploy hook URL, a secret. */
function createsApp(method: Method, path: string): boolean {
  return method === 'POST' && path === '/apps'
}
