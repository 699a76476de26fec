import type { Dispatcher } from 'undici'
import request from 'undici/lib/api/api-request.js'
import { describeAnswer } from './answer.js'
import { type BackoffPolicy, backoffDelay, DEFAULT_BACKOFF, parseRetryAfter, sleep } from './backoff.js'
import { type CallAbout, NetworkError } from './errors.js'
import type { Redactor } from './redactor.js'

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH'

export interface HttpRequest {
  method: Method
  url: string | URL
  query?: Record<string, string | number | boolean | undefined>
  headers?: Record<string, string>
  /** sent as application/x-www-form-urlencoded */
  form?: Record<string, string | number | boolean | undefined>
  json?: unknown
  /** sent as it is, the content type in `headers` (a body another client encoded) */
  body?: string
  /** may be repeated after an ambiguous failure; by default GET and DELETE (a DELETE that landed answers "gone") */
  idempotent?: boolean
  /** per attempt (never past the action's deadline); the client's default otherwise */
  timeoutMs?: number
  /** the caller's own: the attempt ends when it aborts (a long-poll no longer needed) */
  signal?: AbortSignal
  /**
   * a 2xx answer must be a JSON object or array (an empty one only to a write): one that is not is
   * "unreadable", retried where the request may be repeated, and never taken for an empty answer
   */
  expectJson?: boolean
  /**
   * a 2xx answer carries a secret the caller registers once it has it (an issued token or session,
   * a created hook's URL): one that cannot be read is described by its type and size, never its text
   */
  secretAnswer?: boolean
  /** the platform, operation and service, for messages */
  about?: CallAbout
  /** the platform's own "throttled, try later" answers (an error code in the body); retried like a 429 */
  throttled?: (response: HttpResponse) => boolean
  /** headers that sign the request as sent (the final URL, headers and body), made again for every attempt */
  sign?: (request: SignableRequest) => Record<string, string>
}

export interface SignableRequest {
  method: Method
  url: URL
  headers: Record<string, string>
  body: string | undefined
}

export interface HttpResponse {
  status: number
  headers: Record<string, string | undefined>
  text: string
  /** the body's first bytes as they came, to show a binary answer safely */
  head: Buffer
  /** the body's length in bytes */
  size: number
}

export interface HttpClientOptions {
  redactor: Redactor
  /** per attempt */
  timeoutMs?: number
  /** the largest answer read; a larger one is refused, never buffered */
  maxBodyBytes?: number
  backoff?: BackoffPolicy
  /** no retry waits past this instant (epoch ms): the action's one deadline */
  deadline?: () => number
  /**
   * a write with less of the deadline left than this is not sent (again); WRITE_FLOOR_MS, or the
   * attempt's limit when that is shorter. 0 where nothing reads a write's outcome back (GitHub's)
   */
  writeFloorMs?: number
  dispatcher: Dispatcher
  /** the signal each request listens to (the job's cancellation), asked anew for every attempt */
  signal?: () => AbortSignal | undefined
  log?: (message: string) => void
  sleep?: (ms: number) => Promise<void>
  random?: () => number
}

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED'])
// a proxy that refused the tunnel (502/503 to CONNECT) never passed the request on
export const NEVER_SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_PROXY_TUNNEL',
])
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_ABORTED', 'TimeoutError', 'ABORT_ERR'])
/** the answer came, but could not be used: cut short or not JSON (retried like a 5xx where the request may be repeated) */
const UNREADABLE_CODES = new Set(['UNREADABLE', 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH'])
/** an answer larger than this is refused unread */
const MAX_BODY_BYTES = 10 * 1024 * 1024

/**
 * A write is not sent with less of the deadline left than this: cut off before its answer, it
 * would leave the platform's state in doubt with no time to read it. Not sent, nothing is in doubt.
 */
export const WRITE_FLOOR_MS = 1_000

/** What went wrong with an answer that came; thrown inside an attempt, classified like a network error. */
class AnswerError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message)
  }
}

/**
 * The one HTTP client of every platform adapter: every attempt bounded by its own limit and by
 * what is left of the action's deadline (headers and body alike), answers capped in size, retries
 * with capped exponential backoff and jitter on 5xx, 429 (honouring Retry-After), resets and
 * unreadable answers for idempotent requests, and only on answers that say "not done" (429,
 * throttling, refused connections) for the others: a write whose answer was lost is the caller's
 * to settle by reading the platform's state. Every message it produces has the secrets removed.
 */
