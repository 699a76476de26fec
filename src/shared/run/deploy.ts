import type { DeployInputs } from '../inputs/deploy.js'
import { deploy } from '../release/deploy.js'
import { execute } from './execute.js'

/** Everything action-deploy loads after its inputs are valid, as one chunk: a single import to wait for. */
export function start(inputs: DeployInputs): Promise<void> {
  return execute(inputs, deploy)
}
