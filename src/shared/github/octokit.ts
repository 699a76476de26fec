import { getOctokit } from '@actions/github'
import type { Octokit } from '@octokit/core'
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
 * The GitHub API through Octokit (`@actions/github`), with its retry and throttling plugins, over
 * the actions' own HTTP client (see fetch.ts). Its own chunk: loaded only in a run with a token.
 */
export class OctokitApi implements GitHubApi {
  private readonly octokit: ReturnType<typeof getOctokit>
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
    this.octokit = getOctokit(
      github.token,
      {
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
      },
      // first: its error hook sees a failure before plugin-retry does
      settle(fits),
      retry,
      throttling,
    )
    this.octokit.hook.before('request', (options) => {
      options.headers['x-github-api-version'] = API_VERSION
    })
  }

  createDeployment(deployment: NewDeployment): Promise<Deployment> {
    return this.call(async () => {
      const { data, status } = await this.octokit.rest.repos.createDeployment({ ...this.repo, ...deployment })
      // 202: GitHub merged the default branch in first (auto_merge), which is never asked for
      if (!('id' in data))
        throw new GitHubError(
          `GitHub answered HTTP ${status} to POST /repos/${this.connection.github.repository}/deployments: ${data.message ?? 'no deployment'}`,
        )
      return data
    })
  }

  createStatus(id: number, status: NewStatus): Promise<DeploymentStatus> {
    return this.call(
      async () => (await this.octokit.rest.repos.createDeploymentStatus({ ...this.repo, deployment_id: id, ...status })).data,
    )
  }

  async *deployments(environment: string | undefined): AsyncIterable<Deployment> {
    const pages = this.octokit.paginate.iterator(this.octokit.rest.repos.listDeployments, {
      ...this.repo,
      ...(environment !== undefined && { environment }),
      per_page: 100,
    })
    const iterator = pages[Symbol.asyncIterator]()
    for (;;) {
      const page = await this.call(() => iterator.next())
      if (page.done) return
      yield* page.value.data
    }
  }

  latestStatus(id: number): Promise<DeploymentStatus | undefined> {
    return this.call(async () => {
      const { data } = await this.octokit.rest.repos.listDeploymentStatuses({ ...this.repo, deployment_id: id, per_page: 1 })
      return data[0]
    })
  }

  findComment(issue: number, wanted: (comment: IssueComment) => boolean): Promise<IssueComment | undefined> {
    return this.call(async () => {
      const pages = this.octokit.paginate.iterator(this.octokit.rest.issues.listComments, {
        ...this.repo,
        issue_number: issue,
        per_page: 100,
      })
      for await (const page of pages) {
        const found = page.data.find(wanted)
        if (found) return found
      }
      return undefined
    })
  }

  createComment(issue: number, body: string): Promise<IssueComment> {
    return this.call(async () => (await this.octokit.rest.issues.createComment({ ...this.repo, issue_number: issue, body })).data)
  }

  updateComment(id: number, body: string): Promise<IssueComment> {
    return this.call(async () => (await this.octokit.rest.issues.updateComment({ ...this.repo, comment_id: id, body })).data)
  }

  getPull(number: number): Promise<{ number: number; state: string }> {
    return this.call(async () => (await this.octokit.rest.pulls.get({ ...this.repo, pull_number: number })).data)
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
function settle(fits: (waitMs: number) => boolean) {
  return (octokit: Octokit): void => {
    octokit.hook.error('request', (error, options) => {
      const failure = error as OctokitFailure
      const status = failure.status ?? 0
      const cause = failure.cause instanceof NetworkError ? failure.cause : undefined
      const write = options.method !== 'GET'
      const mayHaveLanded = write && (cause ? !NEVER_SENT_CODES.has(cause.code) : status >= 500)
      const retryCount = (options.request as { retryCount?: number } | undefined)?.retryCount ?? 0
      // a GitHubError has no `request`: plugin-retry passes it on untouched
      if (mayHaveLanded || (status >= 500 && !fits(retryWaitMs(retryCount)))) throw toGitHubError(error, (text) => text)
      throw error
    })
  }
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
          ? data.slice(0, 200)
          : 'no message'
    return new GitHubError(redact(`GitHub answered HTTP ${failure.status} to ${failure.request.method} ${pathname}: ${said}`))
  }
  return new GitHubError(redact(`GitHub: ${failure.message}`))
}
