import { endGroup, startGroup } from './commands.js'

/**
 * The log's `::group::` blocks. A phase is one group. The lines a flow says between phases (a
 * release holding at a step, its gate's verdict) go into the group of the current section, opened
 * at its first line and closed when a phase starts or the run ends: GitHub's groups do not nest,
 * so every line is in exactly one group, and only the run's last line (its result) is outside.
 */
export class LogGroups {
  /** phases open now: a phase run inside another stays in the outer one's group */
  private phases = 0
  private section: string | undefined
  private sectionOpen = false

  /** Call before writing a line: opens the section's group when the line would fall outside every group. */
  beforeLine(): void {
    if (this.phases > 0 || this.sectionOpen || this.section === undefined) return
    startGroup(this.section)
    this.sectionOpen = true
  }

  /** The lines said outside a phase from now on belong to `name`. */
  enterSection(name: string): void {
    if (name === this.section) return
    this.closeSection()
    this.section = name
  }

  startPhase(name: string): void {
    this.closeSection()
    if (this.phases++ === 0) startGroup(name)
  }

  endPhase(): void {
    if (--this.phases === 0) endGroup()
  }

  /** Before the run's last line: closes the section's group if it is open. */
  close(): void {
    this.closeSection()
    this.section = undefined
  }

  private closeSection(): void {
    if (!this.sectionOpen) return
    endGroup()
    this.sectionOpen = false
  }
}
