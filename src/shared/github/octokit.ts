import { Octokit } from '@octokit/core'
import { paginateRest } from '@octokit/plugin-paginate-rest'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import { NEVER_SENT_CODES } from '../http/client.js'
import { NetworkError } from '../http/errors.js'
import type { Deployment, DeploymentStatus, GitHubApi, GitHubConnection, IssueComment, NewDeployment, NewStatus } from './api.js'
import { GitHubError } from './api.js'
import { fetchOver } from './fetch.js'

const API_VERSION = '2022-11-28'
/** plugin-retry's wait before retry n (from 0): (n + 1)² seconds */
const retryWaitMs = (retryCount: number) => (retryCount + 1) ** 2 * 1000

/**
 * The GitHub API through Octokit, with its pagination, retry and throttling plugins, over the
 * actions' own HTTP client (see fetch.ts). Its own chunk: loaded only in a run with a token.
 *
 * `@octokit/core` itself rather than @actions/github's getOctokit: that adds the generated methods
 * of every REST endpoint (`octokit.rest.*`, ~100 KB for the seven routes used here) and
 * @actions/http-client's proxy agent, which fetch.ts makes needless. The routes are typed the same.
 */
export class OctokitApi implements GitHubApi {
  private readonly octokit: InstanceType<typeof GitHubOctokit>
  private readonly repo: { owner: string; repo: string }

  constructor(private readonly connection: GitHubConnection) {
    const { github, http, deadline, log } = connection
    const [owner = '', repo = ''] = github.repository.split('/')
    this.repo = { owner, repo }
    const fits = (waitMs: number) => Date.now() + waitMs < deadline()
    // GitHub's rate limits: wait once for the reset when it comes before the deadline
    const onLimit = (what: string) => (retryAfter: number, options: { method: string; url: string }, _o: unknown, retryCount: number) => {
      const again = retryCount === 0 && fits(retryAfter * 1000)
      log(`GitHub: ${options.method} ${options.url} hit the ${what}; ${again ? `retrying in ${retryAfter} s` : 'not retried'}`)
      return again
    }
    this.octokit = new GitHubOctokit({
      auth: github.token,
      baseUrl: github.apiUrl.href.replace(/\/$/, ''),
      userAgent: 'paas-release-actions',
      request: { fetch: fetchOver(http, github.repository) },
      log: {
        debug: () => {},
        info: () => {},
        warn: (message: string) => log(http.redact(message)),
        error: (message: string) => log(http.redact(message)),
      },
      // 429 and rate-limit 403s are the throttling plugin's; the others are not worth another try
      retry: { doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451], retries: 2 },
      throttle: { onRateLimit: onLimit('rate limit'), onSecondaryRateLimit: onLimit('secondary rate limit') },
      settle: { fits, redact: (text: string) => http.redact(text) },
    })
    this.octokit.hook.before('request', (options) => {
      options.headers['x-github-api-version'] = API_VERSION
    })
  }

  createDeployment(deployment: NewDeployment): Promise<Deployment> {
    return this.call(async () => {
      const { data, status } = await this.octokit.request('POST /repos/{owner}/{repo}/deployments', { ...this.repo, ...deployment })
      // 202: GitHub merged the default branch in first (auto_merge), which is never asked for
      if (!('id' in data))
        throw new GitHubError(
          `GitHub answered HTTP ${status} to POST /repos/${this.connection.github.repository}/deployments: ${data.message ?? 'no deployment'}`,
        )
      return numbered(data)
    })
  }

  createStatus(id: number, status: NewStatus): Promise<DeploymentStatus> {
    return this.call(async () => {
      const route = 'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses'
      return numbered((await this.octokit.request(route, { ...this.repo, deployment_id: id, ...status })).data)
    })
  }

  async *deployments(environment: string | undefined): AsyncIterable<Deployment> {
    const pages = this.octokit.paginate.iterator('GET /repos/{owner}/{repo}/deployments', {
      ...this.repo,
      ...(environment !== undefined && { environment }),
      per_page: 100,
    })
    const iterator = pages[Symbol.asyncIterator]()
    for (;;) {
      const page = await this.call(() => iterator.next())
      if (page.done) return
      yield* page.value.data.map(numbered)
    }
  }

  latestStatus(id: number): Promise<DeploymentStatus | undefined> {
    return this.call(async () => {
      const { data } = await this.octokit.request('GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
        ...this.repo,
        deployment_id: id,
        per_page: 1,
      })
      return data[0] && numbered(data[0])
    })
  }

  findComment(issue: number, wanted: (comment: IssueComment) => boolean): Promise<IssueComment | undefined> {
    return this.call(async () => {
      const pages = this.octokit.paginate.iterator('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        ...this.repo,
        issue_number: issue,
        per_page: 100,
      })
      for await (const page of pages) {
        const found = page.data.map(numbered).find(wanted)
        if (found) return found
      }
      return undefined
    })
  }

  createComment(issue: number, body: string): Promise<IssueComment> {
    return this.call(async () => {
      const route = 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments'
      return numbered((await this.octokit.request(route, { ...this.repo, issue_number: issue, body })).data)
    })
  }

  updateComment(id: number, body: string): Promise<IssueComment> {
    return this.call(async () => {
      const route = 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}'
      return numbered((await this.octokit.request(route, { ...this.repo, comment_id: id, body })).data)
    })
  }

  getPull(number: number): Promise<{ number: number; state: string }> {
    return this.call(
      async () => (await this.octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', { ...this.repo, pull_number: number })).data,
    )
  }

  /** Every failure comes out as a GitHubError whose message names GitHub and holds no secret. */
  private async call<T>(body: () => Promise<T>): Promise<T> {
    try {
      return await body()
    } catch (error) {
      throw toGitHubError(error, (text) => this.connection.http.redact(text))
    }
  }
}

