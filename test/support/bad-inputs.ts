import fc from 'fast-check'
import { DEPLOY_INPUT_NAMES } from '../../src/shared/inputs/deploy.js'
import { ROLLBACK_INPUT_NAMES } from '../../src/shared/inputs/rollback.js'
import { SCALE_INPUT_NAMES } from '../../src/shared/inputs/scale.js'
import { TRAFFIC_INPUT_NAMES } from '../../src/shared/inputs/traffic.js'
import { PLATFORM_NAMES, type PlatformName } from '../../src/shared/platforms/terms.js'
import { PREVIEW_INPUT_NAMES } from '../../src/shared/inputs/preview.js'

/**
 * Generated bad input sets for every action and platform: valid inputs with one of them given a
 * bad value. The unit property test runs thousands through the input layer; the e2e test runs a
 * sample through the committed bundles.
 */

export type ActionName = 'deploy' | 'scale' | 'traffic' | 'rollback' | 'preview'

export interface BadInputSet {
  action: ActionName
  platform: PlatformName
  /** the input given a bad value: the error must name it */
  input: string
  inputs: Record<string, string>
}

export const INPUT_NAMES: Record<ActionName, readonly string[]> = {
  deploy: DEPLOY_INPUT_NAMES,
  scale: SCALE_INPUT_NAMES,
  traffic: TRAFFIC_INPUT_NAMES,
  rollback: ROLLBACK_INPUT_NAMES,
  preview: PREVIEW_INPUT_NAMES,
}

/** Credentials and the GitHub token are the secrets half of the input layer, tested with the secrets. */
export const SECRET_INPUTS = ['token', 'username', 'password', 'access-key', 'secret-key', 'github-token']

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`
const CREDENTIALS: Record<PlatformName, Record<string, string>> = {
  jelastic: { token: 'tok-valid-1' },
  servicestage: { token: 'tok-valid-1' },
  alauda: { token: 'tok-valid-1' },
  netease: { token: 'tok-valid-1' },
  rancher: { 'access-key': 'ak-valid', 'secret-key': 'sk-valid-1' },
}
const SCOPE: Record<PlatformName, Record<string, string>> = {
  jelastic: {},
  servicestage: { project: 'p1', application: 'a1' },
  alauda: { project: 'team' },
  netease: {},
  rancher: { project: '1a5' },
}
const ACTION_INPUTS: Record<ActionName, Record<string, string>> = {
  deploy: { service: 'shop', image: 'registry.example.com/shop:v2' },
  scale: { service: 'shop', replicas: '2' },
  traffic: { router: 'shop', blue: 'shop-blue', green: 'shop-green', percentage: '10' },
  rollback: { service: 'shop' },
  preview: { command: 'up', pr: '7', image: 'registry.example.com/shop:v2', 'github-token': 'ghs_valid_token' },
}

/** Inputs the action reads without error on that platform, calling `apiUrl`. */
export function validInputs(action: ActionName, platform: PlatformName, apiUrl: string): Record<string, string> {
  return { platform, 'api-url': apiUrl, ...CREDENTIALS[platform], ...SCOPE[platform], ...ACTION_INPUTS[action] }
}

const word = fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/)
const control = fc.constantFrom('\n', '\r', '\t', '\u0000', '\u001b', '\u007f', '\u0085')
/** A control character inside a word: bad for every kind of input. */
const withControl = fc.tuple(word, control, word).map(([a, c, b]) => `${a}${c}${b}`)
/** Longer than any grammar allows, up to 120,000 characters. */
const tooLong = (unit: string) => fc.integer({ min: 2_100, max: 120_000 }).map((n) => unit.repeat(Math.ceil(n / unit.length)))
const always = (unit: string) => [withControl, tooLong(unit)]

function names(slash: boolean): fc.Arbitrary<string> {
  const climbing = fc.tuple(word, fc.constantFrom('/../', '/./', '//', '/../../'), word).map(([a, join, b]) => `${a}${join}${b}`)
  return fc.oneof(
    fc.constantFrom('..', '.', '../x', 'x/..', '-x', '_x', 'a b', 'a#b', 'a?b', 'a%2Fb', 'a:b', 'a@b', 'ä', 'x/y/z', '/x'),
    climbing,
    ...(slash ? [] : [fc.tuple(word, word).map(([a, b]) => `${a}/${b}`)]),
    ...always('n'),
  )
}

const ids = fc.oneof(fc.constantFrom('..', '.', 'a/b', 'a/../b', '-x', 'a b', 'a#b', 'a?b', 'a%2F'), ...always('i'))

const images = fc.oneof(
  fc.constantFrom(
    `::error::INJ7@${DIGEST}`,
    `A/../../x#y@${DIGEST}`,
    'a/../../b:1',
    'Shop:1',
    'shop',
    'shop:',
    'shop:.x',
    'a___b:1',
    'a-:1',
    `shop@sha256:${'a'.repeat(63)}`,
    `shop:1@${DIGEST}`,
    'reg.example.com:port/app:1',
  ),
  fc.tuple(word, word).map(([a, b]) => `reg/${a.toUpperCase()}${b}:1`),
  fc.integer({ min: 129, max: 400 }).map((n) => `shop:${'t'.repeat(n)}`),
  fc.integer({ min: 256, max: 120_000 }).map((n) => `${'a'.repeat(n)}:1`),
  ...always('a'),
)

