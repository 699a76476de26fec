import { appendFileSync } from 'node:fs'

/**
 * Workflow commands, outputs and state written straight to stdout and the runner's files, as
 * @actions/core writes them (the same escaping and delimiters), without loading it: core brings
 * its own HTTP stack (150 KB) that an action run never needs.
 */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

/**
 * A `name<<delimiter` entry of GITHUB_OUTPUT or GITHUB_STATE, its delimiter random as core's is.
 * Math.random, not node:crypto: what keeps a value from ending its entry early is the check that
 * it does not hold the delimiter, not the delimiter's secrecy; and node:crypto (and the streams it
 * loads) was a third of the time to an input error.
 */
function keyValue(name: string, value: string): string {
  const delimiter = `ghadelimiter_${randomHex()}${randomHex()}`
  if (name.includes(delimiter) || value.includes(delimiter)) throw new Error(`${name}: the value holds its own delimiter`)
  return `${name}<<${delimiter}\n${value}\n${delimiter}\n`
}

function randomHex(): string {
  return Math.floor(Math.random() * 2 ** 52)
    .toString(16)
    .padStart(13, '0')
}

/**
 * Workflow commands (the runner's `::…::` lines), or, off (the paas-release CLI, outside GitHub),
 * plain lines, all on stderr (stdout carries the CLI's outputs): a group is a header line, an
 * error or warning a `error: …`/`warning: …` line, a debug line shown only with PAAS_DEBUG=1;
 * masks and state are left out (the redactor still redacts every line).
 */
let workflowCommands = true

export function useWorkflowCommands(on: boolean): void {
  workflowCommands = on
}

/** Whether the run talks to GitHub's runner (an action) or is the CLI. */
export function underTheRunner(): boolean {
  return workflowCommands
}

function command(name: string, message: string): void {
  if (workflowCommands) {
    process.stdout.write(`::${name}::${escapeData(message)}\n`)
    return
  }
  if (name === 'error' || name === 'warning') process.stderr.write(`${paint(name, `${name}:`)} ${message}\n`)
  else if (name === 'group') process.stderr.write(`${paint('group', `── ${message}`)}\n`)
  else if (name === 'debug' && process.env.PAAS_DEBUG === '1') process.stderr.write(`debug: ${message}\n`)
}

const COLOURS: Record<string, string> = { error: '31', warning: '33', group: '1' }

/** Colour only on a terminal, and never with NO_COLOR set. */
function paint(kind: string, text: string): string {
  if (!process.stderr.isTTY || process.env.NO_COLOR) return text
  return `\x1b[${COLOURS[kind]}m${text}\x1b[0m`
}

/** One line of the log: stdout under the runner, stderr in the CLI. */
export function logLine(text: string): void {
  ;(workflowCommands ? process.stdout : process.stderr).write(`${text}\n`)
}

/** Masks a secret in the runner's log at once: the `add-mask` command that core.setSecret writes. */
export function maskNow(secret: string): void {
  if (secret !== '' && workflowCommands) command('add-mask', secret)
}

export function errorNow(message: string): void {
  command('error', message)
}

export function warningNow(message: string): void {
  command('warning', message)
}

export function debugNow(message: string): void {
  command('debug', message)
}

/**
 * The state that says a write a second send would do twice may be out: set before it is sent,
 * cleared once it is settled (SettleOptions.inDoubt). A post step reads it before writing anything.
 */
export const IN_DOUBT_STATE = 'in_doubt'

/** Saves state for the post step, as core.saveState does (GITHUB_STATE), written at once. */
export function saveStateNow(name: string, value: string): void {
  const file = process.env.GITHUB_STATE
  if (!file || !workflowCommands) return
  appendFileSync(file, keyValue(name, value))
}

/**
 * Sets a step output, as core.setOutput does: into GITHUB_OUTPUT, or, where a runner gives no
 * such file (@github/local-action, an old runner), as the `set-output` command.
 */
export function setOutputNow(name: string, value: string): void {
  const file = process.env.GITHUB_OUTPUT
  if (file) appendFileSync(file, keyValue(name, value))
  else process.stdout.write(`\n::set-output name=${escapeProperty(name)}::${escapeData(value)}\n`)
}

export function startGroup(name: string): void {
  command('group', name)
}

export function endGroup(): void {
  if (workflowCommands) process.stdout.write('::endgroup::\n')
}
