// What the runner starts as the post step (bundled into dist/traffic-post/index.js). Tools that
// drive an action themselves, such as @github/local-action, import post.ts and call its run() instead.
import { run } from './post.js'

await run()
