import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { data, Evaluator, Lexer, Parser } from '@actions/expressions'
import {
  convertWorkflowTemplate,
  isBasicExpression,
  isBoolean,
  isMapping,
  isNumber,
  isSequence,
  isString,
  NoOperationTraceWriter,
  parseWorkflow,
} from '@actions/workflow-parser'
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token'
import { parse as parseYaml } from 'yaml'
import { parseOutputFile, runStep, type StepRun } from '../../demo/run-step.js'
import { nodeForBundles } from './node24.js'
import { ROOT } from './runner.js'

type Json = string | number | boolean | null | Json[] | { [key: string]: Json }

export interface StepResult {
  id: string
  name: string
  /** success, failure or skipped */
  outcome: 'success' | 'failure' | 'skipped'
  outputs: Record<string, string>
  run?: StepRun
  /** what a `run:` step printed */
  log?: string
}

export interface JobResult {
  /** skipped: the job's `if:` was false */
  result: 'success' | 'failure' | 'skipped'
  steps: StepResult[]
  /** the job summary: every step's GITHUB_STEP_SUMMARY, in order */
  summary: string
}

export interface WorkflowContext {
  event?: string
  /** the event's payload (`github.event`, and the file GITHUB_EVENT_PATH names) */
  payload?: Record<string, unknown>
  /** `github.token` and the API the actions call (a local fake in tests) */
  github?: { token?: string; apiUrl?: string }
  inputs?: Record<string, string>
  vars?: Record<string, string>
  secrets?: Record<string, string>
}

/** `./action-deploy`, or `owner/repo/action-deploy@v1` as the examples name it: this repository's action folder. */
function localAction(uses: string): string | undefined {
  return uses.match(/(?:^\.\/|\/)(action-[a-z]+)(?:@.*)?$/)?.[1]
}

function toData(value: Json | undefined): data.ExpressionData {
  if (value === undefined || value === null) return new data.Null()
  if (typeof value === 'string') return new data.StringData(value)
  if (typeof value === 'number') return new data.NumberData(value)
  if (typeof value === 'boolean') return new data.BooleanData(value)
  if (Array.isArray(value)) return new data.Array(...value.map(toData))
  return new data.Dictionary(...Object.entries(value).map(([key, v]) => ({ key, value: toData(v) })))
}

function truthy(value: data.ExpressionData): boolean {
  if (value instanceof data.Null) return false
  if (value instanceof data.BooleanData) return value.value
  if (value instanceof data.NumberData) return value.value !== 0 && !Number.isNaN(value.value)
  if (value instanceof data.StringData) return value.value !== ''
  return true
}

async function load(file: string) {
  const content = readFileSync(file, 'utf8')
  const parsed = parseWorkflow({ name: file, content }, new NoOperationTraceWriter())
  const errors = parsed.context.errors.getErrors()
  if (errors.length > 0 || !parsed.value) throw new Error(`${file}: ${errors.map((e) => e.message).join('; ')}`)
  const template = await convertWorkflowTemplate(parsed.context, parsed.value)
  if (template.errors?.length) throw new Error(`${file}: ${template.errors.map((e) => e.Message).join('; ')}`)
  return { root: parsed.value, template }
}

/** Parses and converts a workflow as GitHub does; the number of its jobs, or the parser's errors. */
export async function parseOnly(file: string): Promise<number> {
  return (await load(file)).template.jobs.length
}

/**
 * Runs a workflow's jobs the way the runner does, on this machine: GitHub's own parser reads the
 * file, GitHub's expression engine evaluates `${{ }}` and `if:`, `uses:` steps of this repository
 * run their committed bundles (and post steps), `run:` steps run in bash, outputs flow between
 * steps through GITHUB_OUTPUT. Other actions (checkout, setup-node) are taken as done.
 */
