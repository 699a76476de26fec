// What the runner starts (bundled into dist/emulator-action/index.js).
import { run } from './main.js'

await run()
