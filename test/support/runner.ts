import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { runStep, type StepRun } from '../../demo/run-step.js'
import { nodeForBundles } from './node24.js'

export { errorLines, parseOutputFile } from '../../demo/run-step.js'
export type ActionRun = StepRun

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

type ActionName = 'deploy' | 'scale' | 'traffic' | 'traffic-post' | 'rollback' | 'preview' | 'emulator-action' | 'emulator-action-post'

interface Declared {
  outputs: Set<string>
  /** what the runner passes for an input left out; expressions such as ${{ github.token }} are the runner's to evaluate, so tests give their own */
  defaults: Record<string, string>
}

const declared = new Map<string, Declared>()

/** The outputs and input defaults an action's action.yml declares (a post step's are its action's). */
function declaredBy(action: ActionName): Declared {
  const folder = `action-${action.replace(/-post$/, '').replace(/^emulator-action$/, 'emulator')}`
  let meta = declared.get(folder)
  if (meta === undefined) {
    const yml = parse(readFileSync(join(ROOT, folder, 'action.yml'), 'utf8')) as {
      inputs?: Record<string, { default?: string }>
      outputs?: Record<string, unknown>
    }
    const defaults = Object.entries(yml.inputs ?? {}).filter(([, input]) => !String(input.default ?? '').includes('${{'))
    meta = {
      outputs: new Set(Object.keys(yml.outputs ?? {})),
      defaults: Object.fromEntries(defaults.map(([name, input]) => [name, String(input.default ?? '')])),
    }
    declared.set(folder, meta)
  }
  return meta
}

/**
 * Runs a committed action bundle under Node 24, as the GitHub runner does: every input its
 * action.yml declares is passed, the default where the test leaves it out. Every output the run
 * sets must be one its action.yml declares: every e2e run checks the metadata against the code.
 */
export async function runAction(
  action: ActionName,
  inputs: Record<string, string>,
  options: Parameters<typeof runStep>[3] = {},
): Promise<ActionRun> {
  const meta = declaredBy(action)
  const run = await runStep(nodeForBundles(), join(ROOT, 'dist', action, 'index.js'), { ...meta.defaults, ...inputs }, options)
  const undeclared = Object.keys(run.outputs).filter((name) => !meta.outputs.has(name))
  if (undeclared.length > 0) throw new Error(`action-${action} set outputs its action.yml does not declare: ${undeclared.join(', ')}`)
  return run
}
