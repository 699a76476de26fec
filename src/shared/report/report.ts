import * as core from '@actions/core'
import type { Redactor } from '../http/redactor.js'
import type { ActionResult, Logger, PhaseRecord } from '../release/context.js'
import { writeSummary } from './summary.js'

/** Turns a result into the step's outputs, job summary and, on failure, its error and exit code. */
export async function report(result: ActionResult, phases: PhaseRecord[], redactor: Redactor, log: Logger): Promise<void> {
  for (const [name, value] of Object.entries(result.outputs)) core.setOutput(name, redactor.redact(value))
  await writeSummary(result, phases, redactor).catch((error: Error) => log.warning(`could not write the job summary: ${error.message}`))
  if (result.failure !== undefined) core.setFailed(redactor.redact(result.failure))
}
