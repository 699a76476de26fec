import type { HttpClient } from '../http/client.js'
import type { GitHubInputs } from '../inputs/github.js'
import { type Deployment, LazyGitHubApi, type NewStatus } from './api.js'

/** What a deployment's payload records: the release ledger. */
export interface LedgerEntry extends Record<string, unknown> {
  platform: string
  service: string
  image: string
  previous_image?: string
  rollback?: boolean
}

/** An HTTP client for GitHub and the instant (epoch ms) no call or retry of it may pass. */
export interface GitHubCalls {
  http: HttpClient
  deadline: () => number
}

/** Where the deployments' lines go: the run's log (release/context.ts's Logger fits it; github/ does not import release/). */
export interface DeploymentsLog {
  info(message: string): void
  warning(message: string): void
}

/**
 * GitHub deployments for a deploy or a rollback, and the ledger they make: each deployment's
 * payload names the platform, the service and the image, so a rollback finds the image before
 * even where the platform keeps no history. Without a token nothing is sent and the log says so;
 * a GitHub call that fails is a warning, never the release's failure.
 */
export class Deployments {
  /** the calls of the work itself: bounded by the action's deadline */
  readonly api: LazyGitHubApi | undefined
  /** the same API for the calls that record how the step ended (the last status, the PR comment): they may take a grace past it */
  readonly reportApi: LazyGitHubApi | undefined
  /** why the last deployment was not recorded, when GitHub failed it */
  private failed: string | undefined

  constructor(
    readonly github: GitHubInputs,
    /** GitHub's own clients (one attempt per call, Octokit's plugins retry), each with the deadline its calls keep to */
    calls: { work: GitHubCalls; report: GitHubCalls },
    private readonly log: DeploymentsLog,
  ) {
    const api = (over: GitHubCalls) =>
      github.token === undefined ? undefined : new LazyGitHubApi({ github: { ...github, token: github.token }, ...over, log: log.info })
    this.api = api(calls.work)
    this.reportApi = api(calls.report)
  }

  /**
   * A deployment of the commit to the environment, `in_progress`, made as the work goes on (within
   * the deadline); null when skipped. One whose `in_progress` failed is still returned: finish()
   * gives it its last status.
   */
  async start(entry: LedgerEntry, description: string): Promise<Deployment | null> {
    // without a token, finish() says so, inside its phase's group
    if (!this.api) return null
    const deployment = await this.create(this.api, entry, description)
    if (!deployment) return null
    try {
      await this.status(this.api, deployment, 'in_progress', description)
    } catch (error) {
      this.log.warning(`GitHub deployment ${deployment.id} not marked in progress: ${(error as Error).message}`)
    }
    return deployment
  }

  /**
   * A deployment made once the work is done (a rollback's), with its last status at once: it
   * records how the step ended, so both calls take the report's grace past the deadline. Says
   * what became of it, as finish() does.
   */
  async record(
    entry: LedgerEntry,
    description: string,
    ended: { ok: boolean; description: string },
  ): Promise<{ deployment: Deployment | null; outcome: string }> {
    const deployment = (this.reportApi && (await this.create(this.reportApi, entry, description))) ?? null
    return { deployment, outcome: await this.finish(deployment, ended.ok, ended.description) }
  }

  private async create(api: LazyGitHubApi, entry: LedgerEntry, description: string): Promise<Deployment | null> {
    try {
      return await api.createDeployment({
        ref: this.github.sha,
        environment: this.github.environment,
        description,
        payload: entry,
        auto_merge: false,
        required_contexts: [],
        production_environment: this.github.environment === 'production',
        transient_environment: /^pr-\d+$/.test(this.github.environment),
      })
    } catch (error) {
      this.failed = (error as Error).message
      this.log.warning(`GitHub deployment not recorded: ${this.failed}`)
      return null
    }
  }

  /** `success` (older deployments of the environment become inactive) or `failure`. */
  /** Sets the deployment's final status; says what became of it, for the phase's outcome (a GitHub failure never fails the step). */
  async finish(deployment: Deployment | null, ok: boolean, description: string, environmentUrl?: string): Promise<string> {
    if (!this.api) {
      this.log.info('GitHub deployment skipped: no "github-token" (or not in a workflow run)')
      return 'skipped: no github-token'
    }
    if (!deployment) return 'skipped: no deployment was recorded'
    try {
      await this.status(this.reportApi, deployment, ok ? 'success' : 'failure', description, environmentUrl)
      return ok ? 'success' : 'failure'
    } catch (error) {
      this.log.warning(`GitHub deployment ${deployment.id} not updated: ${(error as Error).message}`)
      return 'not updated'
    }
  }

