import { readDeployInputs } from '../src/shared/inputs/actions.js'
import { run } from '../src/shared/report/run.js'

await run(readDeployInputs, () => import('../src/shared/entries/deploy.js'))