export class HttpClient {
  private readonly timeoutMs: number
  private readonly maxBodyBytes: number
  private readonly backoff: BackoffPolicy
  private readonly sleep: (ms: number) => Promise<void>

  constructor(private readonly options: HttpClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 30_000
    this.maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES
    this.backoff = options.backoff ?? DEFAULT_BACKOFF
    this.sleep = options.sleep ?? sleep
  }

  get redactor(): Redactor {
    return this.options.redactor
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    const url = new URL(req.url)
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value))
    }
    // a write is never sent again here after its answer was lost: the adapter settles it by the platform's state
    const idempotent = req.idempotent ?? (req.method === 'GET' || req.method === 'DELETE')
    const { body, contentType } = encodeBody(req)
    const headers = { accept: 'application/json', ...(contentType && { 'content-type': contentType }), ...req.headers }
    const label = `${req.method} ${this.redact(url.origin + url.pathname)}`
    // a write gets at least this much of the deadline, or is not sent (again): the client's own
    // attempt limit, not the request's (a synchronous call's limit is cut to the time left)
    const floor =
      idempotent || this.options.deadline === undefined ? 0 : (this.options.writeFloorMs ?? Math.min(WRITE_FLOOR_MS, this.timeoutMs))

    for (let attempt = 0; ; attempt++) {
      const last = attempt + 1 >= this.backoff.attempts
      const timeout = this.attemptTimeout(req)
      let response: HttpResponse
      try {
        if (timeout <= 0) throw new AnswerError("the action's deadline (timeout) passed before the request could be sent", 'DEADLINE')
        const left = this.options.deadline === undefined ? Infinity : this.options.deadline() - Date.now()
        if (attempt === 0 && left < floor)
          throw new AnswerError(
            `the write was not sent: ${Math.max(0, Math.round(left))} ms of the deadline were left, too little to learn whether it landed`,
            'DEADLINE',
          )
        const sent = req.sign ? { ...headers, ...req.sign({ method: req.method, url, headers, body }) } : headers
        response = await this.attempt(url, req, sent, body, timeout)
      } catch (error) {
        const code = errorCode(error)
        const retryable =
          NEVER_SENT_CODES.has(code) || (idempotent && (RESET_CODES.has(code) || TIMEOUT_CODES.has(code) || UNREADABLE_CODES.has(code)))
        const reason = TIMEOUT_CODES.has(code) ? `no answer within ${timeout} ms` : this.redact(errorMessage(error))
        if (
          this.options.signal?.()?.aborted ||
          req.signal?.aborted ||
          !retryable ||
          last ||
          !(await this.pause(attempt, undefined, label, reason, floor))
        ) {
          const tries = attempt > 0 ? `, after ${attempt + 1} attempts` : ''
          throw new NetworkError(`${label}: ${reason} (${code}${tries})`, code, req.about)
        }
        continue
      }
      const throttled = response.status === 429 || (req.throttled?.(response) ?? false)
      const retryable = throttled || (idempotent && response.status >= 500)
      if (!retryable || last) return response
      const retryAfter = parseRetryAfter(response.headers['retry-after'])
      if (!(await this.pause(attempt, retryAfter, label, `HTTP ${response.status}`, floor))) return response
    }
  }

  /** The attempt's own limit, cut to what is left of the action's deadline. */
  private attemptTimeout(req: HttpRequest): number {
    const own = req.timeoutMs ?? this.timeoutMs
    return this.options.deadline === undefined ? own : Math.min(own, this.options.deadline() - Date.now())
  }

  /** Waits before the next attempt; false when that would leave less than `floor` of the deadline (a write's). */
  private async pause(attempt: number, retryAfterMs: number | undefined, label: string, reason: string, floor: number): Promise<boolean> {
    const delay = retryAfterMs ?? backoffDelay(this.backoff, attempt, this.options.random)
    if (this.options.deadline !== undefined && Date.now() + delay + floor > this.options.deadline()) return false
    this.options.log?.(`${label}: ${reason}; retrying in ${delay} ms (attempt ${attempt + 2} of ${this.backoff.attempts})`)
    await this.sleep(delay)
    return true
  }

  private async attempt(
    url: URL,
    req: HttpRequest,
    headers: Record<string, string>,
    body: string | undefined,
    timeout: number,
  ): Promise<HttpResponse> {
    const cancel = this.options.signal?.()
    // one signal for the whole attempt: a body trickled byte by byte is cut at the limit too
    const signals = [AbortSignal.timeout(timeout), ...(cancel ? [cancel] : []), ...(req.signal ? [req.signal] : [])]
    // undici's request() with the dispatcher as `this`: the same call as dispatcher.request(), without undici's index
    const response = await request.call(this.options.dispatcher, {
      origin: url.origin,
      path: url.pathname + url.search,
      method: req.method,
      headers,
      body,
      signal: AbortSignal.any(signals),
      headersTimeout: timeout,
      bodyTimeout: timeout,
    })
    const flat: Record<string, string | undefined> = {}
    for (const [key, value] of Object.entries(response.headers)) flat[key] = Array.isArray(value) ? value.join(', ') : value
    const bytes = await this.readBody(response.body, flat['content-length'])
    const answer = {
      status: response.statusCode,
      headers: flat,
      text: bytes.toString('utf8'),
      head: Buffer.from(bytes.subarray(0, 16)),
      size: bytes.length,
    }
    if (req.expectJson && response.statusCode >= 200 && response.statusCode < 300 && !readable(answer, req.method)) {
      const whose = req.about?.platform === 'GitHub' ? "GitHub's" : "the platform's"
      const described = req.secretAnswer
        ? `${answer.size} bytes, not shown: it may hold a secret issued to this run`
        : describeAnswer(answer, (text) => this.redact(text))
      throw new AnswerError(`${whose} answer could not be read (HTTP ${response.statusCode}, ${described})`, 'UNREADABLE')
    }
    return answer
  }

  /** The answer's body, refused unread past the size cap. */
  private async readBody(stream: AsyncIterable<Buffer> & { destroy(): void }, length: string | undefined): Promise<Buffer> {
    const tooLarge = () =>
      new AnswerError(`the answer is larger than ${Math.round(this.maxBodyBytes / 1024 / 1024)} MB; it was not read`, 'BODY_TOO_LARGE')
    if (length !== undefined && Number(length) > this.maxBodyBytes) {
      stream.destroy()
      throw tooLarge()
    }
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of stream) {
      size += chunk.length
      if (size > this.maxBodyBytes) {
        stream.destroy()
        throw tooLarge()
      }
      chunks.push(chunk)
    }
    return Buffer.concat(chunks)
  }

  redact(text: string): string {
    return this.options.redactor.redact(text)
  }
}

