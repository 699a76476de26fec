import { readRollbackInputs } from '../src/shared/inputs/rollback.js'
import { runAction } from '../src/shared/run/run.js'

/** action-rollback: reads and checks its inputs, then loads and runs the rollback. A failed run sets exit code 1. */
export function run(): Promise<void> {
  return runAction(readRollbackInputs, () => import('../src/shared/run/rollback.js'))
}
