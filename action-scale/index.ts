// What the runner starts (bundled into dist/scale/index.js). Tools that drive an action themselves,
// such as @github/local-action, import main.ts and call its run() instead.
import { run } from './main.js'

await run()
