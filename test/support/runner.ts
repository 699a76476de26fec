import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runStep, type StepRun } from '../../demo/run-step.js'
import { nodeForBundles } from './node24.js'

export { errorLines, parseOutputFile } from '../../demo/run-step.js'
export type ActionRun = StepRun

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** Runs a committed action bundle under Node 24, as the GitHub runner does. */
export function runAction(
  action: 'deploy' | 'scale' | 'traffic' | 'traffic-post' | 'rollback' | 'preview',
  inputs: Record<string, string>,
  options: Parameters<typeof runStep>[3] = {},
): Promise<ActionRun> {
  return runStep(nodeForBundles(), join(ROOT, 'dist', action, 'index.js'), inputs, options)
}
