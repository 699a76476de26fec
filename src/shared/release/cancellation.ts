/**
 * An AbortSignal that fires when the runner cancels the job: it sends SIGINT, then SIGTERM.
 * Every wait and request listens to it, so a cancelled run stops at once instead of hanging.
 */
export function cancellationSignal(): AbortSignal {
  const controller = new AbortController()
  const cancel = (signal: NodeJS.Signals) => controller.abort(new CancelledError(`the job was cancelled (${signal})`))
  process.once('SIGINT', cancel)
  process.once('SIGTERM', cancel)
  return controller.signal
}

export class CancelledError extends Error {
  override name = 'CancelledError'
}
