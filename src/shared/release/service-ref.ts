import type { ServiceInputs } from '../inputs/targets.js'
import type { ServiceRef } from '../platforms/platform.js'

export function serviceRef(inputs: ServiceInputs): ServiceRef {
  return {
    service: inputs.service,
    nodeGroup: inputs.nodeGroup,
    ...(inputs.project && { project: inputs.project }),
    ...(inputs.application && { application: inputs.application }),
  }
}
