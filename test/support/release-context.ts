import type { Capabilities, Platform } from '../../src/shared/platforms/platform.js'
import { Cancellation } from '../../src/shared/release/cancellation.js'
import type { ReleaseContext } from '../../src/shared/release/context.js'
import { Deadline } from '../../src/shared/release/deadline.js'

/** A weighted router's platform, as Jelastic is: what a fake platform for a flow's unit test says it can do. */
export const WEIGHTED_CAPABILITIES = {
  traffic: 'weighted',
  lifecycle: true,
  deploy: true,
  scale: true,
  remove: true,
  nativeRollback: false,
  create: false,
  autoscaling: false,
} as Capabilities

/** The inputs every flow's unit test gives for its fake Jelastic platform (as `INPUT_*` variables). */
export const JELASTIC_INPUTS = {
  INPUT_PLATFORM: 'jelastic',
  'INPUT_API-URL': 'https://app.jelastic.example.com',
  INPUT_TOKEN: 'jelastic-token-0123456789',
}

/** A flow's context around a fake platform, as execute() builds it: one minute's deadline, no log, phases run as they are. */
export function releaseContext(platform: Platform, cancellation = new Cancellation()): ReleaseContext {
  return {
    platform,
    probe: {} as ReleaseContext['probe'],
    deadline: new Deadline(60_000),
    signal: cancellation.job,
    startCleanup: () => cancellation.startCleanup(),
    saveState: () => undefined,
    log: { info: () => undefined, warning: () => undefined, debug: () => undefined },
    dryRun: false,
    phase: (_name, body) => body(),
    section: () => undefined,
  } as ReleaseContext
}