function encodeBody(req: HttpRequest): { body?: string; contentType?: string } {
  if (req.form) {
    const form = new URLSearchParams()
    for (const [key, value] of Object.entries(req.form)) if (value !== undefined) form.set(key, String(value))
    return { body: form.toString(), contentType: 'application/x-www-form-urlencoded' }
  }
  if (req.json !== undefined) return { body: JSON.stringify(req.json), contentType: 'application/json' }
  return req.body === undefined ? {} : { body: req.body }
}

function errorCode(error: unknown): string {
  if (error && typeof error === 'object') {
    const { code, name, cause } = error as { code?: unknown; name?: unknown; cause?: unknown }
    if (typeof code === 'string') return code
    if (cause && typeof cause === 'object' && typeof (cause as { code?: unknown }).code === 'string') {
      return (cause as { code: string }).code
    }
    if (typeof name === 'string' && (name === 'TimeoutError' || name === 'AbortError')) return name === 'AbortError' ? 'ABORT_ERR' : name
  }
  return 'UNKNOWN'
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * A 2xx answer an API would send: a JSON object or array. A page, a text, compressed or binary
 * bytes, or a bare JSON number or string (a plain-text "1" parses as JSON) are not; nor is an
 * empty answer to a read, which would read as "nothing there".
 */
function readable(answer: HttpResponse, method: Method): boolean {
  if (answer.text.trim() === '') return method !== 'GET' || answer.status === 204
  const parsed = parseJson(answer.text)
  return typeof parsed === 'object' && parsed !== null
}

/** Parses a JSON body; undefined when it is not JSON (a gateway page, a malformed body). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
