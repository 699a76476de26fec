import { showBody } from '../../http/answer.js'
import { type HttpClient, type HttpResponse, type Method, parseJson, type SignableRequest } from '../../http/client.js'
import { endpoint } from '../../http/endpoint.js'
import { type CallOptions as PlatformCallOptions, PlatformError, ThrottledError } from '../platform.js'
import { type AccessKey, signRequest } from './signer.js'

export interface CallOptions extends PlatformCallOptions {
  /** ends the request once its answer is no longer needed (a list page after the match) */
  signal?: AbortSignal
}

/** `{error_code, error_msg}` (platforms.md 2.1) */
interface ErrorBody {
  error_code?: string
  error_msg?: string
}

const THROTTLED = 'APIG.0308'
const BAD_TOKEN = 'APIG.0301'
const NOT_FOUND_CODES = new Set([
  'SVCSTG.00100403',
  'SVCSTG.00100404',
  'SVCSTG.00100411',
  'SVCSTG.00100412',
  'SVCSTG.00100429',
  'SVCSTG.00100436',
  'SVCSTG.00100401',
])

/** The throttling answer is retried with backoff like a 429, whatever its HTTP status. */
function throttled(response: HttpResponse): boolean {
  return response.text.includes(THROTTLED)
}

/**
 * ServiceStage's REST API (platforms.md section 2): JSON over HTTPS with the IAM token in
 * `X-Auth-Token`; errors are `{error_code, error_msg}` with a 4xx/5xx status.
 */
export class ServiceStageApi {
  constructor(
    private readonly base: URL,
    private readonly auth: { token: string } | AccessKey,
    private readonly http: HttpClient,
  ) {}

  async call<T>(method: Method, path: string, options: CallOptions, body?: unknown): Promise<T> {
    const url = endpoint(this.base, path)
    const auth = this.auth
    const response = await this.http.send({
      method,
      url,
      headers: { ...('token' in auth && { 'x-auth-token': auth.token }), 'content-type': 'application/json;charset=utf8' },
      // AK/SK: every attempt is signed as sent (a fresh X-Sdk-Date each time)
      ...('secretKey' in auth && { sign: (request: SignableRequest) => signRequest(auth, request) }),
      ...(body !== undefined && { json: body }),
      ...(options.idempotent !== undefined && { idempotent: options.idempotent }),
      ...(options.signal && { signal: options.signal }),
      throttled,
      expectJson: true,
      about: { platform: 'servicestage', operation: options.operation, target: options.target },
    })
    const parsed = parseJson(response.text)
    if (response.status >= 200 && response.status < 300) return (parsed ?? {}) as T
    throw this.error(response, parsed as ErrorBody | undefined, options)
  }

  private error(response: HttpResponse, body: ErrorBody | undefined, options: CallOptions): PlatformError {
    const code = body?.error_code
    const text = body?.error_msg
      ? `${this.http.redact(body.error_msg)} (${code ?? `HTTP ${response.status}`})`
      : `HTTP ${response.status}: ${showBody(response, (text) => this.http.redact(text))}`
    if (code === BAD_TOKEN || response.status === 401) {
      return new PlatformError(
        'servicestage',
        options.operation,
        options.target,
        'token' in this.auth
          ? `${text}: the IAM token was refused; IAM tokens live 24 hours, so get a fresh one (POST /v3/auth/tokens, header X-Subject-Token) and pass it in "token", or sign with "access-key" and "secret-key"`
          : `${text}: the access key's signature was refused; check "access-key" and "secret-key" (a key pair of this account, not expired) and the runner's clock (X-Sdk-Date must be within 15 minutes)`,
        'auth',
      )
    }
    if (code === THROTTLED)
      return new ThrottledError('servicestage', options.operation, options.target, `${text}: still throttled after every retry`)
    if ((code && NOT_FOUND_CODES.has(code)) || response.status === 404)
      return new PlatformError('servicestage', options.operation, options.target, text, 'not-found')
    return new PlatformError('servicestage', options.operation, options.target, text, response.status >= 500 ? 'unavailable' : 'refused')
  }
}
