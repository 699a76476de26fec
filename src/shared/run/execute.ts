import { GitHubError } from '../github/api.js'
import { Deployments } from '../github/deployments.js'
import { HttpClient } from '../http/client.js'
import { dispatcherFromEnv } from '../http/dispatcher.js'
import { NetworkError } from '../http/errors.js'
import { SecretTooShortError } from '../http/redactor.js'
import type { CommonInputs } from '../inputs/common.js'
import type { GitHubInputs } from '../inputs/github.js'
import { type Platform, PlatformError } from '../platforms/platform.js'
import { createPlatform } from '../platforms/registry.js'
import { nodeWebSocket } from '../platforms/web-socket.js'
import { Cancellation, CancelledError } from '../release/cancellation.js'
import type { ActionResult, Logger, PhaseRecord, PhaseVerdict, ReleaseContext } from '../release/context.js'
import { Deadline } from '../release/deadline.js'
import { debugNow, IN_DOUBT_STATE, logLine, saveStateNow, warningNow } from '../report/commands.js'
import { LogGroups } from '../report/log-groups.js'
import type { Flow } from './run.js'
import { secrets } from '../http/secrets.js'

/** How long past the deadline the calls that record the run's end on GitHub may take (and no other call). */
const REPORT_GRACE_MS = 15_000

/** Builds the context (secrets, HTTP, platform, deadline, cancellation), runs the flow, reports. */
export async function execute<I extends CommonInputs>(inputs: I, flow: Flow<I>): Promise<void> {
  // the summary's total: from here to the end, holds and gates included, not only the phases
  const startedAt = Date.now()
  // the inputs' secrets are in it already: they were added as they were read
  const redactor = secrets
  const groups = new LogGroups()
  const log: Logger = {
    info: (message) => {
      groups.beforeLine()
      logLine(redactor.redact(message))
    },
    warning: (message) => {
      groups.beforeLine()
      warningNow(redactor.redact(message))
    },
    debug: (message) => debugNow(redactor.redact(message)),
  }
  const cancellation = Cancellation.fromProcess()
  const signal = cancellation.job
  const deadline = new Deadline(inputs.timeoutMs)
  const phases: PhaseRecord[] = []
  let result: ActionResult
  let platform: Platform | undefined
  try {
    const transport = { redactor, signal: () => cancellation.requestSignal(), dispatcher: await dispatcherFromEnv() }
    // one hung attempt may take a quarter of the time, so that a lost answer leaves time to settle it
    const attemptMs = Math.min(30_000, Math.max(1_000, Math.round(inputs.timeoutMs / 4)))
    const http = new HttpClient({ ...transport, deadline: () => deadline.epochMs, timeoutMs: attemptMs, log: log.info })
    // health probes: one attempt each, and none past the deadline either
    const probe = new HttpClient({ ...transport, deadline: () => deadline.epochMs, backoff: { attempts: 1, baseMs: 0, capMs: 0 } })
    // one attempt per GitHub call: Octokit's retry and throttling plugins decide what is sent again
    const githubCalls = (by: () => number) => ({
      // a GitHub write is never read back: one with the last milliseconds of the grace may still be recorded
      http: new HttpClient({
        ...transport,
        deadline: by,
        timeoutMs: attemptMs,
        writeFloorMs: 0,
        backoff: { attempts: 1, baseMs: 0, capMs: 0 },
      }),
      deadline: by,
    })
    platform = await createPlatform(inputs.platform, {
      apiUrl: inputs.apiUrl,
      credentials: inputs.credentials,
      http,
      // a getter: reading Node's global WebSocket loads its own undici (about 24 ms), so only a wait that subscribes does
      webSocket: nodeWebSocket,
      log: log.info,
      warn: log.warning,
      deadline: () => deadline.epochMs,
      signal: transport.signal,
      // the post step reads it: a write a second send would do twice may be out
      inDoubt: (outstanding) => saveStateNow(IN_DOUBT_STATE, outstanding ? 'true' : ''),
    })
    const ctx: ReleaseContext = {
      platform,
      probe,
      deadline,
      signal,
      log,
      dryRun: inputs.dryRun,
      phase: (name, body, judge) => phase(groups, phases, name, body, judge, signal),
      section: (name) => groups.enterSection(name),
      startCleanup: () => cancellation.startCleanup(),
      // the state file is read back by the post step and kept with the run: no secret goes in
      saveState: (name, value) => saveStateNow(name, redactor.redact(value)),
      ...('github' in inputs && {
        deployments: new Deployments(
          inputs.github as GitHubInputs,
          {
            work: githubCalls(() => deadline.epochMs),
            // the calls that record how the run ended get a short grace past the deadline, so that a
            // step out of time still marks its deployment failed and says so on the PR
            report: githubCalls(() => deadline.epochMs + REPORT_GRACE_MS),
          },
          log,
        ),
      }),
    }
    result = await flow(ctx, inputs)
  } catch (error) {
    result = {
      title: 'The step failed',
      outputs: {},
      rows: [['Platform', inputs.platform]],
      notes: [],
      failure: describe(error, signal, log),
    }
  }
  // a socket left open would keep the step's process alive
  platform?.close?.()
  groups.close()
  // every run sets `plan`: the dry run's, or empty (a real run, or a dry run that failed before its plan)
  result = { ...result, outputs: { ...result.outputs, plan: result.plan ? JSON.stringify(result.plan) : '' } }
  // the outputs and the summary are written only once the work is done
  const { report } = await import('../report/report.js')
  await report(result, { phases, totalMs: Date.now() - startedAt }, redactor, log)
}

async function phase<T>(
  groups: LogGroups,
  phases: PhaseRecord[],
  name: string,
  body: () => Promise<T>,
  judge: ((value: T) => PhaseVerdict) | undefined,
  signal: AbortSignal,
): Promise<T> {
  const started = Date.now()
  groups.startPhase(name)
  try {
    const value = await body()
    phases.push({ name, ms: Date.now() - started, ...(judge?.(value) ?? { ok: true, outcome: 'ok' }) })
    return value
  } catch (error) {
    phases.push({ name, ms: Date.now() - started, ok: false, outcome: signal.aborted ? 'cancelled' : 'failed' })
    throw error
  } finally {
    groups.endPhase()
  }
}

/** One line for the user: the platform's own words where there are some, never a stack trace. */
function describe(error: unknown, signal: AbortSignal, log: Logger): string {
  if (error instanceof CancelledError) return `cancelled: ${error.message}`
  if (signal.aborted) return `cancelled: ${(signal.reason as Error | undefined)?.message ?? 'the job was cancelled'}`
  if (error instanceof PlatformError || error instanceof SecretTooShortError || error instanceof GitHubError) return error.message
  if (error instanceof NetworkError) return error.about ? error.message : `could not reach the platform: ${error.message}`
  log.debug(error instanceof Error ? (error.stack ?? error.message) : String(error))
  return `unexpected error: ${error instanceof Error ? error.message : String(error)}`
}
