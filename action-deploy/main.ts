import { readDeployInputs } from '../src/shared/inputs/deploy.js'
import { runAction } from '../src/shared/run/run.js'

/** action-deploy: reads and checks its inputs, then loads and runs the deploy. A failed run sets exit code 1. */
export function run(): Promise<void> {
  return runAction(readDeployInputs, () => import('../src/shared/run/deploy.js'))
}