  /** Why no deployment was recorded, for the summary: no token, or GitHub's failure. */
  notRecorded(): string {
    if (!this.api) return 'no github-token'
    return this.failed === undefined ? 'nothing to record' : `GitHub failed: ${this.failed}`
  }

  /** Where the environment's deployments are shown. */
  link(): string {
    return `${this.github.serverUrl}/${this.github.repository}/deployments/${encodeURIComponent(this.github.environment)}`
  }

  /**
   * The image the service ran before `current`: the newest deployment of this service in the
   * environment that succeeded (or has since become inactive) with another image. undefined when
   * the ledger has none; a GitHubError when it cannot be read.
   */
  async previousImage(platform: string, service: string, current: string): Promise<string | undefined> {
    if (!this.api) return undefined
    for await (const deployment of this.api.deployments(this.github.environment)) {
      const entry = payloadOf(deployment)
      if (entry?.platform !== platform || entry.service !== service || entry.image === current) continue
      const latest = await this.api.latestStatus(deployment.id)
      if (latest && (latest.state === 'success' || latest.state === 'inactive')) return entry.image
    }
    return undefined
  }

  /**
   * Every deployment of the environment not yet inactive becomes inactive: its service is gone. A
   * failed or unfinished one too: a failed preview may have left its service, and it is gone now.
   */
  async deactivate(environment: string, description: string): Promise<void> {
    // it records that the service is gone, once it is: a report
    const api = this.reportApi
    if (!api) return
    try {
      for await (const deployment of api.deployments(environment)) {
        const latest = await api.latestStatus(deployment.id)
        if (latest?.state !== 'inactive') await api.createStatus(deployment.id, { state: 'inactive', description })
      }
    } catch (error) {
      this.log.warning(`GitHub deployments of ${environment} not marked inactive: ${(error as Error).message}`)
    }
  }

  /**
   * The previews the ledger knows: per `pr-<n>` environment, its newest deployment unless it was
   * made inactive (its service removed), with the service and platform its payload names. A
   * failed, rolled back or unfinished `up` counts: its service may be there (a create is not rolled
   * back, a failed update runs the image before), and only a removal marks it inactive.
   */
  async activePreviews(): Promise<{ pr: number; service: string; platform: string; createdAt: number }[]> {
    if (!this.api) return []
    const seen = new Set<string>()
    const previews: { pr: number; service: string; platform: string; createdAt: number }[] = []
    for await (const deployment of this.api.deployments(undefined)) {
      const environment = deployment.environment ?? ''
      const pr = environment.match(/^pr-(\d+)$/)?.[1]
      if (pr === undefined || seen.has(environment)) continue
      seen.add(environment)
      const entry = payloadOf(deployment)
      const latest = await this.api.latestStatus(deployment.id)
      if (latest?.state === 'inactive' || !entry?.service || !entry.platform) continue
      previews.push({
        pr: Number(pr),
        service: entry.service,
        platform: entry.platform,
        createdAt: Date.parse(deployment.created_at ?? '') || 0,
      })
    }
    return previews
  }

  private async status(
    api: LazyGitHubApi | undefined,
    deployment: Deployment,
    state: NewStatus['state'],
    description: string,
    environmentUrl?: string,
  ): Promise<void> {
    await api?.createStatus(deployment.id, {
      state,
      description,
      ...(environmentUrl && { environment_url: environmentUrl }),
      ...(this.github.runUrl && { log_url: this.github.runUrl }),
      auto_inactive: true,
    })
  }
}

function payloadOf(deployment: Deployment): Partial<LedgerEntry> | undefined {
  const payload = deployment.payload
  if (typeof payload === 'string') {
    try {
      return JSON.parse(payload) as Partial<LedgerEntry>
    } catch {
      return undefined
    }
  }
  return payload as Partial<LedgerEntry> | undefined
}
