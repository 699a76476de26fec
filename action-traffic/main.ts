import { readTrafficInputs } from '../src/shared/inputs/actions.js'
import { run } from '../src/shared/report/run.js'

await run(readTrafficInputs, () => import('../src/shared/entries/traffic.js'))
