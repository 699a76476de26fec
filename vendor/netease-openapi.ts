/**
 * Facts, not code: the calls of NetEase Cloud 蜂巢's OpenAPI (open.c.163.com, 2016–2017) that the
 * actions make, as the vendor documents them. Sources:
 * - [apps] the 集群 API: source document 003 (platforms.md S-N) and the vendor's help repository
 *   cloudcomb-help/md, `容器服务/容器管理/使用指南/API手册/集群 API.md` (the same text);
 * - [token] cloudcomb-help/md `…/API手册/用户 API.md` (生成 API Token: 201 Created, both fields strings);
 * - [intro] cloudcomb-help/md `…/API手册/OpenAPI介绍.md` (Request-Id on every answer, JSON bodies,
 *   POST answers the new id, PUT and DELETE a status such as 200, no token for token and WebHook);
 * - [errors] cloudcomb-help/md `…/API手册/OpenAPI错误响应.md` (platforms.md N-err);
 * - [micro] platforms.md 4.3 (N-doc, the slate "网易蜂巢 OpenAPI");
 * - [sync] a community script that keeps microservices in step with a config file (public copy,
 *   repository not recorded): it reads a service's `envs` (`[{key, value}]`) and `log_dirs` from
 *   查看服务详情, sends `update-stateless` with the body 9.9 shows, and the image's `update-image`
 *   only once the service is back at a `*_succ` status;
 * - [sdk] the Go SDK the vendor's help names, bingoHuang/cloudcomb-go-sdk `cloudcomb/cc-open-api.go`
 *   and `cc-http-core.go`: `Content-Type: application/json` and `Authorization: Token …` on every
 *   call, any 2xx is success, `free_ip` always given on a microservice's DELETE.
 * The emulator refuses what these do not define (emulator/netease/validate.ts); the vendor-style
 * test client speaks with them. Where they are silent the emulator is strict and says so in
 * emulator/README.md.
 */

/** A value as the documents type it: query and path values arrive as text and are read as these. */
export type FieldType = 'string' | 'int' | 'boolean' | 'json' | 'variables' | 'string[]' | { object: Fields } | { list: Fields }

export interface Field {
  type: FieldType
  required?: boolean
  /** the values the document lists */
  values?: readonly (string | number)[]
  min?: number
  max?: number
}

export type Fields = Record<string, Field>

export interface Call {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  /** a second method the document shows for the same call */
  alternative?: 'POST'
  /** under `/api/v1`; `{name}` is a path value, typed in `params` */
  path: string
  params?: Fields
  query?: Fields
  body?: Fields
  /** the status of a success; `empty`: PUT and DELETE answer it with no body [intro] */
  success: { status: number; empty?: boolean }
  /** the fields a success names (top level) */
  answer?: readonly string[]
  /** false for the token and WebHook calls [intro] */
  token?: false
}

const ID: Fields = { id: { type: 'int', required: true, min: 1 } }

const VERSION_CONTROL: Field = {
  type: {
    object: {
      type: { type: 'string', values: ['git', 'svn'] },
      path: { type: 'string' },
      subdir: { type: 'string' },
      branch: { type: 'string' },
      version: { type: 'string' },
      account: { type: 'string' },
      password: { type: 'string' },
    },
  },
}

/** the fields both the create and the update of an app take [apps] */
const APP_FIELDS: Fields = {
  desc: { type: 'string' },
  // a JSON object of the app's environment variables, name to value (the document's `env_var{}`)
  env_var: { type: 'variables' },
  version_control: VERSION_CONTROL,
  docker_file_type: { type: 'int', values: [1, 2] },
  custom_docker_file: { type: 'string' },
  log_dirs: { type: 'string[]' },
}

/** an app as 查看集群 shows it [apps]; 集群列表 lists the same under `apps` */
export const APP_ANSWER = [
  'id',
  'name',
  'desc',
  'domain',
  'status',
  'replicas',
  'volumes',
  'charge_type',
  'spec_id',
  'created_at',
  'updated_at',
  'public_ip',
  'private_ip',
  'version_control',
  'custom_docker_file',
  'image_id',
  'containers',
  'env_var',
  'web_hook_url',
] as const