const urls = fc.oneof(
  fc.constantFrom(
    'ftp://example.com/',
    'example.com',
    'javascript:alert(1)',
    'file:///etc/passwd',
    'http://',
    'http://user:pass@h.example.com/x?token=abc',
    'https://u@h.example.com/',
    'http://[::1',
  ),
  fc
    .tuple(fc.constantFrom('\t', '\n', ' ', '\r', '\u0000'), fc.integer({ min: 8, max: 24 }))
    .map(([c, at]) => `https://app.example.com/health`.slice(0, at) + c + `https://app.example.com/health`.slice(at)),
  fc.integer({ min: 2_100, max: 120_000 }).map((n) => `https://${'h'.repeat(n)}.example.com/`),
  ...always('u'),
)

const durations = fc.oneof(
  fc.constantFrom('soon', '0', '0s', '7h', '-5s', '1.5s', '1h 30m', '5x', '10 m', 'ms', '1d', '6h1ms'),
  fc.integer({ min: 21_601, max: 1e9 }).map((n) => `${n}s`),
  ...always('1'),
)

function counts(min: number, max: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.integer({ min: max + 1, max: 1e12 }).map(String),
    ...(min > 0 ? [fc.integer({ min: 0, max: min - 1 }).map(String)] : []),
    fc.constantFrom('-1', '50%', '2.5', '0x10', '1e3', 'two', '1 2', '+-1'),
    ...always('9'),
  )
}

function percentages(min: number, max: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.integer({ min: max + 1, max: 99_999 }).map((n) => `${n}%`),
    fc.integer({ min: max + 1, max: 99_999 }).map(String),
    ...(min > 0 ? [fc.integer({ min: 0, max: min - 1 }).map(String)] : []),
    fc.constantFrom('-1', '50%%', '%50', '1.5', 'half', '%'),
    ...always('9'),
  )
}

const steps = fc.oneof(
  fc.constantFrom('101', '10,5', 'garbage', '0', '10:soon,100', '10,,100', '10:,100', ',', '50,50', '10:1m;100', '1000', '-10'),
  fc.integer({ min: 2, max: 100 }).chain((high) => fc.integer({ min: 1, max: high - 1 }).map((low) => `${high},${low}`)),
  ...always('1'),
)

const booleans = fc.oneof(fc.constantFrom('maybe', 'sure', 'y', 'n', '2', 'TRUE!', 't'), ...always('t'))
/** Not KEY=VALUE lines nor a JSON object of strings, or keys no platform takes. */
const envVars = fc.oneof(
  fc.constantFrom(
    'LOG_LEVEL',
    '1X=y',
    'A-B=c',
    'A B=c',
    '=value',
    'PAAS_RELEASE_COMMIT=abc',
    'A=1\nA=2',
    '{"A": 1}',
    '{"A": null}',
    '{"1A": "x"}',
    '{bad',
    'ÄRGER=1',
  ),
  fc.tuple(word, fc.constantFrom('-', '.', '/', ':', ' '), word).map(([a, c, b]) => `${a}${c}${b}=v`),
  ...always('A=1\n'),
)
const choices = fc.oneof(
  word.map((w) => `x-${w}`),
  ...always('c'),
)
const texts = fc.oneof(
  withControl,
  fc.integer({ min: 257, max: 120_000 }).map((n) => 'r'.repeat(n)),
)
const statusSets = fc.oneof(fc.constantFrom('ok', '600', '2xx,', '20', '2xxx', '6xx', '200;204'), ...always('2'))
const fieldPaths = fc.oneof(fc.constantFrom('.a', 'a.', 'a..b', 'a b', 'a/b', 'a[0]'), ...always('f'))
const ttls = fc.oneof(fc.constantFrom('7', '7w', 'soon', '0d', '1.5d', '-1d', '7 d', '1234567d'), ...always('7'))
const sourceVersions = fc.oneof(fc.constantFrom('a/../b', '../x', '.x', 'x/.y', 'a b', 'a..b', '-x', 'x//y'), ...always('v'))
const notObjects = fc.constantFrom('[1]', '"text"', '2', 'null', '{', '{"a":', 'true')

