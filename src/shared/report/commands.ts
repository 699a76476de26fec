import { randomUUID } from 'node:crypto'
import { appendFileSync } from 'node:fs'

/**
 * Workflow commands written straight to stdout, so that nothing on the way to the first request
 * has to load @actions/core (which loads its own HTTP stack). Same escaping as @actions/core.
 */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
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

export function workflowCommandsOn(): boolean {
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

/** Saves state for the post step, as core.saveState does (GITHUB_STATE), written at once. */
export function saveStateNow(name: string, value: string): void {
  const file = process.env.GITHUB_STATE
  if (!file || !workflowCommands) return
  const delimiter = `ghadelimiter_${randomUUID()}`
  appendFileSync(file, `${name}<<${delimiter}\n${value}\n${delimiter}\n`)
}

export function startGroup(name: string): void {
  command('group', name)
}

export function endGroup(): void {
  if (workflowCommands) process.stdout.write('::endgroup::\n')
}
