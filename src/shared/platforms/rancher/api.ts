import { showBody } from '../../http/answer.js'
import { type HttpClient, type HttpResponse, type Method, parseJson } from '../../http/client.js'
import { endpoint } from '../../http/endpoint.js'
import type { Credentials } from '../terms.js'
import { type CallOptions, PlatformError } from '../platform.js'
import { rancherEndpoint } from './endpoint.js'
import type { SocketConstructor } from '../web-socket.js'
import { eventTransport, ServiceEvents } from './events.js'

/** A Rancher resource: its links and the actions its state allows now (platforms.md 5.1). */
export interface Resource {
  id: string
  type?: string
  name?: string
  state?: string
  actions?: Record<string, string>
  links?: Record<string, string>
}

/** `{type: error, status, code, message, detail}` (Cattle's ErrorImpl) */
interface ErrorBody {
  type?: string
  status?: number
  code?: string
  message?: string
  detail?: string
  fieldName?: string
}

/**
 * Cattle answers 409 when the resource was busy: locked, another process running on it, its state
 * changed meanwhile (AbstractJooqResourceManager.handleException): nothing was applied. Rancher's
 * Python client sends an update or an action 3 times in all on a 409, 0.1 s apart (gdapi
 * `_put_and_retry`, `_post_and_retry`); creates and deletes it sends once.
 */
const CONFLICT_SENDS = 3

/** A `throttled` predicate for one request: its first 409s are "not done, try again", up to CONFLICT_SENDS sends. */
function conflictRetries(): (response: HttpResponse) => boolean {
  let conflicts = 0
  return (response) => response.status === 409 && ++conflicts < CONFLICT_SENDS
}

/**
 * Rancher 1.x's API v2-beta (platforms.md section 5): JSON with the API key as HTTP Basic; every
 * resource lists the actions its state allows, and an action is only called when listed.
 */
export class RancherApi {
  private readonly authorization: string
  /** the Rancher server: the API under /v2-beta, the webhook service under /v1-webhooks */
  private readonly server: URL

  constructor(
    base: URL,
    credentials: Credentials,
    private readonly http: HttpClient,
    /** the run's WebSocket, for the event stream; none: waits read */
    private readonly webSocket?: () => SocketConstructor | undefined,
  ) {
    if (credentials.accessKey === undefined || credentials.secretKey === undefined) {
      throw new PlatformError('rancher', 'sign-in', 'api key', 'no API key: give "access-key" and "secret-key"', 'auth')
    }
    const basic = Buffer.from(`${credentials.accessKey}:${credentials.secretKey}`).toString('base64')
    // the header carries the secret too, encoded: it is a secret of its own
    http.redactor.add(basic)
    this.authorization = `Basic ${basic}`
    this.server = rancherEndpoint(base).server
  }

  /** `path` after `/v2-beta`, or a whole URL the API handed out (a link or an action); an update (PUT) is sent again on a 409. */
  call<T>(method: Method, path: string, options: CallOptions, body?: unknown): Promise<T> {
    return this.request<T>(method, path, options, body, method === 'PUT')
  }

  private async request<T>(method: Method, path: string, options: CallOptions, body: unknown, retryConflicts: boolean): Promise<T> {
    const response = await this.http.send({
      method,
      url: path.startsWith('http') ? path : this.url(path),
      headers: { authorization: this.authorization, accept: 'application/json', 'content-type': 'application/json' },
      ...(body !== undefined && { json: body }),
      ...(options.idempotent !== undefined && { idempotent: options.idempotent }),
      ...(options.secretAnswer && { secretAnswer: true }),
      expectJson: true,
      about: { platform: 'rancher', operation: options.operation, target: options.target },
      ...(retryConflicts && { throttled: conflictRetries() }),
    })
    const parsed = parseJson(response.text)
    if (response.status >= 200 && response.status < 300) return (parsed ?? {}) as T
    throw this.error(response, parsed as ErrorBody | undefined, options)
  }

