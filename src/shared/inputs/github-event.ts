import { readFileSync } from 'node:fs'
import { InputError } from './input-error.js'

/** What the actions read of the workflow's event: the pull request it is for, if any. */
export interface GitHubEvent {
  pull_request?: { number?: unknown }
  number?: unknown
}

/**
 * The event file the runner writes (GITHUB_EVENT_PATH); an empty event outside a workflow run.
 * A file that cannot be read or is not a JSON object is an input error naming the variable and
 * `fallback` (the input that would do instead), never a stack.
 */
export function readGitHubEvent(env: NodeJS.ProcessEnv, fallback: string): GitHubEvent {
  const path = env.GITHUB_EVENT_PATH
  if (!path) return {}
  const instead = `give input "${fallback}" instead, or run in a workflow whose event file is there`
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable'
    throw new InputError(`The event file GITHUB_EVENT_PATH could not be read (${code}): ${instead}.`)
  }
  let event: unknown
  try {
    event = JSON.parse(text)
  } catch {
    event = undefined
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new InputError(`The event file GITHUB_EVENT_PATH is not a JSON object: ${instead}.`)
  }
  return event as GitHubEvent
}
