import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface StepRun {
  code: number | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  /** what the step saved for its post step (GITHUB_STATE), to pass on as STATE_* variables */
  state: Record<string, string>
  /** everything the step shows or leaves behind: log, outputs, summary, state */
  everything: string
}

/** Parses GITHUB_OUTPUT as the runner does: `name<<delimiter` blocks and `name=value` lines. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string
    const heredoc = line.match(/^([^=<]+)<<(.+)$/)
    if (heredoc) {
      const [, name, delimiter] = heredoc as unknown as [string, string, string]
      const value: string[] = []
      while (++i < lines.length && lines[i] !== delimiter) value.push(lines[i] as string)
      outputs[name] = value.join('\n')
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1)
    }
  }
  return outputs
}

/**
 * Runs an action bundle the way the GitHub runner runs a node action: inputs as INPUT_*
 * variables (name upper-cased, spaces to underscores), GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and
 * GITHUB_STATE files, a clean environment; returns what the step produced.
 */
export async function runStep(
  node: string,
  bundle: string,
  inputs: Record<string, string>,
  options: {
    env?: Record<string, string>
    signalAfterMs?: number
    signalWhen?: Promise<unknown>
    signal?: NodeJS.Signals
    /** the step's stdout so far, after each chunk: a caller can act on what a running step said */
    onStdout?: (soFar: string) => void
    /** options for node before the bundle (a test's V8 trace flag); the runner gives none */
    nodeArgs?: string[]
  } = {},
): Promise<StepRun> {
  const dir = mkdtempSync(join(tmpdir(), 'step-'))
  const files = { GITHUB_OUTPUT: join(dir, 'output'), GITHUB_STEP_SUMMARY: join(dir, 'summary'), GITHUB_STATE: join(dir, 'state') }
  for (const file of Object.values(files)) writeFileSync(file, '')
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    GITHUB_ACTIONS: 'true',
    RUNNER_TEMP: dir,
    ...files,
    ...options.env,
  }
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  const child = spawn(node, [...(options.nodeArgs ?? []), bundle], { env, cwd: dir })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => {
    stdout += chunk
    options.onStdout?.(stdout)
  })
  child.stderr.on('data', (chunk) => {
    stderr += chunk
  })
  if (options.signalAfterMs !== undefined) setTimeout(() => child.kill(options.signal ?? 'SIGINT'), options.signalAfterMs)
  // a signal at a moment the caller sees (e.g. 3 s after the router reached a step), not a fixed time
  void options.signalWhen?.then(() => child.kill(options.signal ?? 'SIGINT'))
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  const outputText = readFileSync(files.GITHUB_OUTPUT, 'utf8')
  const summary = readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8')
  const state = readFileSync(files.GITHUB_STATE, 'utf8')
  rmSync(dir, { recursive: true, force: true })
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputFile(outputText),
    summary,
    state: parseOutputFile(state),
    everything: [stdout, stderr, outputText, summary, state].join('\n'),
  }
}

/** The ::error:: lines of a run, unescaped. */
export function errorLines(run: StepRun): string[] {
  return run.stdout
    .split('\n')
    .filter((line) => line.startsWith('::error'))
    .map((line) =>
      line
        .replace(/^::error[^:]*::/, '')
        .replace(/%0A/g, '\n')
        .replace(/%0D/g, '\r')
        .replace(/%25/g, '%'),
    )
}