  /** Calls an action the resource offers now; says which it offers, and its state, when it does not. */
  async action<T>(resource: Resource, name: string, options: CallOptions, body: unknown = {}): Promise<T> {
    const url = resource.actions?.[name]
    if (url === undefined) {
      const offered =
        Object.keys(resource.actions ?? {})
          .sort()
          .join(', ') || 'none'
      throw new PlatformError(
        'rancher',
        options.operation,
        options.target,
        `"${name}" is not available while the service is "${resource.state ?? '?'}"; it offers: ${offered}`,
      )
    }
    // an action answers 202 with the resource; it is never repeated blindly, only after a 409 (not applied)
    return this.request<T>('POST', url, { ...options, idempotent: false }, body, true)
  }

  /** A webhook trigger: no credentials, as the webhook service wants (platforms.md 5.4). */
  async trigger(url: URL, options: CallOptions): Promise<void> {
    const response = await this.http.send({
      method: 'POST',
      url,
      json: {},
      idempotent: false,
      about: { platform: 'rancher', operation: options.operation, target: options.target },
    })
    if (response.status >= 200 && response.status < 300) return
    const body = parseJson(response.text) as { message?: string } | undefined
    const said = `${body?.message === undefined ? showBody(response, (text) => this.http.redact(text)) : this.http.redact(body.message)} (HTTP ${response.status})`
    const hint =
      response.status === 403
        ? ': the receiver was deleted or its key revoked; create a new receiver and use its URL'
        : response.status === 400 && /max|min/i.test(said)
          ? ": the receiver's min or max scale stops it here; change the receiver or scale by hand"
          : ''
    throw new PlatformError(
      'rancher',
      options.operation,
      options.target,
      `${said}${hint}`,
      response.status >= 500 ? 'unavailable' : 'refused',
    )
  }

  /**
   * The changes of one service, from its project's event stream (`…/projects/{id}/subscribe`, a
   * WebSocket with the same key); why not, where it cannot be opened (see eventTransport), and
   * whether a later wait may still open it (`again`: cut short by the time left, or cancelled).
   */
  async subscribe(
    projectPath: string,
    serviceId: string,
    limits: { deadline: number; signal?: AbortSignal | undefined },
  ): Promise<ServiceEvents | { unusable: string; again?: boolean }> {
    const url = this.url(`${projectPath}/subscribe`)
    const transport = eventTransport(url, process.env, this.webSocket?.())
    if ('unusable' in transport) return transport
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
    url.searchParams.set('eventNames', 'resource.change')
    const opened = await ServiceEvents.open(transport.socket, url, this.authorization, serviceId, limits)
    if (opened instanceof ServiceEvents) return opened
    if (opened === 'cut') return { unusable: 'the subscription did not open in the time left', again: true }
    if (opened === 'cancelled') return { unusable: 'the job was cancelled', again: true }
    return { unusable: 'the subscription did not open' }
  }

  /** The webhook service beside the API: `<server>/v1-webhooks/…` with the same key. */
  webhooksUrl(path: string): string {
    return endpoint(this.server, path, '/v1-webhooks').href
  }

  url(path: string): URL {
    return endpoint(this.server, path, '/v2-beta')
  }

  private error(response: HttpResponse, body: ErrorBody | undefined, options: CallOptions): PlatformError {
    const said = body?.message
      ? `${body.message} (${[body.code, `HTTP ${body.status ?? response.status}`].filter(Boolean).join(', ')})${body.fieldName ? ` in ${body.fieldName}` : ''}${body.detail ? `: ${body.detail}` : ''}`
      : `HTTP ${response.status}: ${showBody(response, (text) => this.http.redact(text))}`
    const text = this.http.redact(said)
    const fail = (kind: PlatformError['kind'], hint = '') =>
      new PlatformError('rancher', options.operation, options.target, `${text}${hint}`, kind)
    if (response.status === 401 || response.status === 403)
      return fail('auth', ': the API key was refused; give an account or environment key in "access-key" and "secret-key"')
    if (response.status === 404) return fail('not-found')
    if (response.status === 409) return fail('refused', ': Rancher was busy with another change of it, and nothing was changed; try again')
    return fail(response.status >= 500 ? 'unavailable' : 'refused')
  }
}
