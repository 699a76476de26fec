import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import type { CommonInputs } from '../src/shared/inputs/common.js'
import { readDeployInputs } from '../src/shared/inputs/deploy.js'
import { InputError } from '../src/shared/inputs/input-error.js'
import { readPreviewInputs } from '../src/shared/inputs/preview.js'
import { readRollbackInputs } from '../src/shared/inputs/rollback.js'
import { readScaleInputs } from '../src/shared/inputs/scale.js'
import { readTrafficInputs } from '../src/shared/inputs/traffic.js'
import { useWorkflowCommands } from '../src/shared/report/commands.js'
import { type CommandName, COMMANDS, type InputSpec } from './usage.js'

/**
 * paas-release: the actions' flows from a shell. Each subcommand is an action: its flags are the
 * action's inputs by the same names, read by the same reader, run by the same chunk (run/<action>.ts).
 * Exit codes: 0 done, 1 the step failed, 2 bad usage (an unknown flag, a secret given as a flag, a
 * missing or bad input: nothing was started).
 */
interface Action {
  read: () => CommonInputs
  load: () => Promise<{ start: (inputs: never) => Promise<void> }>
}

const ACTIONS: Record<CommandName, Action> = {
  deploy: { read: () => readDeployInputs(), load: () => import('../src/shared/run/deploy.js') },
  scale: { read: () => readScaleInputs(), load: () => import('../src/shared/run/scale.js') },
  traffic: { read: () => readTrafficInputs(), load: () => import('../src/shared/run/traffic.js') },
  rollback: { read: () => readRollbackInputs(), load: () => import('../src/shared/run/rollback.js') },
  preview: { read: () => readPreviewInputs(), load: () => import('../src/shared/run/preview.js') },
}

/** The CLI's own flags, beside the action's inputs. */
const OWN_FLAGS = {
  json: { type: 'boolean' },
  summary: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

/** The environment variable an input can come from: `api-url` → PAAS_API_URL. */
export function envName(input: string): string {
  return `PAAS_${input.replace(/-/g, '_').toUpperCase()}`
}

export class UsageError extends Error {
  override name = 'UsageError'
}

function inputsOf(command: CommandName): [string, InputSpec][] {
  return Object.entries(COMMANDS[command].inputs)
}

/** `paas-release --help`, or a subcommand's, from its action.yml. */
export function usage(command?: CommandName): string {
  if (command === undefined) {
    const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length))
    return [
      'usage: paas-release <command> [--<input> VALUE ...] [--json] [--summary FILE]',
      '',
      'The PaaS release actions from a shell: the same inputs, defaults, checks and release logic.',
      '',
      'commands:',
      ...Object.entries(COMMANDS).map(([name, spec]) => `  ${name.padEnd(width)}  ${spec.description}`),
      '',
      'Run `paas-release <command> --help` for its inputs. Exit code: 0 done, 1 the step failed, 2 bad usage.',
      '',
    ].join('\n')
  }
  const spec = COMMANDS[command]
  const lines = [`usage: paas-release ${command} [--<input> VALUE ...] [--json] [--summary FILE]`, '', spec.description, '', 'inputs:']
  for (const [name, input] of inputsOf(command)) {
    const how = input.secret ? `env ${envName(name)} only (a secret: never a flag)` : `--${name} VALUE, or env ${envName(name)}`
    const notes = [
      input.required ? 'required' : '',
      input.default !== '' ? `default: ${input.default}` : '',
      input.githubOnly ? 'GitHub Actions only' : '',
    ]
      .filter(Boolean)
      .join('; ')
    lines.push(`  ${how}${notes ? `  [${notes}]` : ''}`, `      ${input.description}`)
  }
  lines.push(
    '',
    'options:',
    '  --json            print the outputs as one JSON object (default: name=value lines)',
    '  --summary FILE    write the summary (Markdown) to FILE (default: printed to stdout after the outputs; with --json, not printed)',
    '  -h, --help        this help',
    '',
    `outputs: ${spec.outputs.join(', ')}`,
    '',
    'A flag wins over its PAAS_* variable, which wins over the default. A true/false input may be given bare:',
    '--dry-run is --dry-run true (read, decide and print the plan; nothing is changed). Logs go to stderr, grouped by phase;',
    'PAAS_DEBUG=1 shows debug lines. SIGINT or SIGTERM cancels as the action does (traffic goes back to stable).',
    'Exit code: 0 done, 1 the step failed, 2 bad usage (nothing was started).',
    '',
  )
  return lines.join('\n')
}

