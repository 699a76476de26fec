// Runs a committed action bundle under Node 24 as the GitHub runner runs a node action: every
// input its action.yml declares as INPUT_* (the default where none is given; defaults that are
// expressions, such as github-token's ${{ github.token }}, only when given), GITHUB_OUTPUT,
// GITHUB_STEP_SUMMARY and GITHUB_STATE files, a clean environment. Times on performance.now().
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { parse } from 'yaml'
import { NODE24, ROOT } from './node24.mjs'

const defaults = new Map()

function defaultsOf(action) {
  if (!defaults.has(action)) {
    const yml = parse(readFileSync(join(ROOT, `action-${action}`, 'action.yml'), 'utf8'))
    const plain = Object.entries(yml.inputs ?? {}).filter(([, input]) => !String(input.default ?? '').includes('${{'))
    defaults.set(action, Object.fromEntries(plain.map(([name, input]) => [name, String(input.default ?? '')])))
  }
  return defaults.get(action)
}

/** The environment a step of `action` gets with these inputs. */
export function stepEnv(action, inputs, env = {}) {
  const all = { PATH: process.env.PATH ?? '', GITHUB_ACTIONS: 'true', ...env }
  for (const [name, value] of Object.entries({ ...defaultsOf(action), ...inputs }))
    all[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  return all
}

/**
 * `{code, stdout, stderr, started, exited}`; `nodeArgs` go before the script (e.g. `--import` a
 * preload), `entry` runs in place of the bundle (a wrapper that imports BUNDLE, set here).
 */
export async function runAction(action, inputs, { env = {}, nodeArgs = [], entry } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-step-'))
  const files = { GITHUB_OUTPUT: join(dir, 'output'), GITHUB_STEP_SUMMARY: join(dir, 'summary'), GITHUB_STATE: join(dir, 'state') }
  for (const file of Object.values(files)) writeFileSync(file, '')
  const started = performance.now()
  const bundle = join(ROOT, 'dist', action, 'index.js')
  const child = spawn(NODE24, [...nodeArgs, entry ?? bundle], {
    env: stepEnv(action, inputs, { HOME: dir, RUNNER_TEMP: dir, BUNDLE: bundle, ...files, ...env }),
    cwd: dir,
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => (stdout += chunk))
  child.stderr.on('data', (chunk) => (stderr += chunk))
  const code = await new Promise((resolve) => child.on('exit', resolve))
  const exited = performance.now()
  await new Promise((resolve) => (child.stdout.readableEnded ? resolve() : child.stdout.once('close', resolve)))
  rmSync(dir, { recursive: true, force: true })
  return { code, stdout, stderr, started, exited }
}

/** The run's ::error:: lines, for a message when a run the bench relies on fails. */
export function failure(run) {
  const errors = run.stdout.split('\n').filter((line) => line.startsWith('::error'))
  return `exit ${run.code}: ${(errors.join(' | ') || run.stderr).slice(0, 600)}`
}
