import type { CommonInputs } from '../inputs/common.js'
import { InputError } from '../inputs/input-error.js'
import type { ActionResult, ReleaseContext } from '../release/context.js'
import { errorNow } from './commands.js'

export type Flow<I> = (ctx: ReleaseContext, inputs: I) => Promise<ActionResult>

/**
 * An action's whole run. Inputs are read and validated first, with nothing loaded but this
 * module: a bad input fails at once, before the network stack is loaded or any call is made.
 */
export async function run<I extends CommonInputs>(read: () => I, loadFlow: () => Promise<Flow<I>>): Promise<void> {
  let inputs: I
  try {
    inputs = read()
  } catch (error) {
    if (!(error instanceof InputError)) throw error
    errorNow(error.message)
    process.exitCode = 1
    return
  }
  const [{ execute }, flow] = await Promise.all([import('./execute.js'), loadFlow()])
  await execute(inputs, flow)
}