export interface Parsed {
  command: CommandName
  /** INPUT_<NAME> for every input, as the runner passes them */
  env: Record<string, string>
  json: boolean
  summary?: string
  /** inputs given that only mean something inside GitHub Actions */
  githubOnly: string[]
}

/** The words a true/false input takes (inputs/boolean.ts). */
const BOOLEAN_WORDS = ['true', 'false', 'yes', 'no', 'on', 'off', '1', '0']

/**
 * A true/false input (its action.yml default is `true` or `false`) given as a bare switch,
 * `--dry-run` with no value after it, means `--dry-run true`; `--dry-run false` still says false.
 */
function bareSwitches(args: string[], inputs: [string, { default: string }][]): string[] {
  const switches = new Set(inputs.filter(([, input]) => input.default === 'true' || input.default === 'false').map(([name]) => `--${name}`))
  return args.map((arg, i) => {
    const next = args[i + 1]
    return switches.has(arg) && (next === undefined || !BOOLEAN_WORDS.includes(next.toLowerCase())) ? `${arg}=true` : arg
  })
}

/** Reads argv and the environment into the runner's INPUT_* variables; `help` when --help was asked. */
export function parse(argv: string[], env: NodeJS.ProcessEnv): Parsed | { help: string } {
  const [first, ...rest] = argv
  if (first === undefined) throw new UsageError('no command given: paas-release deploy|scale|traffic|rollback|preview (see --help)')
  if (first === '--help' || first === '-h' || first === 'help') return { help: usage() }
  if (!Object.hasOwn(COMMANDS, first))
    throw new UsageError(`unknown command "${first}": paas-release deploy|scale|traffic|rollback|preview`)
  const command = first as CommandName
  const inputs = inputsOf(command)
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { ...OWN_FLAGS }
  for (const [name] of inputs) options[name] = { type: 'string' }
  let values: Record<string, string | boolean | undefined>
  try {
    ;({ values } = parseArgs({ args: bareSwitches(rest, inputs), options, strict: true, allowPositionals: false }))
  } catch (error) {
    throw new UsageError(`${command}: ${flagProblem(error as Error & { code?: string })}`)
  }
  if (values.help) return { help: usage(command) }
  const out: Record<string, string> = {}
  const githubOnly: string[] = []
  for (const [name, input] of inputs) {
    const flag = values[name]
    if (input.secret && flag !== undefined) {
      throw new UsageError(
        `${command}: "--${name}" is a secret and would show in the process list: give it as the environment variable ${envName(name)}`,
      )
    }
    const given = typeof flag === 'string' ? flag : env[envName(name)]
    const value = given ?? input.default
    out[`INPUT_${name.toUpperCase()}`] = value
    if (input.githubOnly && given !== undefined && given !== '' && given !== input.default) githubOnly.push(name)
  }
  return {
    command,
    env: out,
    json: values.json === true,
    githubOnly,
    ...(typeof values.summary === 'string' && { summary: values.summary }),
  }
}

