import type { ActionResult, ReleaseContext } from './context.js'

/**
 * A dry run's plan (`dry-run: true`): the writes a real run would make, in order, decided by the
 * same code from the same reads, and what a failure would make it undo. The flows build it where
 * they would start writing, and return it instead of writing.
 */

export type PlannedAction = 'deploy' | 'scale' | 'traffic' | 'rollback' | 'preview'

export interface PlannedWrite {
  /** what the write does, as the real run names its phase: "deploy", "shift to 50%", "claim the router" */
  operation: string
  /** the service, router, environment or pull request it changes */
  target: string
  before: string
  after: string
  /** how the run goes on from it: a hold, a gate, a wait */
  detail?: string
}

export interface DryRunPlan {
  action: PlannedAction
  platform: string
  /** empty: nothing to do */
  writes: PlannedWrite[]
  /** what the run would write if it failed after its writes started: a rollback, an abort */
  onFailure: PlannedWrite[]
  /** what the reads found that the writes do not say */
  notes: string[]
}

export function newPlan(action: PlannedAction, platform: string): DryRunPlan {
  return { action, platform, writes: [], onFailure: [], notes: [] }
}

/** One write in one line: "deploy shop: shop:v1 → shop:v2 (then waits for it)". */
export function writeLine(write: PlannedWrite): string {
  return `${write.operation} ${write.target}: ${write.before || '—'} → ${write.after || '—'}${write.detail ? ` (${write.detail})` : ''}`
}

/** The plan as the log and the CLI say it: numbered writes, then what a failure would do, then the notes. */
export function planLines(plan: DryRunPlan): string[] {
  const lines =
    plan.writes.length === 0 ? ['nothing to do: no write would be made'] : plan.writes.map((write, i) => `${i + 1}. ${writeLine(write)}`)
  if (plan.onFailure.length > 0) {
    lines.push('on failure:')
    lines.push(...plan.onFailure.map((write) => `   ${writeLine(write)}`))
  }
  lines.push(...plan.notes.map((note) => `note: ${note}`))
  return lines
}

/**
 * The dry run's result: the plan said in a phase of its own (its own log group), the plan output
 * and the summary's rows; `outputs` are the action's outputs as the service is now, since nothing
 * changed it.
 */
export async function planned(
  ctx: ReleaseContext,
  plan: DryRunPlan,
  outputs: Record<string, string>,
  rows: [string, string][],
): Promise<ActionResult> {
  await ctx.phase('plan (dry run)', () => {
    for (const line of planLines(plan)) ctx.log.info(line)
    return Promise.resolve()
  })
  const count = plan.writes.length
  return {
    title: count === 0 ? `Dry run on ${plan.platform}: nothing to do` : `Dry run on ${plan.platform}: ${count} write(s) planned, none made`,
    outputs,
    rows: [...rows, ['Dry run', 'nothing was changed: the plan below is what a real run would write']],
    notes: [],
    plan,
  }
}
