import type { RollbackInputs } from '../inputs/rollback.js'
import { rollback } from '../release/rollback.js'
import { execute } from './execute.js'

/** Everything action-rollback loads after its inputs are valid, as one chunk: a single import to wait for. */
export function start(inputs: RollbackInputs): Promise<void> {
  return execute(inputs, rollback)
}
