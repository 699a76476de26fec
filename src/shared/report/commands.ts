import { randomUUID } from 'node:crypto'
import { appendFileSync } from 'node:fs'

/**
 * Workflow commands written straight to stdout, so that nothing on the way to the first request
 * has to load @actions/core (which loads its own HTTP stack). Same escaping as @actions/core.
 */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

function command(name: string, message: string): void {
  process.stdout.write(`::${name}::${escapeData(message)}\n`)
}

/** Masks a secret in the runner's log at once: the `add-mask` command that core.setSecret writes. */
export function maskNow(secret: string): void {
  if (secret !== '') command('add-mask', secret)
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
  if (!file) return
  const delimiter = `ghadelimiter_${randomUUID()}`
  appendFileSync(file, `${name}<<${delimiter}\n${value}\n${delimiter}\n`)
}

export function startGroup(name: string): void {
  command('group', name)
}

export function endGroup(): void {
  process.stdout.write('::endgroup::\n')
}