/** Objects with a field a platform's create does not take, a wrong type, or no required field. */
const CREATE_SPEC_FIELDS: Record<PlatformName, string[]> = {
  jelastic: [],
  servicestage: ['{"replica": "2"}', '{"source": {}}', '{"envs": {}}'],
  alauda: ['{"instance_sise": "XS"}', '{"target_num_instances": "1"}', '{"service_name": "x"}'],
  netease: ['{"spec_id": "1"}', '{"name": "x"}', '{"unknown": 1}'],
  rancher: ['{"rancherCompose": "x"}', '{"dockerCompose": 1}', '{"name": "x", "dockerCompose": ""}'],
}
const createSpecs = (platform: PlatformName) =>
  fc.oneof(notObjects, ...(CREATE_SPEC_FIELDS[platform].length ? [fc.constantFrom(...CREATE_SPEC_FIELDS[platform])] : []), ...always('{'))
const webhookCreates = fc.oneof(
  notObjects,
  fc.constantFrom(
    '{"name": "x"}',
    '{"name": "a/..", "driver": "scaleService"}',
    '{"name": "x", "driver": "nope"}',
    '{"name": "x", "driver": "scaleService", "scaleServiceConfig": []}',
  ),
  ...always('{'),
)
function templates(slash: boolean): fc.Arbitrary<string> {
  return fc.oneof(
    word,
    fc.constantFrom('../pr-{pr}', '{pr}/../x', 'a b{pr}', 'a/b/{pr}', './{pr}', '-{pr}'),
    ...(slash ? [] : [word.map((w) => `${w}/{pr}`)]),
    ...always('t'),
  )
}

/** A bad value for an input, and the other inputs that make it apply ('' removes one). */
interface InputCase {
  bad: fc.Arbitrary<string>
  with?: fc.Arbitrary<Record<string, string>>
}

const constant = (inputs: Record<string, string>) => fc.constant(inputs)
const anyCommand = fc.constantFrom('release', 'promote', 'abort', 'status')
const AUTOSCALING_ON = { autoscaling: 'on', 'min-replicas': '1', 'max-replicas': '5', replicas: '' }
const WEBHOOK = { replicas: '', service: '' }

