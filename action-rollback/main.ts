import { readRollbackInputs } from '../src/shared/inputs/actions.js'
import { run } from '../src/shared/report/run.js'

await run(readRollbackInputs, async () => (await import('../src/shared/release/rollback.js')).rollback)
