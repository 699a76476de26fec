import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { parseOutputFile } from '../../demo/run-step.js'
import { nodeForBundles } from './node24.js'
import { ROOT } from './runner.js'

export interface LocalActionRun {
  /** the exit code of `npx local-action`: what a developer (or a script) sees of success or failure */
  code: number | null
  stdout: string
  /** the outputs the main step set, as local-action's stand-in for @actions/core logs them */
  outputs: Record<string, string>
  /** the outputs the post step set (empty when it set none, or there was no post step) */
  postOutputs: Record<string, string>
  /** the main step's log, from local-action's "Running Action" banner to the next one */
  mainLog: string
  /** the post step's log (empty without a post step) */
  postLog: string
  summary: string
  /** what the steps saved in GITHUB_STATE */
  state: Record<string, string>
}

/** `::set-output name=X::value` lines, which local-action's stand-in for core.setOutput prints. */
function setOutputs(log: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  for (const match of log.matchAll(/^::set-output name=([^:]+)::(.*)$/gm)) outputs[match[1] as string] = match[2] as string
  return outputs
}

/** The part of local-action's log under one of its banners (a title between two lines of `=`). */
function section(stdout: string, title: string): string {
  const start = stdout.indexOf(`${title}\n`)
  if (start === -1) return ''
  const body = stdout.slice(stdout.indexOf('\n', stdout.indexOf('\n', start) + 1) + 1)
  const next = body.search(/^={20,}$/m)
  return next === -1 ? body : body.slice(0, next)
}

/** A .env file as local-action reads it (dotenv): single-quoted values, taken as they are. */
function dotenv(variables: Record<string, string>): string {
  return Object.entries(variables)
    .map(([name, value]) => {
      if (/['\n]/.test(value)) throw new Error(`${name}: a single quote or a newline cannot go into this .env file`)
      return `${name}='${value}'\n`
    })
    .join('')
}

/**
 * Runs an action folder's TypeScript entry through GitHub's `@github/local-action`, as its README
 * says (`npx local-action <action dir> <entrypoint> <dotenv file>`, `--post` for a post step),
 * on the Node 24 the runner uses. Inputs go into the .env file as INPUT_* variables, as the runner
 * names them; so do GITHUB_STEP_SUMMARY, GITHUB_STATE and `env`.
 */
export async function runLocalAction(
  folder: string,
  inputs: Record<string, string>,
  options: { post?: string; env?: Record<string, string> } = {},
): Promise<LocalActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'local-action-'))
  const files = { GITHUB_STEP_SUMMARY: join(dir, 'summary'), GITHUB_STATE: join(dir, 'state') }
  for (const file of Object.values(files)) writeFileSync(file, '')
  const variables: Record<string, string> = { ...files, ...options.env }
  for (const [name, value] of Object.entries(inputs)) variables[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  const envFile = join(dir, '.env')
  writeFileSync(envFile, dotenv(variables))
  // local-action resolves --post against the working directory, not the action folder
  const post = options.post === undefined ? [] : ['--post', join(ROOT, folder, options.post)]
  // the installed bin, as `npx local-action` runs it, less npx's own start (one npm process)
  const child = spawn(join(ROOT, 'node_modules/.bin/local-action'), [folder, 'main.ts', envFile, ...post], {
    cwd: ROOT,
    // Node 24 first on PATH: local-action, its npm exec and tsx all run on the runner's Node
    env: { PATH: `${dirname(nodeForBundles())}:${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? dir, FORCE_COLOR: '0' },
  })
  let stdout = ''
  child.stdout.on('data', (chunk) => {
    stdout += chunk
  })
  child.stderr.on('data', (chunk) => {
    stdout += chunk
  })
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  const summary = readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8')
  const state = parseOutputFile(readFileSync(files.GITHUB_STATE, 'utf8'))
  rmSync(dir, { recursive: true, force: true })
  const mainLog = section(stdout, 'Running Action')
  const postLog = section(stdout, 'Running Post Step')
  return { code, stdout, outputs: setOutputs(mainLog), postOutputs: setOutputs(postLog), mainLog, postLog, summary, state }
}
