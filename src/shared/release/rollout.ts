import { type DeploySpec, type Operation, PlatformError, type ServiceRef } from '../platforms/platform.js'
import { CancelledError } from './cancellation.js'
import type { ReleaseContext } from './context.js'
import { isNoAnswer } from '../platforms/settle.js'
import { type WaitResult, waitFor } from './waiter.js'

/** Starts a deploy of `image` and, when asked, waits for the platform to finish it. */
export async function rollOut(
  ctx: ReleaseContext,
  ref: ServiceRef,
  image: string,
  phase: string,
  wait: boolean,
  spec: Omit<DeploySpec, 'image'> = {},
): Promise<{ operation: Operation; result?: WaitResult }> {
  const unknown: Operation = { id: 'unknown', kind: 'deploy', ref, target: { image } }
  let operation: Operation
  try {
    operation = await ctx.phase(phase, () => ctx.platform.deploy(ref, { ...spec, image }))
  } catch (error) {
    // the platform ran the deploy and it failed: a result like any other, to roll back from
    if (error instanceof PlatformError && error.kind === 'failed') {
      return { operation: unknown, result: { status: 'failed', detail: error.platformMessage, polls: 0 } }
    }
    // the call may have reached the platform before it failed: never repeat it blindly, observe instead
    if (!isNoAnswer(error)) throw error
    ctx.log.warning(`${ctx.platform.name}: the ${phase} call ended without an answer (${(error as Error).message}); reading the state`)
    operation = unknown
  }
  ctx.log.info(`${ctx.platform.name}: ${phase} of "${ref.service}" to ${image} started (operation ${operation.id})`)
  if (!wait) return { operation }
  const result = await ctx.phase(`wait for ${phase}`, () => waitOn(ctx, operation))
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
  const operation = await ctx.phase('rollback', () => rollback.call(ctx.platform, ref, to))
  ctx.log.info(`${ctx.platform.name}: rollback of "${ref.service}"${to ? ` to ${to}` : ''} started (operation ${operation.id})`)
  const result = await ctx.phase('wait for rollback', () => waitOn(ctx, operation))
  if (result.status === 'cancelled')
    throw new CancelledError(`the job was cancelled while waiting for operation ${operation.id}; the platform may still finish it`)
  return { operation, result }
}

/** Waits for an operation; `cleanup`: after a cancel, putting things right must not stop at once. */
export function waitOn(ctx: ReleaseContext, operation: Operation, cleanup = false): Promise<WaitResult> {
  return waitFor(() => ctx.platform.observe(operation), {
    deadline: ctx.deadline.epochMs,
    ...(!cleanup && { signal: ctx.signal }),
    log: (message) => ctx.log.info(message),
  })
}

export function requireFound<T>(ctx: ReleaseContext, value: T | null, operation: string, service: string): T {
  if (value === null) throw new PlatformError(ctx.platform.name, operation, service, 'service not found', 'not-found')
  return value
}
