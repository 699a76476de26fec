import { readSecret } from './credentials.js'
import { ENVIRONMENT_NAME, parseName } from './name.js'
import { readDefaulted } from './read.js'

/** The GitHub side of a deploy: its deployment and the release ledger (deploy and rollback). */
export const GITHUB_INPUT_NAMES = ['github-token', 'environment'] as const

export interface GitHubInputs {
  /** undefined: no token (or not in a workflow): deployments are skipped and the log says so */
  token?: string
  environment: string
  apiUrl: URL
  repository: string
  sha: string
  /** the run's page, for the deployment statuses' log_url */
  runUrl?: string
  serverUrl: string
}

/**
 * `github-token` (the job's token by default in action.yml) and `environment` (unless the action
 * fixes it, as action-preview does with `pr-<number>`), with the run's context from the runner.
 */
export function readGitHub(env: NodeJS.ProcessEnv, fixedEnvironment?: string): GitHubInputs {
  const token = readSecret('github-token', env)
  const environment = fixedEnvironment ?? parseName('environment', readDefaulted('environment', env), ENVIRONMENT_NAME)
  const serverUrl = env.GITHUB_SERVER_URL ?? 'https://github.com'
  const repository = env.GITHUB_REPOSITORY ?? ''
  const runUrl = env.GITHUB_RUN_ID && repository ? `${serverUrl}/${repository}/actions/runs/${env.GITHUB_RUN_ID}` : undefined
  return {
    ...(token && repository && { token }),
    environment,
    apiUrl: new URL(env.GITHUB_API_URL ?? 'https://api.github.com'),
    repository,
    sha: env.GITHUB_SHA ?? '',
    ...(runUrl && { runUrl }),
    serverUrl,
  }
}
