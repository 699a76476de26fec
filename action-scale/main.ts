import { readScaleInputs } from '../src/shared/inputs/actions.js'
import { run } from '../src/shared/report/run.js'

await run(readScaleInputs, async () => (await import('../src/shared/release/scale.js')).scale)
