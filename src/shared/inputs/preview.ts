import { readArtifact } from './artifact.js'
import { parseChoice } from './choice.js'
import { COMMON_INPUT_NAMES, type CommonInputs, readCommonInputs } from './common.js'
import { type GitHubInputs, readGitHub } from './github.js'
import { ENV_INPUT_NAMES, type EnvInputs, readEnvInputs } from './env-vars.js'
import { readGitHubEvent } from './github-event.js'
import { badValue, InputError } from './input-error.js'
import { parseInteger } from './integer.js'
import { parseCreateSpec } from './create-spec.js'
import { SERVICE_ID_FORMS, serviceIdOf } from '../platforms/service-id.js'
import { isName, parseName, serviceNameRule } from './name.js'
import { readDefaulted, readOptional, readRequired } from './read.js'

export const PREVIEW_INPUT_NAMES = [
  ...COMMON_INPUT_NAMES,
  'command',
  'service-template',
  'pr',
  'image',
  'source-version',
  'node-group',
  'create-spec',
  'ttl',
  ...ENV_INPUT_NAMES,
  'github-token',
] as const

export type PreviewCommand = 'up' | 'down' | 'sweep'

export interface PreviewInputs extends CommonInputs, EnvInputs {
  command: PreviewCommand
  /** the service's name with `{pr}` for the pull request's number */
  template: string
  /** the pull request (up and down) */
  pr?: number
  /** an image, or on NetEase apps `source@<version>` (`source-version`) */
  image?: string
  nodeGroup: string
  /** the platform's fields to create the preview with */
  create: Record<string, unknown>
  /** sweep: previews older than this go even while their PR is open */
  ttlMs: number
  /** environment `pr-<number>` for up and down */
  github: GitHubInputs
}

/** The name a pull request's preview has; the number must show in it (the guard that keeps other services safe). */
export function previewName(template: string, pr: number): string {
  return template.replaceAll('{pr}', String(pr))
}

/** Whether a service's name carries the pull request's number as a number of its own. */
export function carriesNumber(service: string, pr: number): boolean {
  return new RegExp(`(^|\\D)${pr}(\\D|$)`).test(service)
}

export function readPreviewInputs(env: NodeJS.ProcessEnv = process.env): PreviewInputs {
  const common = readCommonInputs(env)
  const command = parseChoice('command', readRequired('command', env), ['up', 'down', 'sweep'] as const)
  const template = readDefaulted('service-template', env)
  const rule = serviceNameRule(common.platform)
  if (!template.includes('{pr}')) throw badValue('service-template', template, 'a name with {pr} in it, such as shop-pr-{pr}')
  if (!isName(previewName(template, 1), rule)) throw badValue('service-template', template, `a name with {pr} in it: ${rule.allowed}`)
  // a preview is created by its name: one shaped like the platform's ids would be read as an id
  if (serviceIdOf(common.platform, previewName(template, 1)) !== undefined) {
    throw badValue(
      'service-template',
      template,
      `a name with {pr} in it that is not shaped like ${SERVICE_ID_FORMS[common.platform]?.shown}`,
    )
  }
  const pr = readPullRequest(env, command)
  // up runs an image, or on NetEase apps a source version; down and sweep check one when given
  const image = readArtifact(common.platform, env, command === 'up')
  const specText = readOptional('create-spec', env)
  const vars = readEnvInputs(env)
  // a preview's deployments go to its own environment; a sweep reads every pr-* one
  const github = readGitHub(env, pr === undefined ? 'pr-*' : `pr-${pr}`)
  if (command === 'sweep' && github.token === undefined) {
    throw new InputError('Input "github-token" is required for command "sweep": the previews are found in the pr-* GitHub deployments.')
  }
  const inputs = {
    ...common,
    command,
    template,
    ...(pr !== undefined && { pr }),
    ...(image !== undefined && { image }),
    nodeGroup: parseName('node-group', readDefaulted('node-group', env)),
    create: specText === undefined ? {} : parseCreateSpec(common.platform, specText),
    ttlMs: parseTtl(readDefaulted('ttl', env)),
    ...vars,
    github,
  }
  // Rancher creates a preview as a stack of its own, named by the part before the slash
  if (common.platform === 'rancher' && specText !== undefined && !template.includes('/'))
    throw badValue('service-template', template, 'with create-spec on Rancher, stack/service with {pr} in it, such as pr-{pr}/web')
  return inputs
}

/** `pr`, or the number of the pull request the workflow runs for (GITHUB_EVENT_PATH). */
function readPullRequest(env: NodeJS.ProcessEnv, command: PreviewCommand): number | undefined {
  const given = readOptional('pr', env)
  if (given !== undefined) return parseInteger('pr', given, 1, 1e9)
  if (command === 'sweep') return undefined
  const event = readGitHubEvent(env, 'pr')
  const number = event.pull_request?.number ?? event.number
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 1) {
    throw new InputError(`Input "pr" is required for command "${command}" outside a pull_request event (the event names no pull request).`)
  }
  return number
}

function parseTtl(value: string): number {
  const match = value.match(/^(\d{1,6})(h|d)$/)
  const ms = match ? Number(match[1]) * (match[2] === 'd' ? 86_400_000 : 3_600_000) : Number.NaN
  if (!(ms > 0)) throw badValue('ttl', value, 'hours or days, such as 72h or 7d')
  return ms
}
