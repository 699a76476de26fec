import { readTrafficInputs } from '../src/shared/inputs/traffic.js'
import { IN_DOUBT_STATE, warningNow } from '../src/shared/report/commands.js'
import { runAction } from '../src/shared/run/run.js'

/**
 * The post step (post-if: always()): when the main step was killed with a release in flight (a
 * cancelled job the step could not clean up after), all traffic goes back to stable, unless the
 * router's record shows another release on it by then. Otherwise it does nothing.
 */
export async function run(): Promise<void> {
  // the main step saves the release's end; still in flight means it never got there
  if (process.env.STATE_release !== 'in-flight') return
  // killed while a write a second send would do twice was out (ServiceStage's rollback_current): none is sent again
  if (process.env[`STATE_${IN_DOUBT_STATE}`] === 'true') {
    warningNow(
      'the main step was killed while a write that must not be sent twice had no answer yet (a gray release abandoned): the post step does not send it again; look at the router, and run an abort if traffic is still split',
    )
    return
  }
  await runAction(
    () => ({
      ...readTrafficInputs(),
      command: 'abort' as const,
      abortScaleDownDelayMs: undefined,
      // the router may have been taken over since the main step was killed: only this release is undone
      abortOwnOnly: true,
      abortReason:
        'the main step was killed with the release in flight (a cancelled job, or one out of time, ended it before it put traffic back): the post step put all traffic back on stable',
    }),
    () => import('../src/shared/run/traffic.js'),
  )
}
