// The post step the runner starts (bundled into dist/emulator-action-post/index.js).
import { run } from './post.js'

await run()
