import { NetworkError } from '../http/errors.js'
import { type DeploySpec, type Operation, PlatformError, type ServiceRef } from '../platforms/platform.js'
import { CancelledError } from './cancellation.js'
import type { PhaseVerdict, ReleaseContext } from './context.js'
import { isNoAnswer } from '../platforms/settle.js'
import { type WaitResult, waitForOperation } from './waiter.js'

/** Starts a deploy of `image` and, when asked, waits for the platform to finish it. */
export async function rollOut(
  ctx: ReleaseContext,
  ref: ServiceRef,
  image: string,
  phase: string,
  wait: boolean,
  spec: Omit<DeploySpec, 'image'> = {},
): Promise<{ operation: Operation; result?: WaitResult }> {
  let operation: Operation
  try {
    operation = await ctx.phase(phase, async () => {
      // not waited for, no call can follow this one: the platform refuses a deploy that needs one
      const started = await ctx.platform.deploy(ref, { ...spec, image, ...(!wait && { wait: false }) })
      ctx.log.info(`${ctx.platform.name}: ${phase} of "${ref.service}" to ${image} started (operation ${started.id})`)
      return started
    })
  } catch (error) {
    if (ctx.signal.aborted) {
      const reason = (ctx.signal.reason as Error | undefined)?.message ?? 'the job was cancelled'
      throw new CancelledError(`${reason} while waiting for the ${phase} of "${ref.service}" to answer; the platform may still finish it`)
    }
    const failed = asOperation(error, phase)
    // the platform ran the deploy and it failed, or the call got no answer and the state could not
    // say whether it landed (the adapter settles what it can): a result to roll back from
    if ((failed instanceof PlatformError && failed.kind === 'failed') || isNoAnswer(failed)) {
      const detail = failed instanceof PlatformError ? failed.platformMessage : (failed as NetworkError).detail
      const status = ctx.deadline.remainingMs() === 0 ? 'timed out' : 'failed'
      return { operation: { id: '', kind: 'deploy', ref, target: { image } }, result: { status, detail, polls: 0 } }
    }
    throw failed
  }
  if (!wait) return { operation }
  const result = await ctx.phase(`wait for ${phase}`, () => waitOn(ctx, operation), judgeWait)
  if (result.status === 'cancelled') {
    const reason = (ctx.signal.reason as Error | undefined)?.message ?? 'the job was cancelled'
    throw new CancelledError(`${reason} while waiting for operation ${operation.id}; the platform may still finish it`)
  }
  return { operation, result }
}

/** The platform's own rollback (to the version before, or to `to`), then a wait for its job. */
export async function rollBackNatively(
  ctx: ReleaseContext,
  ref: ServiceRef,
  to?: string,
): Promise<{ operation: Operation; result: WaitResult }> {
  const rollback = ctx.platform.rollback
  if (!rollback) throw new PlatformError(ctx.platform.name, 'rollback', ref.service, `${ctx.platform.name} has no rollback of its own`)
  const operation = await ctx
    .phase('rollback', async () => {
      const started = await rollback.call(ctx.platform, ref, to)
      ctx.log.info(`${ctx.platform.name}: rollback of "${ref.service}"${to ? ` to ${to}` : ''} started (operation ${started.id})`)
      return started
    })
    .catch((error: unknown) => {
      throw asOperation(error, 'rollback')
    })
  const result = await ctx.phase('wait for rollback', () => waitOn(ctx, operation), judgeWait)
  if (result.status === 'cancelled')
    throw new CancelledError(`the job was cancelled while waiting for operation ${operation.id}; the platform may still finish it`)
  return { operation, result }
}

/** A wait's verdict for the summary: it returns, but only `succeeded` is a wait that passed. */
export function judgeWait(result: WaitResult): PhaseVerdict {
  return { ok: result.status === 'succeeded', outcome: result.status === 'succeeded' ? 'ok' : result.status }
}

/**
 * Waits for an operation (and the one the platform needs to follow it). `cleanup`: after a cancel,
 * putting things right must not stop at once; `resumed`: a wait taken up again long after the
 * write (a sweep's removal whose share ran out), whose first read comes at once.
 */
export function waitOn(ctx: ReleaseContext, operation: Operation, { cleanup = false, resumed = false } = {}): Promise<WaitResult> {
  return waitForOperation(ctx.platform, operation, {
    deadline: ctx.deadline.epochMs,
    ...(!cleanup && { signal: ctx.signal }),
    ...(resumed && { resumed }),
    log: (message) => ctx.log.info(message),
  })
}

export function requireFound<T>(ctx: ReleaseContext, value: T | null, operation: string, service: string): T {
  if (value === null) throw new PlatformError(ctx.platform.name, operation, service, 'service not found', 'not-found')
  return value
}

/** The same failure, named for what the release was doing: a deploy of the previous image is a "rollback". */
export function asOperation(error: unknown, operation: string): unknown {
  if (error instanceof PlatformError && error.operation !== operation)
    return new PlatformError(error.platform, operation, error.target, error.platformMessage, error.kind)
  if (error instanceof NetworkError && error.about && error.about.operation !== operation)
    return new NetworkError(error.detail, error.code, { ...error.about, operation })
  return error
}

/** How an operation ended, for the failure message; one that never started has no id to name. */
export function describeResult(operation: Operation, result: WaitResult): string {
  return operation.id ? `operation ${operation.id} ${result.status}; last state: ${result.detail}` : `${result.status}: ${result.detail}`
}
