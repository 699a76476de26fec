import * as core from '@actions/core'
import type { Redactor } from '../http/redactor.js'
import type { ActionResult, Logger } from '../release/context.js'
import { errorNow, workflowCommandsOn } from './commands.js'
import { type Timing, writeSummary } from './summary.js'

/**
 * Turns a result into the step's outputs, job summary and, on failure, its error and exit code.
 * The log's last line, after every phase's group has closed, is the result and the time it took.
 */
export async function report(result: ActionResult, timing: Timing, redactor: Redactor, log: Logger): Promise<void> {
  for (const [name, value] of Object.entries(result.outputs)) core.setOutput(name, redactor.redact(value))
  await writeSummary(result, timing, redactor).catch((error: Error) => log.warning(`could not write the job summary: ${error.message}`))
  log.info(`${result.title} (${(timing.totalMs / 1000).toFixed(1)} s)`)
  if (result.failure !== undefined) {
    // the CLI (no workflow commands) says it as a plain `error:` line on stderr
    if (workflowCommandsOn()) core.setFailed(redactor.redact(result.failure))
    else errorNow(redactor.redact(result.failure))
    // core.setFailed sets it too, but a stand-in for @actions/core (@github/local-action's) only
    // records the failure: the exit code is what the tools that run the action judge it by
    process.exitCode = 1
  }
}
