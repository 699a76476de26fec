import { showBody } from '../http/answer.js'
import { type HttpClient, type Method, parseJson } from '../http/client.js'
import { endpoint } from '../http/endpoint.js'
import { NetworkError } from '../http/errors.js'
import type { GitHubInputs } from '../inputs/github.js'

export interface Deployment {
  id: number
  sha?: string
  environment?: string
  payload?: Record<string, unknown> | string
  created_at?: string
}

export interface DeploymentStatus {
  id: number
  state: string
  environment_url?: string
}

export interface IssueComment {
  id: number
  body?: string
  html_url?: string
}

/** Any GitHub call that failed: an answer that refused it, or no usable answer. Never a platform's failure. */
export class GitHubError extends Error {
  override name = 'GitHubError'
}

/**
 * The few REST endpoints the actions use (deployments and their statuses), on the same HTTP
 * client as the platforms: timeouts, retries, secrets removed. `GITHUB_API_URL` makes it work on
 * GitHub Enterprise Server.
 */
export class GitHubApi {
  constructor(
    private readonly github: GitHubInputs & { token: string },
    private readonly http: HttpClient,
  ) {
    // an error of GitHub's may echo the Authorization header
    http.redactor.add(github.token, 'input "github-token"')
  }

  createDeployment(body: Record<string, unknown>): Promise<Deployment> {
    return this.call('POST', `/repos/${this.github.repository}/deployments`, body)
  }

  createStatus(id: number, body: Record<string, unknown>): Promise<DeploymentStatus> {
    return this.call('POST', `/repos/${this.github.repository}/deployments/${id}/statuses`, body)
  }

  /** Newest first; every environment's when `environment` is undefined. */
  listDeployments(environment: string | undefined, perPage = 30): Promise<Deployment[]> {
    const filter = environment === undefined ? '' : `environment=${encodeURIComponent(environment)}&`
    return this.call('GET', `/repos/${this.github.repository}/deployments?${filter}per_page=${perPage}`)
  }

  listComments(issue: number): Promise<IssueComment[]> {
    return this.call('GET', `/repos/${this.github.repository}/issues/${issue}/comments?per_page=100`)
  }

  createComment(issue: number, body: string): Promise<IssueComment> {
    return this.call('POST', `/repos/${this.github.repository}/issues/${issue}/comments`, { body })
  }

  updateComment(id: number, body: string): Promise<IssueComment> {
    return this.call('PATCH', `/repos/${this.github.repository}/issues/comments/${id}`, { body })
  }

  getPull(number: number): Promise<{ number: number; state: string }> {
    return this.call('GET', `/repos/${this.github.repository}/pulls/${number}`)
  }

  listStatuses(id: number): Promise<DeploymentStatus[]> {
    return this.call('GET', `/repos/${this.github.repository}/deployments/${id}/statuses?per_page=10`)
  }

  private async call<T>(method: Method, path: string, body?: unknown): Promise<T> {
    const url = endpoint(this.github.apiUrl, path)
    const pathname = path.split('?')[0]
    const response = await this.http
      .send({
        method,
        url,
        headers: {
          authorization: `Bearer ${this.github.token}`,
          accept: 'application/vnd.github+json',
          'x-github-api-version': '2022-11-28',
          'user-agent': 'paas-release-actions',
        },
        ...(body !== undefined && { json: body }),
        expectJson: true,
        about: { platform: 'GitHub', operation: `${method} ${pathname}`, target: this.github.repository },
      })
      .catch((error: unknown) => {
        // no answer from GitHub is GitHub's failure, said so, never "could not reach the platform"
        throw error instanceof NetworkError ? new GitHubError(error.message) : error
      })
    const parsed = parseJson(response.text) as { message?: string } | undefined
    if (response.status >= 200 && response.status < 300) return parsed as T
    throw new GitHubError(
      `GitHub answered HTTP ${response.status} to ${method} ${pathname}: ${parsed?.message === undefined ? showBody(response, (text) => this.http.redact(text)) : this.http.redact(parsed.message)}`,
    )
  }
}
