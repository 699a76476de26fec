import type { PreviewInputs } from '../inputs/preview.js'
import { preview } from '../release/preview.js'
import { execute } from './execute.js'

/** Everything action-preview loads after its inputs are valid, as one chunk: a single import to wait for. */
export function start(inputs: PreviewInputs): Promise<void> {
  return execute(inputs, preview)
}
