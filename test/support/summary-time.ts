import type { ActionRun } from './runner.js'

/**
 * How long the action ran, by its own clock (the summary's total, to 0.1 s): the clock its
 * deadline runs on, from its start to its report; a loaded machine's start-up before it is the
 * runner's, not the action's.
 */
export function actionMs(run: ActionRun): number {
  return phaseMs(run.summary, 'total')
}

/** How long a phase took, from the job summary's phase table (its duration, to 0.1 s). */
export function phaseMs(summary: string, phase: string): number {
  const row = summary.match(new RegExp(`<tr><td>${phase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}</td><td>([0-9.]+) s</td>`))
  if (!row) throw new Error(`no phase "${phase}" in the summary:\n${summary}`)
  return Number(row[1]) * 1000
}
