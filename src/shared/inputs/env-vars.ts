import { ENV_KEY, type EnvChange, type EnvUpdate, PROVENANCE_PREFIX, type Provenance } from '../platforms/env-vars.js'
import { parseBoolean } from './boolean.js'
import { parseChoice } from './choice.js'
import { badValue, InputError, shown, textNotShown } from './input-error.js'
import { jsonPlace } from './json.js'
import { readDefaulted, readOptional } from './read.js'

/** The inputs of a deploy's variables and provenance (action-deploy and action-preview). */
export const ENV_INPUT_NAMES = ['env-vars', 'env-vars-update', 'provenance'] as const

/** Enough for any service's variables; a longer value is a mistake (a file pasted in). */
export const ENV_VALUE_MAX = 32_768
export const ENV_VARS_MAX = 100

const ALLOWED = 'KEY=VALUE lines or a JSON object of strings, keys a letter or _ then letters, digits and _'

/**
 * `env-vars`: `KEY=VALUE` lines (blank lines and `#` comments skipped; the value is everything
 * after the first `=`, kept as written) or a JSON object whose values are strings. A key may be
 * given once; `PAAS_RELEASE_*` is provenance's own. A refusal names keys and lines, never the
 * text around them: values are often secrets (`KEY=${{ secrets.X }}`), and a cut or escaped
 * part of one is a form the runner's mask does not match.
 */
export function parseEnvVars(name: string, text: string): Record<string, string> {
  const trimmed = text.trim()
  const vars: Record<string, string> = {}
  // `line`: where a KEY=VALUE line's key is; a JSON key is named, as nothing but a key can be there
  const put = (key: string, value: unknown, line?: number) => {
    if (!ENV_KEY.test(key)) {
      // the part before a value's `=` on a line of its own (a key of several lines) is no key, and may be a secret's
      if (line !== undefined)
        throw unshown(name, `has a line whose key is not a name (line ${line}; a value of several lines needs the JSON form)`)
      throw badValue(name, key, ALLOWED)
    }
    if (key.startsWith(PROVENANCE_PREFIX))
      throw new InputError(
        `Input "${name}" sets ${shown(key)}; allowed: any key but ${PROVENANCE_PREFIX}*, which the deploy's provenance writes (turn it off with provenance: false, it still may not be set here).`,
      )
    if (typeof value !== 'string') throw badValue(name, key, `${ALLOWED}; the value of ${key} is not a string`)
    if (value.length > ENV_VALUE_MAX) throw badValue(name, `${key}=…`, `values of up to ${ENV_VALUE_MAX} characters`)
    if (Object.hasOwn(vars, key)) throw badValue(name, `${key}=`, `${ALLOWED}, each key once (${key} is given twice)`)
    vars[key] = value
  }
  if (trimmed.startsWith('{')) {
    // text that starts with { is an object once it parses
    let parsed: Record<string, unknown>
    try {
      parsed = JSON.parse(trimmed) as Record<string, unknown>
    } catch (error) {
      throw unshown(name, `is not valid JSON${jsonPlace(trimmed, error)}`)
    }
    // JSON.parse keeps the last of a key given twice: a second one is not seen here
    for (const [key, value] of Object.entries(parsed)) put(key, value)
  } else {
    for (const [index, raw] of text.split(/\r?\n/).entries()) {
      const line = raw.trim()
      if (line === '' || line.startsWith('#')) continue
      const at = raw.indexOf('=')
      // a value of several lines (a key) breaks into lines of its own: the JSON form holds it
      if (at < 0) throw unshown(name, `has a line without "=" (line ${index + 1}; a value of several lines needs the JSON form)`)
      // the key is trimmed; the value is kept as written, but for the line's end
      put(raw.slice(0, at).trim(), raw.slice(at + 1).replace(/\r$/, ''), index + 1)
    }
  }
  const count = Object.keys(vars).length
  if (count > ENV_VARS_MAX) throw unshown(name, `has ${count} variables`, `at most ${ENV_VARS_MAX} variables`)
  return vars
}

/** A refusal of `env-vars` that shows none of its text (see parseEnvVars). */
function unshown(name: string, what: string, allowed = ALLOWED): InputError {
  return textNotShown(name, what, 'values may be secrets', allowed)
}

export function parseEnvUpdate(name: string, value: string): EnvUpdate {
  return parseChoice(name, value, ['merge', 'replace'] as const)
}

export interface EnvInputs {
  /** undefined: `env-vars` not given, the variables are left as they are */
  env?: EnvChange
  /** undefined: `provenance: false`, or nothing known of where the run came from */
  provenance?: Provenance
}

