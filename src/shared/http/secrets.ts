import { maskNow } from '../report/commands.js'
import { Redactor } from './redactor.js'

/**
 * The run's one registry of secrets: every secret the action reads (credentials, the GitHub token,
 * webhook URLs) or receives (sessions, issued tokens, hook URLs) is added here the moment it is
 * known, which masks it in the runner's log (`::add-mask::`) and removes it from every text the
 * action writes: log lines, errors, outputs, the job summary and the state file. It loads nothing
 * but the redactor and the workflow commands (report/commands.ts), so inputs can use it before the
 * network stack is loaded.
 */
export const secrets = new Redactor(maskNow)
