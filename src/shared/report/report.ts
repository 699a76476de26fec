import type { Redactor } from '../http/redactor.js'
import type { ActionResult, Logger } from '../release/context.js'
import { errorNow, setOutputNow } from './commands.js'
import { type Timing, writeSummary } from './summary.js'

/**
 * Turns a result into the step's outputs, job summary and, on failure, its error and exit code.
 * The log's last line, after every phase's group has closed, is the result and the time it took.
 */
export async function report(result: ActionResult, timing: Timing, redactor: Redactor, log: Logger): Promise<void> {
  for (const [name, value] of Object.entries(result.outputs)) setOutputNow(name, redactor.redact(value))
  await writeSummary(result, timing, redactor).catch((error: Error) => log.warning(`could not write the job summary: ${error.message}`))
  log.info(`${result.title} (${(timing.totalMs / 1000).toFixed(1)} s)`)
  if (result.failure !== undefined) {
    // as core.setFailed does: the `::error::` annotation (in the CLI a plain `error:` line on stderr), exit code 1
    errorNow(redactor.redact(result.failure))
    process.exitCode = 1
  }
}
