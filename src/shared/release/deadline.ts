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
}
