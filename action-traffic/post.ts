import { readTrafficInputs } from '../src/shared/inputs/actions.js'
import { run } from '../src/shared/report/run.js'

/**
 * The post step (post-if: always()): when the main step was killed with a release in flight (a
 * cancelled job the step could not clean up after), all traffic goes back to stable. Otherwise it
 * does nothing.
 */
if (process.env.STATE_release === 'in-flight') {
  await run(
    () => ({ ...readTrafficInputs(), command: 'abort' as const, abortScaleDownDelayMs: undefined }),
    () => import('../src/shared/entries/traffic.js'),
  )
}