function inputCase(action: ActionName, platform: PlatformName, input: string): InputCase {
  const slash = platform === 'rancher'
  switch (input) {
    case 'platform':
    case 'command':
    case 'routing-method':
    case 'in-flight':
    case 'lifecycle':
    case 'autoscaling':
      return { bad: choices, ...(input === 'lifecycle' && { with: constant({ replicas: '' }) }) }
    case 'api-url':
    case 'health-url':
      return { bad: urls }
    case 'webhook-url':
      return { bad: urls, with: constant(WEBHOOK) }
    case 'project':
    case 'application':
      return { bad: ids }
    case 'service':
    case 'router':
      return { bad: names(slash), ...(action === 'rollback' && input === 'router' && { with: constant({ blue: 'b', green: 'g' }) }) }
    case 'blue':
    case 'green':
      return {
        bad: names(slash),
        ...(action === 'rollback' && {
          with: fc.constantFrom<Record<string, string>>({ router: 'shop', blue: 'shop-blue', green: 'shop-green' }, {}),
        }),
      }
    case 'node-group':
      return { bad: names(false) }
    case 'environment':
      return { bad: fc.oneof(fc.constantFrom('a/../b', './a', 'a//b', 'a/', '..', 'a b'), ...always('e')) }
    case 'timeout':
    case 'health-interval':
    case 'health-max-latency':
    case 'abort-scale-down-delay':
    case 'batch-interval':
      return { bad: durations }
    case 'scale-cooldown':
      return { bad: durations, with: constant(AUTOSCALING_ON) }
    case 'image':
      return { bad: images }
    case 'to':
      return { bad: images.filter((value) => value !== 'previous') }
    case 'source-version':
      return { bad: sourceVersions, with: constant(platform === 'netease' ? { image: '' } : {}) }
    case 'wait':
    case 'rollback-on-failure':
    case 'create':
    case 'keep-candidate-on-abort':
    case 'start-first':
    case 'finish-upgrade':
    case 'dry-run':
      return { bad: booleans }
    case 'webhook-list':
      return { bad: booleans, with: constant(WEBHOOK) }
    case 'webhook-create':
      return { bad: webhookCreates, with: constant(WEBHOOK) }
    case 'create-spec':
      return { bad: createSpecs(platform), with: constant(action === 'deploy' ? { create: 'true' } : {}) }
    case 'gray-weight':
      return { bad: percentages(1, 99) }
    case 'gray-surge-mode':
    case 'gray-deployment-mode':
      return { bad: choices }
    case 'replicas':
      return { bad: counts(0, 1000) }
    case 'min-replicas':
    case 'max-replicas':
      return { bad: counts(1, 1000), with: constant(AUTOSCALING_ON) }
    case 'scale-step':
      return { bad: counts(1, 100), with: constant(AUTOSCALING_ON) }
    case 'scale-up-cpu':
      return { bad: percentages(1, 100), with: constant(AUTOSCALING_ON) }
    case 'scale-down-cpu':
      return { bad: percentages(0, 99), with: constant(AUTOSCALING_ON) }
    case 'batch-size':
      return { bad: counts(1, 100) }
    case 'health-samples':
    case 'failure-limit':
      return { bad: counts(input === 'failure-limit' ? 0 : 1, 1000) }
    case 'consecutive-error-limit':
      return { bad: counts(1, 1000) }
    case 'pr':
      return { bad: counts(1, 1e9) }
    case 'percentage':
      return { bad: percentages(0, 100), with: anyCommand.map((command) => ({ command, steps: '' })) }
    case 'steps':
      return { bad: steps, with: anyCommand.map((command) => ({ command, percentage: '' })) }
    case 'health-status':
      return { bad: statusSets }
    case 'health-json-field':
      return { bad: fieldPaths }
    case 'health-json-value':
      return { bad: texts, with: constant({ 'health-json-field': 'status' }) }
    case 'release-id':
    case 'reason':
      return { bad: texts }
    case 'ttl':
      return { bad: ttls }
    case 'service-template':
      return { bad: templates(slash) }
    case 'env-vars':
      return { bad: envVars }
    case 'env-vars-update':
      return { bad: choices, with: constant({ 'env-vars': 'A=1' }) }
    case 'provenance':
      return { bad: booleans }
    default:
      throw new Error(`no bad values for input "${input}" of action-${action}: add them here`)
  }
}

export const ACTIONS = Object.keys(INPUT_NAMES) as ActionName[]

/** The inputs of an action that have bad values here: all but the secrets. */
export function checkedInputs(action: ActionName): string[] {
  return INPUT_NAMES[action].filter((name) => !SECRET_INPUTS.includes(name))
}

/** A bad value for one input of one action on one platform, over otherwise valid inputs calling `apiUrl`. */
export function badInputSet(action: ActionName, platform: PlatformName, input: string, apiUrl: string): fc.Arbitrary<BadInputSet> {
  const { bad, with: context = constant({}) } = inputCase(action, platform, input)
  return fc.tuple(context, bad).map(([extra, value]): BadInputSet => {
    const merged = { ...validInputs(action, platform, apiUrl), ...extra, [input]: value }
    return { action, platform, input, inputs: Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== '')) }
  })
}

/** Every (action, platform, input) with a bad value for the input, over otherwise valid inputs calling `apiUrl`. */
export function badInputSets(apiUrl: string): fc.Arbitrary<BadInputSet> {
  return fc
    .tuple(fc.constantFrom(...ACTIONS), fc.constantFrom(...PLATFORM_NAMES))
    .chain(([action, platform]) => fc.constantFrom(...checkedInputs(action)).chain((input) => badInputSet(action, platform, input, apiUrl)))
}

/** Every input each action declares has bad values here (a test keeps this true as inputs are added). */
export function inputsWithoutCases(): string[] {
  const missing: string[] = []
  for (const action of ACTIONS) {
    for (const input of checkedInputs(action)) {
      try {
        inputCase(action, 'jelastic', input)
      } catch {
        missing.push(`${action}:${input}`)
      }
    }
  }
  return missing
}
