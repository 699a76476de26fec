import type { TrafficInputs } from '../inputs/traffic.js'
import { traffic } from '../release/traffic.js'
import { execute } from './execute.js'

/** Everything action-traffic loads after its inputs are valid, as one chunk: a single import to wait for. */
export function start(inputs: TrafficInputs): Promise<void> {
  return execute(inputs, traffic)
}