function flagProblem(error: Error & { code?: string }): string {
  const named = /'([^']*)'/.exec(error.message)?.[1]
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown flag "${named ?? error.message}" (see --help)`
  if (error.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL')
    return `unexpected argument "${named ?? ''}": every input is a --flag VALUE`.replace(' ""', '')
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return `${error.message.split('\n')[0]}`
  return error.message.split('\n')[0] ?? String(error)
}

/** The readers' words are the action's ("Input "api-url" …"); the CLI names the flag or variable. */
function inCliWords(message: string, command: CommandName): string {
  const inputs = COMMANDS[command].inputs
  // a quoted input name, not a value that happens to be one (`has the value "service"`)
  return message.replace(/\b[Ii]nput "([a-z-]+)"|(?<!value )"([a-z-]+)"/g, (match, a: string | undefined, b: string | undefined) => {
    const name = a ?? b ?? ''
    const input = inputs[name]
    if (input === undefined) return match
    return input.secret ? `${envName(name)}` : `--${name}`
  })
}

/** The outputs file as core.setOutput writes it (name<<delimiter, value, delimiter). */
export function readOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[i] ?? '')
    if (!match) continue
    const [, name = '', delimiter] = match
    const value: string[] = []
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '')
    outputs[name] = value.join('\n')
  }
  return outputs
}

/** Runs paas-release with `argv` (without node and the script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  let parsed: Parsed
  try {
    const result = parse(argv, process.env)
    if ('help' in result) {
      process.stdout.write(result.help)
      return 0
    }
    parsed = result
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    process.stderr.write(`paas-release: ${error.message}\n`)
    return 2
  }
  const { command } = parsed
  useWorkflowCommands(false)
  const outside = process.env.GITHUB_ACTIONS !== 'true'
  // only the inputs given here: none left over from a step this runs inside
  for (const name of Object.keys(process.env)) if (name.startsWith('INPUT_')) Reflect.deleteProperty(process.env, name)
  Object.assign(process.env, parsed.env)
  if (outside && parsed.githubOnly.length > 0) {
    const named = parsed.githubOnly.map((name) => (COMMANDS[command].inputs[name]?.secret ? envName(name) : `--${name}`))
    process.stderr.write(
      `warning: ${named.join(', ')}: GitHub deployments and pull request comments are GitHub-only; outside GitHub Actions they are skipped\n`,
    )
  }
  // skipped for real: GITHUB_REPOSITORY and a token in a CI's environment must not make deployments
  if (outside)
    for (const [name, input] of Object.entries(COMMANDS[command].inputs))
      if (input.githubOnly) process.env[`INPUT_${name.toUpperCase()}`] = ''
  const dir = mkdtempSync(join(tmpdir(), 'paas-release-'))
  try {
    const outputFile = join(dir, 'output')
    const summaryFile = parsed.summary ?? join(dir, 'summary.md')
    writeFileSync(outputFile, '')
    try {
      writeFileSync(summaryFile, '')
    } catch (error) {
      process.stderr.write(
        `paas-release: --summary ${summaryFile}: cannot write it (${(error as NodeJS.ErrnoException).code ?? String(error)})\n`,
      )
      return 2
    }
    process.env.GITHUB_OUTPUT = outputFile
    process.env.GITHUB_STEP_SUMMARY = summaryFile
    delete process.env.GITHUB_STATE
    let inputs: CommonInputs
    try {
      inputs = ACTIONS[command].read()
    } catch (error) {
      if (!(error instanceof InputError)) throw error
      process.stderr.write(`paas-release: ${command}: ${inCliWords(error.message, command)}\n`)
      return 2
    }
    process.exitCode = 0
    await (await ACTIONS[command].load()).start(inputs as never)
    const outputs = readOutputs(readFileSync(outputFile, 'utf8'))
    if (parsed.json) process.stdout.write(`${JSON.stringify(outputs)}\n`)
    else for (const [name, value] of Object.entries(outputs)) process.stdout.write(`${name}=${value.replace(/\n/g, '\\n')}\n`)
    if (parsed.summary === undefined && !parsed.json) process.stdout.write(`\n${readFileSync(summaryFile, 'utf8')}`)
    const code = Number(process.exitCode ?? 0)
    return code === 0 ? 0 : 1
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
