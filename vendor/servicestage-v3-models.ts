/**
 * Facts, not code: the ServiceStage v3 request and response models of Huawei's own SDK
 * (huaweicloud/huaweicloud-sdk-python-v3, huaweicloud-sdk-servicestage/huaweicloudsdkservicestage/v3/model/*.py:
 * each model's `openapi_types`; "required" are the fields its constructor always sets). The
 * adapter sends what they define; the emulator refuses what they do not; the vendor-style test
 * client speaks with them.
 */

/** A field's type as the SDK's openapi_types name it: a scalar, a list of one, or another model. */
export type FieldType = 'str' | 'int' | 'float' | 'bool' | 'object' | `list[${string}]` | `model:${string}`

export interface Model {
  fields: Record<string, FieldType>
  required: readonly string[]
  /** the values a field takes, where the SDK lists them (its enum classes) */
  values?: Record<string, readonly (string | number)[]>
}

const OBJECT = 'object' as const

const COMPONENT_SPEC: Record<string, FieldType> = {
  name: 'str',
  description: 'str',
  labels: 'list[object]',
  runtime_stack: 'model:RuntimeStack',
  source: 'model:SourceObject',
  build: OBJECT,
  limit_cpu: 'float',
  limit_memory: 'float',
  request_cpu: 'float',
  request_memory: 'float',
  replica: 'int',
  version: 'str',
  swimlane_id: 'str',
  envs: 'list[model:ComponentEnvironment]',
  storages: 'list[object]',
  deploy_strategy: 'model:DeployStrategy',
  command: OBJECT,
  post_start: OBJECT,
  pre_stop: OBJECT,
  timezone: 'str',
  mesher: OBJECT,
  jvm_opts: 'str',
  tomcat_opts: OBJECT,
  logs: 'list[object]',
  custom_metric: OBJECT,
  affinity: OBJECT,
  anti_affinity: OBJECT,
  liveness_probe: OBJECT,
  readiness_probe: OBJECT,
  refer_resources: 'list[model:ReferResourceCreate]',
}

export const MODELS: Record<string, Model> = {
  /** the body of PUT .../components/{cid} (component_modify.py) */
  ComponentModify: {
    fields: { ...COMPONENT_SPEC, external_accesses: 'list[object]' },
    required: ['name', 'runtime_stack', 'source', 'replica', 'version'],
  },
  /** the body of POST .../components (component_create.py) */
  ComponentCreate: {
    fields: { ...COMPONENT_SPEC, environment_id: 'str', external_accesses: 'list[object]' },
    required: ['name', 'runtime_stack', 'source', 'replica', 'version', 'refer_resources'],
  },
  /** GET .../components/{cid} (show_component_info_response.py; the list items add `id`) */
  ComponentInfo: {
    fields: { ...COMPONENT_SPEC, environment_id: 'str', application_id: 'str', status: 'model:ComponentStatusView' },
    required: [],
  },
  ComponentStatusView: {
    fields: {
      component_status: 'str',
      available_replica: 'int',
      replica: 'int',
      fail_detail: OBJECT,
      last_job_id: 'str',
      creator: 'str',
      create_time: 'int',
      update_time: 'int',
      artifact: OBJECT,
    },
    required: [],
  },
  RuntimeStack: {
    fields: { name: 'str', type: 'str', version: 'str', deploy_mode: 'str' },
    required: ['name', 'type', 'version', 'deploy_mode'],
  },
  SourceObject: {
    fields: {
      kind: 'str',
      url: 'str',
      version: 'str',
      storage: 'str',
      auth: 'str',
      repo_auth: 'str',
      repo_namespace: 'str',
      repo_ref: 'str',
      repo_type: 'str',
      web_url: 'str',
      repo_url: 'str',
    },
    required: ['kind'],
    values: { kind: ['code', 'package', 'image'] },
  },
  DeployStrategy: {
    fields: { type: 'str', rolling_release: 'model:DeployStrategyRollingRelease', gray_release: 'model:DeployStrategyGrayRelease' },
    required: ['type'],
  },
  DeployStrategyRollingRelease: { fields: { batches: 'int' }, required: ['batches'] },
  DeployStrategyGrayRelease: {
    fields: {
      type: 'str',
      replica_surge_mode: 'str',
      deployment_mode: 'int',
      first_batch_weight: 'int',
      rule_match_mode: 'str',
      rules: 'list[object]',
      first_batch_replica: 'int',
      remaining_batch: 'int',
    },
    required: ['type', 'replica_surge_mode', 'deployment_mode'],
    // WEIGHT by traffic share, CONTENT by request content; MIRROR blue/green, EXTRA canary adding
    // first, NOSURGE canary removing first; deployment_mode 1 (application gateway / microservice
    // engine), 3 (microservice center), 4 (dedicated ELB), 6 (shared ELB)
    values: { type: ['WEIGHT', 'CONTENT'], replica_surge_mode: ['MIRROR', 'EXTRA', 'NOSURGE'], deployment_mode: [1, 3, 4, 6] },
  },
  ComponentEnvironment: { fields: { name: 'str', value: 'str', value_from: OBJECT }, required: ['name'] },
  ReferResourceCreate: { fields: { id: 'str', type: 'str', parameters: OBJECT }, required: ['id', 'type'] },
  /** the body of POST .../components/{cid}/action (component_action.py, component_action_parameters.py) */
  ComponentAction: {
    fields: { action: 'str', parameters: 'model:ComponentActionParameters' },
    required: ['action'],
    values: {
      action: [
        'start',
        'stop',
        'restart',
        'scale',
        'rollback',
        'continue_deploy',
        'check_gray_release',
        'modify_gray_rule',
        'rollback_current',
      ],
    },
  },
  ComponentActionParameters: { fields: { replica: 'int', hosts: 'list[str]', version: 'str' }, required: [] },
}

/** The fields of a component read that a PUT sends back (what ComponentModify defines). */
export const MODIFY_FIELDS: readonly string[] = Object.keys(MODELS.ComponentModify?.fields ?? {})
