import { type Operation, PlatformError, type ServiceRef } from '../platforms/platform.js'
import type { ReleaseContext } from './context.js'
import { type WaitResult, waitFor } from './waiter.js'

/** Starts a deploy of `image` and, when asked, waits for the platform to finish it. */
export async function rollOut(
  ctx: ReleaseContext,
  ref: ServiceRef,
  image: string,
  phase: string,
  wait: boolean,
): Promise<{ operation: Operation; result?: WaitResult }> {
  const operation = await ctx.phase(phase, () => ctx.platform.deploy(ref, { image }))
  ctx.log.info(`${ctx.platform.name}: ${phase} of "${ref.service}" to ${image} started (operation ${operation.id})`)
  if (!wait) return { operation }
  const result = await ctx.phase(`wait for ${phase}`, () => waitOn(ctx, operation))
  return { operation, result }
}

export function waitOn(ctx: ReleaseContext, operation: Operation): Promise<WaitResult> {
  return waitFor(() => ctx.platform.observe(operation), {
    deadline: ctx.deadline.epochMs,
    signal: ctx.signal,
    log: (message) => ctx.log.info(message),
  })
}

export function requireFound<T>(ctx: ReleaseContext, value: T | null, operation: string, service: string): T {
  if (value === null) throw new PlatformError(ctx.platform.name, operation, service, 'service not found', 'not-found')
  return value
}