/**
 * `env-vars`, `env-vars-update` and `provenance`. `replace` with no `env-vars` is refused: it
 * would remove every variable, which no one means by leaving the input out.
 */
export function readEnvInputs(env: NodeJS.ProcessEnv): EnvInputs {
  const text = readOptional('env-vars', env)
  const update = parseEnvUpdate('env-vars-update', readDefaulted('env-vars-update', env))
  if (text === undefined && update === 'replace')
    throw new InputError(
      'Input "env-vars-update" is replace while "env-vars" is empty; allowed: env-vars with the variables to keep, or merge.',
    )
  const on = parseBoolean('provenance', readDefaulted('provenance', env))
  const provenance = on ? readProvenance(env) : undefined
  return {
    ...(text !== undefined && { env: { vars: parseEnvVars('env-vars', text), update } }),
    ...(provenance && { provenance }),
  }
}

/**
 * Where the run came from, as its CI tells it: GitHub Actions (GITHUB_SHA, GITHUB_REPOSITORY, the
 * run's page from GITHUB_SERVER_URL, GITHUB_RUN_ID and GITHUB_RUN_ATTEMPT, GITHUB_ACTOR); else
 * GitLab CI (CI_COMMIT_SHA, CI_PROJECT_PATH, CI_JOB_URL, GITLAB_USER_LOGIN); else Jenkins
 * (GIT_COMMIT and GIT_URL from its git plugin, BUILD_URL, BUILD_USER_ID from build-user-vars or a
 * change request's CHANGE_AUTHOR); else Gitee Go (GITEE_COMMIT, or GITEE_SOURCE_COMMIT on a pull
 * request, GITEE_REPO, GITEE_PIPELINE_TRIGGER_USER; it gives no page of the run). Undefined when
 * none is known.
 */
export function readProvenance(env: NodeJS.ProcessEnv): Provenance | undefined {
  const found = fromGitHub(env) ?? fromGitLab(env) ?? fromJenkins(env) ?? fromGiteeGo(env) ?? {}
  const known = Object.fromEntries(Object.entries(found).filter(([, value]) => typeof value === 'string' && value !== '')) as Provenance
  return Object.keys(known).length > 0 ? known : undefined
}

function fromGitHub(env: NodeJS.ProcessEnv): Provenance | undefined {
  if (!(env.GITHUB_SHA || env.GITHUB_REPOSITORY || env.GITHUB_RUN_ID)) return undefined
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/$/, '')
  const run =
    env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY
      ? `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}${env.GITHUB_RUN_ATTEMPT ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : ''}`
      : undefined
  return { commit: env.GITHUB_SHA, repository: env.GITHUB_REPOSITORY, runUrl: run, actor: env.GITHUB_ACTOR }
}

function fromGitLab(env: NodeJS.ProcessEnv): Provenance | undefined {
  if (!(env.CI_COMMIT_SHA || env.CI_PROJECT_PATH || env.CI_JOB_URL)) return undefined
  return { commit: env.CI_COMMIT_SHA, repository: env.CI_PROJECT_PATH, runUrl: env.CI_JOB_URL, actor: env.GITLAB_USER_LOGIN }
}

function fromJenkins(env: NodeJS.ProcessEnv): Provenance | undefined {
  if (!(env.JENKINS_URL || env.BUILD_URL)) return undefined
  return {
    commit: env.GIT_COMMIT,
    repository: repositoryPath(env.GIT_URL),
    runUrl: env.BUILD_URL,
    actor: env.BUILD_USER_ID || env.CHANGE_AUTHOR,
  }
}

function fromGiteeGo(env: NodeJS.ProcessEnv): Provenance | undefined {
  if (!env.GITEE_PIPELINE_NAME) return undefined
  const commit = env.GITEE_PULL_ID ? env.GITEE_SOURCE_COMMIT || env.GITEE_COMMIT : env.GITEE_COMMIT
  return { commit, repository: env.GITEE_REPO, actor: env.GITEE_PIPELINE_TRIGGER_USER }
}

/**
 * `org/repo` from a clone URL (https://host/org/repo.git, git@host:org/repo.git): never the URL
 * itself, which may hold a user and a token.
 */
function repositoryPath(url: string | undefined): string | undefined {
  if (!url) return undefined
  const path = /^[a-z][a-z0-9+.-]*:\/\/[^/]*\/(.+)$/i.exec(url)?.[1] ?? /^[^@/:]+@[^:/]+:(.+)$/.exec(url)?.[1]
  const clean = path?.replace(/\.git\/?$/, '').replace(/\/$/, '')
  return clean && /^[\w.-]+(\/[\w.-]+)+$/.test(clean) ? clean : undefined
}
