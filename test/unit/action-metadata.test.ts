import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { DEPLOY_INPUT_NAMES, readDeployInputs } from '../../src/shared/inputs/deploy.js'
import { ROLLBACK_INPUT_NAMES, readRollbackInputs } from '../../src/shared/inputs/rollback.js'
import { readScaleInputs, SCALE_INPUT_NAMES } from '../../src/shared/inputs/scale.js'
import { readTrafficInputs, TRAFFIC_INPUT_NAMES } from '../../src/shared/inputs/traffic.js'
import { PREVIEW_INPUT_NAMES, readPreviewInputs } from '../../src/shared/inputs/preview.js'
import { ROOT } from '../support/runner.js'

interface Metadata {
  runs: Record<string, string>
  inputs: Record<string, { description?: string; required?: boolean; default?: string }>
  outputs: Record<string, { description?: string }>
}

function readActionYml(action: string): Metadata {
  return parse(readFileSync(join(ROOT, `action-${action}`, 'action.yml'), 'utf8')) as Metadata
}

/**
 * What the runner passes for the inputs a workflow leaves out: action.yml's defaults. An
 * expression (`${{ github.token }}`) is the runner's to evaluate; these tests give a token of their own.
 */
function runnerDefaults(meta: Metadata): Record<string, string> {
  const defaults = Object.entries(meta.inputs).filter(([, input]) => input.default !== undefined && !input.default.includes('${{'))
  return Object.fromEntries(defaults.map(([name, input]) => [name, input.default as string]))
}

function inputEnv(inputs: Record<string, string>): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]))
}

/** Each action: the inputs its reader reads. (That every output is set is test/e2e/declared-outputs.test.ts's.) */
const ACTIONS = {
  deploy: {
    names: DEPLOY_INPUT_NAMES,
    read: readDeployInputs,
  },
  scale: {
    names: SCALE_INPUT_NAMES,
    read: readScaleInputs,
  },
  traffic: {
    names: TRAFFIC_INPUT_NAMES,
    read: readTrafficInputs,
  },
  rollback: { names: ROLLBACK_INPUT_NAMES, read: readRollbackInputs },
  preview: {
    names: PREVIEW_INPUT_NAMES,
    read: readPreviewInputs,
    valid: { command: 'up', pr: '7', 'service-template': 'shop-pr-{pr}', ttl: '3d', 'github-token': 'ghs_123' },
  },
} as const

/** Valid values for every input any action has, so each reader can read all of its own. */
const VALID: Record<string, string> = {
  platform: 'servicestage',
  'api-url': 'https://app.example.com',
  token: 'token-123',
  username: 'me',
  password: 'pw-123',
  'access-key': 'ak',
  'secret-key': 'sk-123',
  project: 'p',
  application: 'a',
  timeout: '5m',
  service: 'shop',
  'node-group': 'cp',
  image: 'shop:v2',
  wait: 'true',
  'rollback-on-failure': 'true',
  'health-url': 'https://shop.example.com/health',
  'health-samples': '3',
  'health-interval': '1s',
  'health-status': '2xx',
  replicas: '2',
  router: 'router',
  blue: 'blue',
  green: 'green',
  'routing-method': 'round-robin',
  to: 'shop:v1',
  command: 'release',
  reason: 'bad release',
  create: 'true',
  'gray-weight': '10',
  'create-spec': '{"replica": 2}',
  'in-flight': 'wait',
  'release-id': 'org/repo#1',
  steps: '10:1m,100',
  'health-json-field': 'status',
  'health-json-value': 'ok',
  'health-max-latency': '500ms',
  'failure-limit': '0',
  'consecutive-error-limit': '3',
  'abort-scale-down-delay': '30s',
  'keep-candidate-on-abort': 'false',
  'env-vars': 'LOG_LEVEL=debug',
  'env-vars-update': 'merge',
  provenance: 'true',
}

/** A variant per platform rule a default meets: Rancher's upgrade inputs, Alauda's autoscaling, ServiceStage's gray release. */
const VARIANTS: Record<string, Record<string, string | undefined>[]> = {
  // create (default false) is left out, so create-spec goes too; gray-weight is ServiceStage's
  deploy: [
    { 'create-spec': undefined },
    { 'create-spec': undefined, 'gray-weight': undefined },
    { 'create-spec': undefined, 'gray-weight': undefined, platform: 'rancher' },
  ],
  scale: [{}, { platform: 'alauda', autoscaling: 'on', 'min-replicas': '1', 'max-replicas': '3', replicas: undefined }],
}

describe.each(Object.entries(ACTIONS))('action-%s/action.yml', (action, spec) => {
  const meta = readActionYml(action)
  const valid = { ...VALID, ...('valid' in spec ? spec.valid : {}) }

  it('declares exactly the inputs the code reads', () => {
    expect(Object.keys(meta.inputs).sort()).toEqual([...spec.names].sort())
    const read = new Set<string>()
    const env = new Proxy(inputEnv(valid), {
      get(target, key: string) {
        if (key.startsWith('INPUT_')) read.add(key.slice(6).toLowerCase())
        return target[key]
      },
    })
    spec.read(env)
    expect([...read].sort()).toEqual([...spec.names].sort())
  })

  it.each(VARIANTS[action] ?? [{}])("reads an input left out as action.yml's default, the value the runner passes (%o)", (variant) => {
    const defaults = runnerDefaults(meta)
    const inputs: Record<string, string | undefined> = { ...valid, ...variant }
    // the inputs with a default are left out, as a workflow would leave them
    const given = Object.fromEntries(
      Object.entries(inputs).filter((entry): entry is [string, string] => entry[1] !== undefined && !defaults[entry[0]]),
    )
    // as JSON: URLs by their text, the status check by its text (its matcher is a function)
    const read = (env: NodeJS.ProcessEnv) => JSON.parse(JSON.stringify(spec.read(env))) as unknown
    expect(read(inputEnv(given))).toEqual(read(inputEnv({ ...defaults, ...given })))
  })

  it('documents every input and output, and runs the committed bundle on node24', () => {
    for (const [name, input] of Object.entries(meta.inputs)) {
      expect(input.description, name).toBeTruthy()
      expect(input, name).toHaveProperty('required')
      expect(input, name).toHaveProperty('default')
    }
    for (const [name, output] of Object.entries(meta.outputs)) {
      expect(output.description, name).toBeTruthy()
    }
    expect(meta.runs).toMatchObject({ using: 'node24', main: `../dist/${action}/index.js` })
    if (meta.runs.post) expect(existsSync(join(ROOT, `action-${action}`, meta.runs.post))).toBe(true)
    expect(existsSync(join(ROOT, `action-${action}`, meta.runs.main as string))).toBe(true)
  })
})

describe('npm run docs', () => {
  it("has nothing to write: the READMEs' input and output tables and the code's defaults are action.yml's", () => {
    const check = spawnSync(process.execPath, [join(ROOT, 'scripts/docs.mjs'), '--check'], { encoding: 'utf8' })
    expect(check.stderr).toBe('')
    expect(check.status).toBe(0)
  })
})
