/**
 * The job's cancellation: the runner sends SIGINT, then SIGTERM, then kills the step. Waits and
 * requests stop at once when it fires, except during cleanup: putting traffic back on stable
 * after a cancel must still be able to talk to the platform.
 */
export class Cancellation {
  private readonly controller = new AbortController()
  private cleaning = false

  /** fires when the job is cancelled */
  get job(): AbortSignal {
    return this.controller.signal
  }

  /** what requests listen to: the job's signal, until cleanup starts */
  requestSignal(): AbortSignal | undefined {
    return this.cleaning ? undefined : this.controller.signal
  }

  startCleanup(): void {
    this.cleaning = true
  }

  cancel(reason: string): void {
    this.controller.abort(new CancelledError(reason))
  }

  /** Listens for the runner's signals. */
  static fromProcess(): Cancellation {
    const cancellation = new Cancellation()
    const cancel = (signal: NodeJS.Signals) => cancellation.cancel(`the job was cancelled (${signal})`)
    process.once('SIGINT', cancel)
    process.once('SIGTERM', cancel)
    return cancellation
  }
}

export class CancelledError extends Error {
  override name = 'CancelledError'
}
