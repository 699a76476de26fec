import type { Deployments } from '../github/deployments.js'
import type { HttpClient } from '../http/client.js'
import type { Platform } from '../platforms/platform.js'
import type { Deadline } from './deadline.js'
import type { DryRunPlan } from './plan.js'

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
  /** `dry-run: true`: the flows read and decide, then return their plan instead of writing */
  dryRun: boolean
  /** GitHub deployments and the release ledger (deploy and rollback) */
  deployments?: Deployments
  /**
   * Runs one phase of the action in its own log group and records how long it took and how it
   * ended: `judge` gives the verdict of a phase whose value says it failed without throwing (a
   * health check, a wait that timed out); without it, a phase that returns passed.
   */
  phase<T>(name: string, run: () => Promise<T>, judge?: (value: T) => PhaseVerdict): Promise<T>
  /** the lines said outside a phase from now on go into a log group of this name (a hold, a wait) */
  section(name: string): void
}

/** How a phase ended, for the summary: ok or not, and in a few words why. */
export interface PhaseVerdict {
  ok: boolean
  outcome: string
}

export interface PhaseRecord extends PhaseVerdict {
  name: string
  ms: number
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
  /** a dry run's plan: the `plan` output and its table in the summary */
  plan?: DryRunPlan
}
