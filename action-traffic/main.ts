import { readTrafficInputs } from '../src/shared/inputs/traffic.js'
import { runAction } from '../src/shared/run/run.js'

/** action-traffic: reads and checks its inputs, then loads and runs the traffic change. A failed run sets exit code 1. */
export function run(): Promise<void> {
  return runAction(readTrafficInputs, () => import('../src/shared/run/traffic.js'))
}
