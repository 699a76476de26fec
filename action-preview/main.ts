import { readPreviewInputs } from '../src/shared/inputs/preview.js'
import { run } from '../src/shared/report/run.js'

await run(readPreviewInputs, () => import('../src/shared/entries/preview.js'))
