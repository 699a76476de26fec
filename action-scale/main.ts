import { readScaleInputs } from '../src/shared/inputs/actions.js'
import { run } from '../src/shared/report/run.js'

await run(readScaleInputs, () => import('../src/shared/entries/scale.js'))
