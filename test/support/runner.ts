import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { runStep, type StepRun } from '../../demo/run-step.js'
import { nodeForBundles } from './node24.js'

export { errorLines, parseOutputFile } from '../../demo/run-step.js'
export type ActionRun = StepRun

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

type ActionName = 'deploy' | 'scale' | 'traffic' | 'traffic-post' | 'rollback' | 'preview'

const declared = new Map<string, Set<string>>()

/** The outputs an action's action.yml declares (the post step is action-traffic's). */
function declaredOutputs(action: ActionName): Set<string> {
  const folder = `action-${action === 'traffic-post' ? 'traffic' : action}`
  let outputs = declared.get(folder)
  if (outputs === undefined) {
    const meta = parse(readFileSync(join(ROOT, folder, 'action.yml'), 'utf8')) as { outputs?: Record<string, unknown> }
    outputs = new Set(Object.keys(meta.outputs ?? {}))
    declared.set(folder, outputs)
  }
  return outputs
}

/**
 * Runs a committed action bundle under Node 24, as the GitHub runner does. Every output the run
 * sets must be one its action.yml declares: every e2e run checks the metadata against the code.
 */
export async function runAction(
  action: ActionName,
  inputs: Record<string, string>,
  options: Parameters<typeof runStep>[3] = {},
): Promise<ActionRun> {
  const run = await runStep(nodeForBundles(), join(ROOT, 'dist', action, 'index.js'), inputs, options)
  const undeclared = Object.keys(run.outputs).filter((name) => !declaredOutputs(action).has(name))
  if (undeclared.length > 0) throw new Error(`action-${action} set outputs its action.yml does not declare: ${undeclared.join(', ')}`)
  return run
}
