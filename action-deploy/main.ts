import { readDeployInputs } from '../src/shared/inputs/actions.js'
import { run } from '../src/shared/report/run.js'

await run(readDeployInputs, async () => (await import('../src/shared/release/deploy.js')).deploy)
