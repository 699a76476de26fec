import type { CommonInputs } from '../inputs/common.js'
import { InputError } from '../inputs/input-error.js'
import type { ActionResult, ReleaseContext } from '../release/context.js'
import { secrets } from '../http/secrets.js'
import { errorNow } from '../report/commands.js'

export type Flow<I> = (ctx: ReleaseContext, inputs: I) => Promise<ActionResult>

/**
 * An action's whole run. Inputs are read and validated first, with nothing loaded but this
 * module: a bad input fails at once, before the network stack is loaded or any call is made.
 * Only then is the rest of the action (`load`: HTTP, platform, release logic) loaded: the
 * action's own file beside this one (run/deploy.ts, …), which binds its flow to execute.ts. This
 * is the only module of run/ in the entry chunk; the others are behind that dynamic import.
 *
 * A bad input is reported as core.setFailed would report it (the `::error::` annotation, exit
 * code 1).
 */
export async function runAction<I extends CommonInputs>(
  read: () => I,
  load: () => Promise<{ start: (inputs: I) => Promise<void> }>,
): Promise<void> {
  let inputs: I
  try {
    inputs = read()
  } catch (error) {
    if (!(error instanceof InputError)) throw error
    // a secret read before the bad input (a credential) is out of the message, as from every other one
    errorNow(secrets.redact(error.message))
    process.exitCode = 1
    return
  }
  await (await load()).start(inputs)
}
