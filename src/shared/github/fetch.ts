import type { HttpClient, Method } from '../http/client.js'

/**
 * A `fetch` for Octokit on the actions' own HTTP client: the runner's proxy settings as every
 * platform call reads them, each attempt bounded by the action's deadline and cancelled with the
 * job, answers capped in size, secrets out of every message. One attempt per call: Octokit's
 * retry and throttling plugins decide what is sent again.
 *
 * No WHATWG Request, Headers or Response: the first touch of Node's global ones loads the undici
 * inside Node (about 24 ms of every run with a github-token, the runner's default). Octokit's
 * request gives the headers as a plain object and reads of the answer only what `Answer` has
 * (@octokit/request's fetch-wrapper: status, url, statusText, headers as [name, value] pairs and
 * `get`, text, arrayBuffer).
 */
export function fetchOver(http: HttpClient, repository: string): typeof fetch {
  const fetchLike = async (input: string | URL | { url: string }, init: RequestInit = {}) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url)
    const method = (init.method ?? 'GET').toUpperCase() as Method
    const answer = await http.send({
      method,
      url,
      headers: plainHeaders(init.headers),
      ...(typeof init.body === 'string' && { body: init.body }),
      about: { platform: 'GitHub', operation: `${method} ${url.pathname}`, target: repository },
    })
    const headers = Object.entries(answer.headers).filter((entry): entry is [string, string] => entry[1] !== undefined)
    return new Answer(url.href, answer.status, answer.text, headers)
  }
  // what Octokit reads of a Response, and no more (see above)
  return fetchLike as unknown as typeof fetch
}

/** The request's headers as Octokit gives them (a plain object), or as [name, value] pairs. */
function plainHeaders(headers: RequestInit['headers']): Record<string, string> {
  if (headers === undefined) return {}
  const entries: Iterable<[string, string]> = Array.isArray(headers) ? (headers as [string, string][]) : Object.entries(headers)
  return Object.fromEntries([...entries].map(([name, value]) => [name.toLowerCase(), String(value)]))
}

/** An answer as Octokit reads a Response: the text is all there is of the body (a bodyless status has none). */
class Answer {
  readonly statusText = ''
  readonly headers: AnswerHeaders

  constructor(
    readonly url: string,
    readonly status: number,
    private readonly body: string,
    headers: [string, string][],
  ) {
    this.headers = new AnswerHeaders(headers)
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300
  }

  async text(): Promise<string> {
    return this.body
  }

  async json(): Promise<unknown> {
    return JSON.parse(this.body)
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = new TextEncoder().encode(this.body)
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
  }
}

class AnswerHeaders {
  private readonly byName: Map<string, string>

  constructor(headers: [string, string][]) {
    this.byName = new Map(headers.map(([name, value]) => [name.toLowerCase(), value]))
  }

  get(name: string): string | null {
    return this.byName.get(name.toLowerCase()) ?? null
  }

  has(name: string): boolean {
    return this.byName.has(name.toLowerCase())
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.byName.entries()
  }
}
