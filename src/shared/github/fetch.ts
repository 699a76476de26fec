import type { HttpClient, Method } from '../http/client.js'

/**
 * A `fetch` for Octokit on the actions' own HTTP client: the runner's proxy settings as every
 * platform call reads them, each attempt bounded by the action's deadline and cancelled with the
 * job, answers capped in size, secrets out of every message. One attempt per call: Octokit's
 * retry and throttling plugins decide what is sent again.
 */
export function fetchOver(http: HttpClient, repository: string): typeof fetch {
  return async (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input))
    const method = (init.method ?? 'GET').toUpperCase() as Method
    const answer = await http.send({
      method,
      url,
      headers: Object.fromEntries(new Headers(init.headers).entries()),
      ...(typeof init.body === 'string' && { body: init.body }),
      about: { platform: 'GitHub', operation: `${method} ${url.pathname}`, target: repository },
    })
    const headers = new Headers()
    for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined) headers.set(name, value)
    // a Response refuses a body with these statuses, even an empty one
    const bodyless = answer.status === 204 || answer.status === 205 || answer.status === 304
    return new Response(bodyless ? null : answer.text, { status: answer.status, headers })
  }
}
