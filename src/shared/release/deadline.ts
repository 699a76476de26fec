/** The action's one deadline, from the `timeout` input. A rollback after a failure gets a fresh one. */
export class Deadline {
  private at: number

  constructor(
    private readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.at = now() + timeoutMs
  }

  get epochMs(): number {
    return this.at
  }

  remainingMs(): number {
    return Math.max(0, this.at - this.now())
  }

  restart(): void {
    this.at = this.now() + this.timeoutMs
  }

  /**
   * A deadline for one of `parts` pieces of work still to do, one after another: an even share of
   * the time left, so that one that never ends leaves time for the rest (what one does not use
   * passes to the next share). Never more time than this deadline has left.
   */
  share(parts: number): Deadline {
    return new Deadline(Math.floor(this.remainingMs() / Math.max(1, parts)), this.now)
  }
}
