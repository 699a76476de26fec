import type { Deployments } from '../github/deployments.js'
import type { HttpClient } from '../http/client.js'
import type { Platform } from '../platforms/platform.js'
import type { Deadline } from './deadline.js'

export interface Logger {
  info(message: string): void
  warning(message: string): void
  debug(message: string): void
}

/** What a release flow needs from the outside; the flows decide, the context carries out. */
export interface ReleaseContext {
  platform: Platform
  /** for health probes: no retries, so a failing app is seen as failing */
  probe: HttpClient
  deadline: Deadline
  /** fires when the job is cancelled */
  signal: AbortSignal
  /** from now on requests ignore the cancellation: cleanup after a cancel must still reach the platform */
  startCleanup(): void
  /** remembers a value for the action's post step (GITHUB_STATE) */
  saveState(name: string, value: string): void
  log: Logger
  /** GitHub deployments and the release ledger (deploy and rollback) */
  deployments?: Deployments
  /** runs one phase of the action in its own log group and records how long it took */
  phase<T>(name: string, run: () => Promise<T>): Promise<T>
}

export interface PhaseRecord {
  name: string
  ms: number
  ok: boolean
}

/** What an action hands to the report: outputs, the summary's rows, and the failure if any. */
export interface ActionResult {
  title: string
  outputs: Record<string, string>
  rows: [string, string][]
  notes: string[]
  failure?: string
  /** log lines of the service to show with the failure */
  log?: string[]
}
