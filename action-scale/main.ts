import { readScaleInputs } from '../src/shared/inputs/scale.js'
import { runAction } from '../src/shared/run/run.js'

/** action-scale: reads and checks its inputs, then loads and runs the scale. A failed run sets exit code 1. */
export function run(): Promise<void> {
  return runAction(readScaleInputs, () => import('../src/shared/run/scale.js'))
}
