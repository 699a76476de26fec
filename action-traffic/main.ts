import { readTrafficInputs } from '../src/shared/inputs/actions.js'
import { run } from '../src/shared/report/run.js'

await run(readTrafficInputs, async () => (await import('../src/shared/release/traffic.js')).traffic)
