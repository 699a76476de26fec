import { readPreviewInputs } from '../src/shared/inputs/preview.js'
import { runAction } from '../src/shared/run/run.js'

/** action-preview: reads and checks its inputs, then loads and runs the preview command. A failed run sets exit code 1. */
export function run(): Promise<void> {
  return runAction(readPreviewInputs, () => import('../src/shared/run/preview.js'))
}
