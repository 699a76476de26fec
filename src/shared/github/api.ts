import type { HttpClient } from '../http/client.js'
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

export interface NewDeployment {
  ref: string
  environment: string
  description: string
  payload: Record<string, unknown>
  auto_merge: boolean
  required_contexts: string[]
  production_environment: boolean
  transient_environment: boolean
}

export interface NewStatus {
  state: 'in_progress' | 'success' | 'failure' | 'inactive'
  description: string
  environment_url?: string
  log_url?: string
  auto_inactive?: boolean
}

/** Any GitHub call that failed: an answer that refused it, or no usable answer. Never a platform's failure. */
export class GitHubError extends Error {
  override name = 'GitHubError'
}

/** The few REST calls the actions make, on the repository of the run. Lists are paged through as they are read. */
export interface GitHubApi {
  createDeployment(deployment: NewDeployment): Promise<Deployment>
  createStatus(id: number, status: NewStatus): Promise<DeploymentStatus>
  /** Newest first; every environment's when `environment` is undefined. Stop reading to stop paging. */
  deployments(environment: string | undefined): AsyncIterable<Deployment>
  latestStatus(id: number): Promise<DeploymentStatus | undefined>
  /** The issue's (or PR's) first comment that `wanted` accepts. */
  findComment(issue: number, wanted: (comment: IssueComment) => boolean): Promise<IssueComment | undefined>
  createComment(issue: number, body: string): Promise<IssueComment>
  updateComment(id: number, body: string): Promise<IssueComment>
  getPull(number: number): Promise<{ number: number; state: string }>
}

export interface GitHubConnection {
  github: GitHubInputs & { token: string }
  http: HttpClient
  /** the action's one deadline (epoch ms): no retry waits past it */
  deadline: () => number
  log: (message: string) => void
}

/** GitHub's limit on a deployment status's description */
const STATUS_CHARS = 140

/**
 * The GitHub API on Octokit, which is in a chunk of its own: loaded only when there is a token, and
 * only when `preload` or the first call asks for it, so that a run starts its platform work first.
 */
export class LazyGitHubApi implements GitHubApi {
  private loading: Promise<GitHubApi> | undefined

  constructor(private readonly connection: GitHubConnection) {
    // an error of GitHub's may echo the Authorization header
    connection.http.redactor.add(connection.github.token, 'input "github-token"')
  }

  /** Starts loading Octokit, without waiting for it. */
  preload(): void {
    void this.load().catch(() => {
      // the first call says why
    })
  }

  // What goes to GitHub leaves the runner's masking behind (a PR comment is read by more people
  // than the run's log): the texts are redacted here, whole, and only then cut to GitHub's limits.

  createDeployment(deployment: NewDeployment): Promise<Deployment> {
    const description = this.redact(deployment.description)
    return this.load().then((api) => api.createDeployment({ ...deployment, description }))
  }

  createStatus(id: number, status: NewStatus): Promise<DeploymentStatus> {
    const description = this.redact(status.description).slice(0, STATUS_CHARS)
    return this.load().then((api) => api.createStatus(id, { ...status, description }))
  }

  async *deployments(environment: string | undefined): AsyncIterable<Deployment> {
    yield* (await this.load()).deployments(environment)
  }

  latestStatus(id: number): Promise<DeploymentStatus | undefined> {
    return this.load().then((api) => api.latestStatus(id))
  }

  findComment(issue: number, wanted: (comment: IssueComment) => boolean): Promise<IssueComment | undefined> {
    return this.load().then((api) => api.findComment(issue, wanted))
  }

  createComment(issue: number, body: string): Promise<IssueComment> {
    return this.load().then((api) => api.createComment(issue, this.redact(body)))
  }

  updateComment(id: number, body: string): Promise<IssueComment> {
    return this.load().then((api) => api.updateComment(id, this.redact(body)))
  }

  /** The run's secrets out of a text, as the run knows them now. */
  redact(text: string): string {
    return this.connection.http.redact(text)
  }

  getPull(number: number): Promise<{ number: number; state: string }> {
    return this.load().then((api) => api.getPull(number))
  }

  private load(): Promise<GitHubApi> {
    this.loading ??= import('./octokit.js').then(
      ({ OctokitApi }) => new OctokitApi(this.connection),
      (error: unknown) => {
        throw new GitHubError(`the GitHub client could not be loaded: ${(error as Error).message}`)
      },
    )
    return this.loading
  }
}