export async function runWorkflow(file: string, context: WorkflowContext = {}): Promise<Record<string, JobResult>> {
  // the event file and the run steps' output files, removed with the run
  const dir = mkdtempSync(join(tmpdir(), 'workflow-'))
  try {
    return await runJobs(file, context, dir)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function runJobs(file: string, context: WorkflowContext, dir: string): Promise<Record<string, JobResult>> {
  const { root, template } = await load(file)
  const results: Record<string, JobResult> = {}
  const github = {
    event_name: context.event ?? 'workflow_dispatch',
    event: (context.payload ?? {}) as Json,
    sha: '0123abc',
    repository: 'your-org/shop',
    run_id: '1',
    workspace: ROOT,
    token: context.github?.token ?? '',
    api_url: context.github?.apiUrl ?? 'https://api.github.com',
    server_url: 'https://github.com',
  }
  // the variables the runner gives every step
  const eventPath = join(dir, 'event.json')
  writeFileSync(eventPath, JSON.stringify(context.payload ?? {}))
  const runnerEnv = {
    GITHUB_EVENT_NAME: github.event_name,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_SHA: github.sha,
    GITHUB_REPOSITORY: github.repository,
    GITHUB_RUN_ID: github.run_id,
    GITHUB_API_URL: github.api_url,
    GITHUB_SERVER_URL: github.server_url,
  }
  for (const job of template.jobs) {
    if (job.type !== 'job') continue
    // the converted template drops a step's `with:`; it is read from the parsed file
    const withs = rawStepWiths(root, job.id.value)
    const state = { failed: false }
    const steps: Record<string, Json> = {}
    const contexts = () => ({
      github,
      inputs: context.inputs ?? {},
      vars: context.vars ?? {},
      secrets: context.secrets ?? {},
      env,
      steps,
      job: { status: state.failed ? 'failure' : 'success' },
      runner: { os: 'Linux', temp: tmpdir() },
    })
    const functions = [
      { name: 'success', minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(!state.failed) },
      { name: 'failure', minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(state.failed) },
      { name: 'always', minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(true) },
      { name: 'cancelled', minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(false) },
    ]
    const evaluate = (expression: string): data.ExpressionData => {
      const lexed = new Lexer(expression).lex()
      const ast = new Parser(lexed.tokens, Object.keys(contexts()), functions).parse()
      const scope = contexts() as unknown as { [key: string]: Json }
      return new Evaluator(ast, toData(scope) as data.Dictionary, new Map(functions.map((f) => [f.name, f]))).evaluate()
    }
    const text = (token: TemplateToken | undefined): string => {
      if (token === undefined) return ''
      if (isBasicExpression(token)) return evaluate(token.expression).coerceString()
      if (isString(token)) return token.value
      if (isNumber(token) || isBoolean(token)) return String(token.value)
      throw new Error(`unsupported value at line ${token.line}`)
    }
    const mapping = (token: TemplateToken | undefined): Record<string, string> => {
      const out: Record<string, string> = {}
      if (token && isMapping(token)) for (const pair of token) out[text(pair.key)] = text(pair.value)
      return out
    }

    const env: Record<string, string> = {}
    Object.assign(env, mapping(template.env))
    Object.assign(env, mapping(job.env))
    const jobIf = (job as { if?: { expression?: string } }).if?.expression
    if (jobIf && !truthy(evaluate(jobIf))) {
      results[text(job.id)] = { result: 'skipped', steps: [], summary: '' }
      continue
    }
    const jobResult: JobResult = { result: 'success', steps: [], summary: '' }
    const posts: (() => Promise<void>)[] = []
    const background: number[] = []

    for (const [index, step] of job.steps.entries()) {
      if (!('uses' in step) && !('run' in step)) continue
      const condition = step.if?.expression ?? 'success()'
      const run = truthy(evaluate(/\b(success|failure|always|cancelled)\(\)/.test(condition) ? condition : `success() && (${condition})`))
      const name = step.name ? text(step.name) : step.id
      if (!run) {
        jobResult.steps.push({ id: step.id, name, outcome: 'skipped', outputs: {} })
        steps[step.id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' }
        continue
      }
      const stepEnv = { ...runnerEnv, ...env, ...mapping(step.env) }
      let result: StepResult
      if ('uses' in step) {
        const uses = text(step.uses)
        const action = localAction(uses)
        if (action === undefined) {
          result = { id: step.id, name, outcome: 'success', outputs: {} } // actions/checkout and the like: already done here
        } else {
          const meta = parseYaml(readFileSync(join(ROOT, action, 'action.yml'), 'utf8')) as {
            inputs: Record<string, { default?: string }>
            runs: { main: string; post?: string; 'post-if'?: string }
          }
          const given = mapping(withs[index])
          const inputs: Record<string, string> = {}
          // a default may be an expression, such as ${{ github.token }}
          const defaultOf = (value: string | undefined) => {
            const expression = value?.match(/^\$\{\{\s*(.+?)\s*\}\}$/)?.[1]
            return expression === undefined ? (value ?? '') : evaluate(expression).coerceString()
          }
          for (const [input, spec] of Object.entries(meta.inputs)) inputs[input] = given[input] ?? defaultOf(spec.default)
          for (const input of Object.keys(given)) if (!(input in meta.inputs)) throw new Error(`${name}: ${action} has no input "${input}"`)
          const stepRun = await runStep(nodeForBundles(), join(ROOT, action, meta.runs.main), inputs, { env: stepEnv })
          jobResult.summary += stepRun.summary
          result = { id: step.id, name, outcome: stepRun.code === 0 ? 'success' : 'failure', outputs: stepRun.outputs, run: stepRun }
          const post = meta.runs.post
          if (post) {
            const postIf = meta.runs['post-if'] ?? 'always()'
            const stateEnv = Object.fromEntries(Object.entries(stepRun.state).map(([k, v]) => [`STATE_${k}`, v]))
            posts.unshift(async () => {
              if (!truthy(evaluate(postIf))) return
              const postRun = await runStep(nodeForBundles(), join(ROOT, action, post), inputs, { env: { ...stepEnv, ...stateEnv } })
              jobResult.summary += postRun.summary
              if (postRun.code !== 0) state.failed = true
            })
          }
        }
      } else {
        const script = text((step as { run: TemplateToken }).run)
        result = await runShell({ id: step.id, name, script, output: join(dir, `output-${text(job.id)}-${index}`) }, stepEnv, background)
      }
      jobResult.steps.push(result)
      steps[step.id] = { outputs: result.outputs, outcome: result.outcome, conclusion: result.outcome }
      if (result.outcome === 'failure') state.failed = true
    }
    for (const post of posts) await post()
    for (const pgid of background) {
      try {
        process.kill(-pgid, 'SIGTERM')
      } catch {
        // already gone
      }
    }
    jobResult.result = state.failed ? 'failure' : 'success'
    results[text(job.id)] = jobResult
  }
  return results
}

function rawStepWiths(root: TemplateToken, jobId: string): (TemplateToken | undefined)[] {
  const find = (token: TemplateToken | undefined, key: string) => (token && isMapping(token) ? token.find(key) : undefined)
  const steps = find(find(find(root, 'jobs'), jobId), 'steps')
  if (!steps || !isSequence(steps)) return []
  return [...steps].map((step) => find(step, 'with'))
}

/** A `run:` step: bash -e with the step's environment; anything it leaves running is stopped at the job's end. */
async function runShell(
  step: { id: string; name: string; script: string; output: string },
  env: Record<string, string>,
  background: number[],
): Promise<StepResult> {
  const { id, name, script, output } = step
  writeFileSync(output, '')
  const child = spawn('bash', ['-e', '-c', script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...env, GITHUB_OUTPUT: output },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  if (child.pid !== undefined) background.push(child.pid)
  let log = ''
  child.stdout.on('data', (chunk) => {
    log += chunk
  })
  child.stderr.on('data', (chunk) => {
    log += chunk
  })
  // a background process keeps the pipes open: the step ends when bash does
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  return { id, name, outcome: code === 0 ? 'success' : 'failure', outputs: parseOutputFile(readFileSync(output, 'utf8')), log }
}
