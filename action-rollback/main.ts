import { readRollbackInputs } from '../src/shared/inputs/actions.js'
import { run } from '../src/shared/report/run.js'

await run(readRollbackInputs, () => import('../src/shared/entries/rollback.js'))
