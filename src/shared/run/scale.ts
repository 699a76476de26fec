import type { ScaleInputs } from '../inputs/scale.js'
import { scale } from '../release/scale.js'
import { execute } from './execute.js'

/** Everything action-scale loads after its inputs are valid, as one chunk: a single import to wait for. */
export function start(inputs: ScaleInputs): Promise<void> {
  return execute(inputs, scale)
}