export const CALLS = {
  /** 生成 API Token [token] */
  token: {
    method: 'POST',
    path: '/token',
    body: { app_key: { type: 'string', required: true }, app_secret: { type: 'string', required: true } },
    success: { status: 201 },
    answer: ['token', 'expires_in'],
    token: false,
  },
  /** 查看集群镜像列表 [apps] */
  appImages: { method: 'GET', path: '/apps/images', success: { status: 200 }, answer: ['custom_images', 'public_images'] },
  /** 集群列表: limit 大于 0 小于等于 30 (default 20), offset 大于等于 0 (default 0) [apps] */
  listApps: {
    method: 'GET',
    path: '/apps',
    query: { limit: { type: 'int', min: 1, max: 30 }, offset: { type: 'int', min: 0 } },
    success: { status: 200 },
    answer: ['total', 'apps'],
  },
  /** 创建集群: spec_id 1/10/20/30/40/50, image_type 1 (official) / 2 (custom), replicas default 1 [apps] */
  createApp: {
    method: 'POST',
    path: '/apps',
    body: {
      name: { type: 'string', required: true },
      domain: { type: 'string' },
      image_type: { type: 'int', required: true, values: [1, 2] },
      image_id: { type: 'int', required: true },
      spec_id: { type: 'int', required: true, values: [1, 10, 20, 30, 40, 50] },
      replicas: { type: 'int', min: 1 },
      ...APP_FIELDS,
    },
    success: { status: 200 },
    answer: ['id', 'url'],
  },
  /** 查看集群 [apps] */
  getApp: { method: 'GET', path: '/apps/{id}', params: ID, success: { status: 200 }, answer: APP_ANSWER },
  /** 修改集群 [apps] */
  updateApp: { method: 'PUT', path: '/apps/{id}', params: ID, body: APP_FIELDS, success: { status: 200, empty: true } },
  /** 删除集群 [apps] */
  deleteApp: { method: 'DELETE', path: '/apps/{id}', params: ID, success: { status: 200, empty: true } },
  /** 集群扩容: the replicas in the path [apps] */
  resizeApp: {
    method: 'PUT',
    path: '/apps/{id}/replications/{replicas}/actions/resize',
    params: { ...ID, replicas: { type: 'int', required: true, min: 0 } },
    success: { status: 200, empty: true },
  },
  /** 监听: a long-poll; the example's body is malformed, `containers` is its one documented field [apps] */
  watchApp: { method: 'GET', path: '/watch/apps/{id}', params: ID, success: { status: 200 }, answer: ['containers'] },
  /** an app's `web_hook_url`: no token [intro]; its method and body are not documented (platforms.md gap 7) */
  appHook: {
    method: 'POST',
    path: '/hooks/app/{hook}',
    params: { hook: { type: 'string', required: true } },
    success: { status: 200 },
    token: false,
  },
  /** [micro] */
  listNamespaces: { method: 'GET', path: '/namespaces', success: { status: 200 }, answer: ['namespaces'] },
  /** [micro]; the SDK calls it with no query [sdk] */
  listMicroservices: {
    method: 'GET',
    path: '/namespaces/{id}/microservices',
    params: ID,
    query: { offset: { type: 'int', min: 0 }, limit: { type: 'int', min: 1, max: 30 } },
    success: { status: 200 },
    answer: ['total', 'microservice_infos'],
  },
  /** [micro] */
  getMicroservice: {
    method: 'GET',
    path: '/microservices/{id}',
    params: ID,
    success: { status: 200 },
    answer: ['service_info', 'service_container_infos'],
  },
  /** [micro]: stateless only, the same repository; its example uses PUT, its request line POST */
  updateImage: {
    method: 'PUT',
    alternative: 'POST',
    path: '/microservices/{id}/actions/update-image',
    params: ID,
    body: {
      container_images: {
        type: { list: { container_id: { type: 'int', required: true }, image_path: { type: 'string', required: true } } },
        required: true,
      },
      min_ready_seconds: { type: 'int', required: true, min: 1, max: 600 },
    },
    success: { status: 200, empty: true },
  },
  /**
   * [micro] 9.9 设置无状态服务, "envs and log_dirs" (the same body in [sync]): a container's
   * `cpu_weight` and `memory_weight` are required, 1–99 summing to 100, 100 for a single container
   */
  updateStateless: {
    method: 'PUT',
    path: '/microservices/{id}/actions/update-stateless',
    params: ID,
    body: {
      container_infos: {
        type: {
          list: {
            container_id: { type: 'int', required: true },
            // the document marks key and value optional; an entry without either sets nothing (assumed: refused)
            envs: { type: { list: { key: { type: 'string', required: true }, value: { type: 'string', required: true } } } },
            log_dirs: { type: 'string[]' },
            cpu_weight: { type: 'int', required: true, min: 1, max: 100 },
            memory_weight: { type: 'int', required: true, min: 1, max: 100 },
          },
        },
        required: true,
      },
    },
    success: { status: 200, empty: true },
  },
  /** [micro]: new_replicas in [1, 5], stateless only */
  elasticScale: {
    method: 'PUT',
    path: '/microservices/{id}/actions/elastic-scale',
    params: ID,
    query: { new_replicas: { type: 'int', required: true, min: 1, max: 5 } },
    success: { status: 200, empty: true },
  },
  /** [micro] */
  restartMicroservice: {
    method: 'PUT',
    path: '/microservices/{id}/actions/restart',
    params: ID,
    query: { option: { type: 'string', required: true, values: ['restart', 'hard_reboot'] } },
    success: { status: 200, empty: true },
  },
  /** [micro]; the SDK always gives free_ip [sdk] */
  deleteMicroservice: {
    method: 'DELETE',
    path: '/microservices/{id}',
    params: ID,
    query: { free_ip: { type: 'boolean', required: true } },
    success: { status: 200, empty: true },
  },
} as const satisfies Record<string, Call>

export type CallName = keyof typeof CALLS

/** The error codes [errors]: HTTP status (3 digits) + service (2) + detail (2), with the document's messages. */
export const ERRORS = {
  invalid: { status: 400, code: 4000001, message: 'Invalid parameters.' },
  missing: { status: 400, code: 4000002, message: 'Missing parameters.' },
  unauthorized: { status: 401, code: 4010001, message: 'Unauthorized user.' },
  freq: { status: 403, code: 4030001, message: 'Api freq out of limit.' },
  replicationQuota: { status: 403, code: 4030005, message: 'Replication quota insufficient.' },
  containerAbnormal: { status: 403, code: 4030010, message: 'Container status abnormal.' },
  appAbnormal: { status: 403, code: 4030011, message: 'App status abnormal.' },
  noContainer: { status: 404, code: 4040002, message: 'No such container.' },
  noApp: { status: 404, code: 4040003, message: 'No such app.' },
  noApi: { status: 404, code: 4040006, message: 'No such api.' },
  method: { status: 405, code: 4050001, message: 'Http method not allowed.' },
  duplicateReplicas: { status: 409, code: 4090002, message: 'Duplicate replication size.' },
  duplicateApp: { status: 409, code: 4090003, message: 'Duplicate app name.' },
  mediaType: { status: 415, code: 4150001, message: 'Unsupported media type.' },
} as const

export type ErrorName = keyof typeof ERRORS