interface OctokitFailure {
  status?: number
  message: string
  cause?: unknown
  request?: { method: string; url: string; request?: { retryCount?: number } }
  response?: { data?: unknown }
}

/**
 * A plugin that ends the failures no retry may follow, before plugin-retry sees them: a write whose
 * answer was lost or was a 5xx (it may have landed; sent again, it would make a second deployment
 * or comment), and any retry whose wait would pass the action's deadline.
 */
function settle(
  octokit: Octokit,
  options: { settle?: { fits: (waitMs: number) => boolean; redact: (text: string) => string }; [option: string]: unknown },
): void {
  const fits = options.settle?.fits ?? (() => true)
  const redact = options.settle?.redact ?? ((text: string) => text)
  octokit.hook.error('request', (error, options) => {
    const failure = error as OctokitFailure
    const status = failure.status ?? 0
    const cause = failure.cause instanceof NetworkError ? failure.cause : undefined
    const write = options.method !== 'GET'
    const mayHaveLanded = write && (cause ? !NEVER_SENT_CODES.has(cause.code) : status >= 500)
    const retryCount = (options.request as { retryCount?: number } | undefined)?.retryCount ?? 0
    // a GitHubError has no `request`: plugin-retry passes it on untouched
    if (mayHaveLanded || (status >= 500 && !fits(retryWaitMs(retryCount)))) throw toGitHubError(error, redact)
    throw error
  })
}

function toGitHubError(error: unknown, redact: (text: string) => string): Error {
  if (error instanceof GitHubError) return new GitHubError(redact(error.message))
  const failure = error as OctokitFailure
  // no answer: the HTTP client's message already names GitHub, the call and the reason
  if (failure.cause instanceof NetworkError) return new GitHubError(redact(failure.cause.message))
  if (failure.request && failure.status !== undefined) {
    const { pathname } = new URL(failure.request.url)
    const data = failure.response?.data as { message?: unknown } | string | undefined
    const said =
      typeof data === 'object' && typeof data.message === 'string'
        ? data.message
        : typeof data === 'string' && data !== ''
          ? redact(data).slice(0, 200)
          : 'no message'
    return new GitHubError(redact(`GitHub answered HTTP ${failure.status} to ${failure.request.method} ${pathname}: ${said}`))
  }
  return new GitHubError(redact(`GitHub: ${failure.message}`))
}

/**
 * openapi-types types GitHub's int64 ids as `number | bigint`; JSON.parse gives numbers, and
 * GitHub's ids are far below 2^53: the interfaces of api.ts keep `number`.
 */
function numbered<T extends { id: number | bigint }>(value: T): Omit<T, 'id'> & { id: number } {
  return { ...value, id: Number(value.id) }
}

// settle first: its error hook sees a failure before plugin-retry does
const GitHubOctokit = Octokit.plugin(paginateRest, settle, retry, throttling)
