// Written by `npm run docs` (scripts/docs.mjs) from the action-*/action.yml files: change a default there.

/**
 * The defaults action.yml gives the actions' inputs. The runner passes them as INPUT_* when a workflow
 * leaves an input out; a run without the runner (unit tests, the demo) gets the same from here.
 */
export const INPUT_DEFAULTS = {
  'abort-scale-down-delay': '30s',
  'batch-interval': '2s',
  'batch-size': '1',
  command: 'release',
  'consecutive-error-limit': '3',
  create: 'false',
  'dry-run': 'false',
  'env-vars-update': 'merge',
  environment: 'production',
  'failure-limit': '0',
  'finish-upgrade': 'true',
  'gray-surge-mode': 'mirror',
  'health-interval': '1s',
  'health-samples': '5',
  'health-status': '2xx',
  'in-flight': 'wait',
  'keep-candidate-on-abort': 'false',
  'node-group': 'cp',
  port: '0',
  provenance: 'true',
  'ready-timeout': '30s',
  'rollback-on-failure': 'true',
  'scale-cooldown': '30s',
  'scale-down-cpu': '10',
  'scale-step': '1',
  'scale-up-cpu': '60',
  'service-template': 'preview-pr-{pr}',
  'start-first': 'false',
  timeout: '10m',
  to: 'previous',
  ttl: '7d',
  wait: 'true',
} as const

export type DefaultedInput = keyof typeof INPUT_DEFAULTS
