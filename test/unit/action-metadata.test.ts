import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  DEPLOY_INPUT_NAMES,
  ROLLBACK_INPUT_NAMES,
  readDeployInputs,
  readRollbackInputs,
  readScaleInputs,
  readTrafficInputs,
  SCALE_INPUT_NAMES,
  TRAFFIC_INPUT_NAMES,
} from '../../src/shared/inputs/actions.js'
import { PREVIEW_INPUT_NAMES, readPreviewInputs } from '../../src/shared/inputs/preview.js'
import { ROOT } from '../support/runner.js'

interface Metadata {
  runs: Record<string, string>
  inputs: Map<string, Record<string, string>>
  outputs: Map<string, Record<string, string>>
}

/** Reads the flat action.yml layout we write: two-space keys under inputs/outputs/runs. */
function readActionYml(action: string): Metadata {
  const lines = readFileSync(join(ROOT, `action-${action}`, 'action.yml'), 'utf8').split('\n')
  const meta: Metadata = { runs: {}, inputs: new Map(), outputs: new Map() }
  let section = ''
  let current: Record<string, string> | undefined
  for (const line of lines) {
    const top = line.match(/^(\w+):/)
    const entry = line.match(/^ {2}([\w-]+):\s*(.*)$/)
    const field = line.match(/^ {4}(\w+):\s*(.*)$/)
    if (top) section = top[1] as string
    else if (entry && section === 'runs') meta.runs[entry[1] as string] = entry[2] as string
    else if (entry && (section === 'inputs' || section === 'outputs')) {
      current = {}
      meta[section].set(entry[1] as string, current)
    } else if (field && current) current[field[1] as string] = (field[2] as string).replace(/^'(.*)'$/, '$1')
  }
  return meta
}

const ACTIONS = {
  deploy: {
    names: DEPLOY_INPUT_NAMES,
    read: readDeployInputs,
    outputs: ['image', 'previous-image', 'operation-id', 'url', 'rolled-back', 'deployment-id'],
  },
  scale: {
    names: SCALE_INPUT_NAMES,
    read: readScaleInputs,
    outputs: ['replicas', 'operation-id', 'autoscaling', 'webhook-id', 'webhooks'],
  },
  traffic: {
    names: TRAFFIC_INPUT_NAMES,
    read: readTrafficInputs,
    outputs: ['weights', 'phase', 'weight', 'verdict', 'reason', 'stable', 'candidate'],
  },
  rollback: { names: ROLLBACK_INPUT_NAMES, read: readRollbackInputs, outputs: ['image', 'weights', 'deployment-id'] },
  preview: {
    names: PREVIEW_INPUT_NAMES,
    read: readPreviewInputs,
    outputs: ['service', 'url', 'comment-id', 'deployment-id', 'removed', 'image', 'previous-image', 'operation-id', 'rolled-back'],
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
}

describe.each(Object.entries(ACTIONS))('action-%s/action.yml', (action, spec) => {
  const meta = readActionYml(action)

  it('declares exactly the inputs the code reads', () => {
    expect([...meta.inputs.keys()].sort()).toEqual([...spec.names].sort())
    const read = new Set<string>()
    const valid = { ...VALID, ...('valid' in spec ? spec.valid : {}) }
    const env = new Proxy(Object.fromEntries(Object.entries(valid).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value])), {
      get(target, key: string) {
        if (key.startsWith('INPUT_')) read.add(key.slice(6).toLowerCase())
        return target[key]
      },
    })
    spec.read(env)
    expect([...read].sort()).toEqual([...spec.names].sort())
  })

  it('documents every input and output, and runs the committed bundle on node24', () => {
    for (const [name, input] of meta.inputs) {
      expect(input.description, name).toBeTruthy()
      expect(input, name).toHaveProperty('required')
      expect(input, name).toHaveProperty('default')
    }
    expect([...meta.outputs.keys()].sort()).toEqual([...spec.outputs].sort())
    for (const [name, output] of meta.outputs) expect(output.description, name).toBeTruthy()
    expect(meta.runs).toMatchObject({ using: 'node24', main: `../dist/${action}/index.js` })
    if (meta.runs.post) expect(existsSync(join(ROOT, `action-${action}`, meta.runs.post))).toBe(true)
    expect(existsSync(join(ROOT, `action-${action}`, meta.runs.main as string))).toBe(true)
  })

  it('has a README that shows every input', () => {
    const readme = readFileSync(join(ROOT, `action-${action}`, 'README.md'), 'utf8')
    for (const name of meta.inputs.keys()) expect(readme, name).toContain(`\`${name}\``)
    for (const name of meta.outputs.keys()) expect(readme, name).toContain(`\`${name}\``)
  })
})
