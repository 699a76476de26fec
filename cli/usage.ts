// Written by `npm run docs` (scripts/docs.mjs) from the action-*/action.yml files: change them there.

export interface InputSpec {
  description: string
  /** action.yml's default (none where it is an expression of the runner's, such as `${{ github.token }}`) */
  default: string
  required: boolean
  /** read from the environment only (PAAS_<INPUT>), never from a flag */
  secret: boolean
  /** GitHub deployments and pull request comments: only inside GitHub Actions */
  githubOnly: boolean
}

export interface CommandSpec {
  description: string
  inputs: Record<string, InputSpec>
  outputs: readonly string[]
}

export type CommandName = 'deploy' | 'preview' | 'rollback' | 'scale' | 'traffic'

/** Each subcommand of paas-release: its action's description, inputs and outputs, as action.yml declares them. */
export const COMMANDS: Record<CommandName, CommandSpec> = {
  deploy: {
    description: 'Deploy an image to a PaaS service, wait for the platform, check its health and roll back on failure.',
    inputs: {
      platform: {
        description: 'The platform: jelastic, servicestage, alauda, netease or rancher.',
        default: '',
        required: true,
        secret: false,
        githubOnly: false,
      },
      'api-url': {
        description:
          "The platform's API address, e.g. https://app.jelastic.example.com (Jelastic) or the emulator's `http://127.0.0.1:PORT/<platform>`.",
        default: '',
        required: true,
        secret: false,
        githubOnly: false,
      },
      token: {
        description:
          'API token (Jelastic session or personal access token, ServiceStage IAM token, Alauda or NetEase token). Masked in all logs.',
        default: '',
        required: false,
        secret: true,
        githubOnly: false,
      },
      username: {
        description: 'User name to sign in with, where the platform takes one (Jelastic login, Alauda user).',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      password: {
        description: 'Password to sign in with, together with username. Masked in all logs.',
        default: '',
        required: false,
        secret: true,
        githubOnly: false,
      },
      'access-key': {
        description: 'Access key (Rancher API key, NetEase app key, Huawei Cloud AK for ServiceStage signing).',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'secret-key': {
        description: 'Secret key, together with access-key. Masked in all logs.',
        default: '',
        required: false,
        secret: true,
        githubOnly: false,
      },
      project: {
        description:
          'Platform scoping: ServiceStage project id, Alauda namespace, NetEase microservice namespace, Rancher project (environment) id. Not used on Jelastic.',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      application: {
        description: 'Platform scoping: ServiceStage application id. Not used on Jelastic.',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      timeout: {
        description:
          'The one deadline for everything the action waits for, such as 90s, 10m or 1h. A rollback after a failure gets the same time again.',
        default: '10m',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'dry-run': {
        description:
          'Read everything a real run would read (the service, the router and its release record, the GitHub deployments), check it, and stop before the first change: the `plan` output and the job summary list each write the run would make, in order, with before → after, and what a failure would undo. No change reaches the platform or GitHub.',
        default: 'false',
        required: false,
        secret: false,
        githubOnly: false,
      },
      service: {
        description:
          'The service that runs the image: a Jelastic environment, ServiceStage component, Alauda service, NetEase app or Rancher service. By name, or by the `service-id` an earlier step output (a ServiceStage component UUID, NetEase digits, a Rancher `1s…` id), read directly with no lookup; a value of the id form is taken as the id.',
        default: '',
        required: true,
        secret: false,
        githubOnly: false,
      },
      'node-group': {
        description: 'Jelastic: the node group that runs the image.',
        default: 'cp',
        required: false,
        secret: false,
        githubOnly: false,
      },
      image: {
        description: 'The image to deploy, as repository:tag. Required unless `source-version` is given.',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'source-version': {
        description:
          'NetEase apps, which build from source: the source version (commit, tag or revision) to build and deploy, instead of `image`. Outputs show it as `source@<version>`.',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      wait: {
        description: 'Wait for the platform to finish the deploy.',
        default: 'true',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'rollback-on-failure': {
        description:
          'When the deploy or its health check fails, deploy the previous image again, with the variables from before when the deploy changed them (ServiceStage and Rancher: their own rollback, which restores the whole version).',
        default: 'true',
        required: false,
        secret: false,
        githubOnly: false,
      },
      create: {
        description:
          'Create the service when it does not exist, from `image` and `create-spec`: on every platform, for NetEase apps only (not microservices), and on Rancher as a new stack (`service` as `stack/service`). A new service has nothing to roll back to.',
        default: 'false',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'create-spec': {
        description:
          "The platform's own fields for creating the service, as JSON, checked before any call; only with `create: true`. Jelastic: `env` and `nodes` (`createenvironment`'s); ServiceStage: `runtime_stack`, `environment_id`, `refer_resources`, `replica` and the component's other fields; Alauda: its service fields, such as `instance_size`; NetEase apps: its app fields, such as `spec_id`; Rancher: `dockerCompose` (required) and `rancherCompose` of the stack.",
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'gray-weight': {
        description:
          'ServiceStage: deploy as a gray release with this share of the traffic (1 to 99) for the new version; action-traffic then moves, promotes or abandons it.',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'gray-surge-mode': {
        description:
          'ServiceStage, with gray-weight: how the gray instances come in: mirror (blue/green: beside the stable ones), extra (canary: added first) or nosurge (canary: stable ones removed first).',
        default: 'mirror',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'gray-deployment-mode': {
        description:
          "ServiceStage, with gray-weight: the gray release's deployment_mode: 1 (application gateway / microservice engine), 3 (microservice center), 4 (dedicated ELB) or 6 (shared ELB); default the component's last gray release's, else 1.",
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'env-vars': {
        description:
          "Environment variables to merge into the service's (or, with `env-vars-update: replace`, to replace them with): `KEY=VALUE` lines or a JSON object of strings. Keys are a letter or `_`, then letters, digits and `_`; `PAAS_RELEASE_*` is the provenance's. Checked before any call; the summary names the keys added, changed or removed, never a value. A change of the variables is a change: a re-run with the same image and variables writes nothing. Jelastic: the node group's variables; ServiceStage: the component's `envs`; Alauda: `instance_envvars`; NetEase apps: `env_var`; NetEase microservices: the container's `envs` (`update-stateless`, waited for before the image's `update-image`); Rancher: `launchConfig.environment`.",
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'env-vars-update': {
        description:
          "merge (add or set the given variables, keep the others) or replace (keep only the given ones, and the platform's own such as Alauda's `__DEFAULT_DOMAIN_NAME__`). On Jelastic, whose API lists the image's own variables (PATH, HOME …) with the rest, replace removes only those earlier deploys of this action set (their names are kept in the environment property `paasReleaseVars`); the image's own and those set by hand stay.",
        default: 'merge',
        required: false,
        secret: false,
        githubOnly: false,
      },
      provenance: {
        description:
          "Record where the deploy came from (commit, repository, workflow run URL, actor) with the deploy's write: Rancher service labels `io.paas-release.*`, ServiceStage component labels `paas-release-*` (with the repository and run URL as `PAAS_RELEASE_*` envs, too long for a label), Jelastic environment properties `paasRelease*`, and `PAAS_RELEASE_*` variables on Alauda and NetEase (on a microservice an `update-stateless` of its own before the image's, so none with `wait: false`, which says so in a warning). It rides along with a real write only: a re-run that changes nothing writes no provenance. `false` turns it off.",
        default: 'true',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'batch-size': {
        description: 'Rancher: containers replaced at a time in the in-service upgrade.',
        default: '1',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'batch-interval': {
        description: 'Rancher: the time between two batches of the upgrade.',
        default: '2s',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'start-first': {
        description: 'Rancher: start each new container before stopping the old one.',
        default: 'false',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'finish-upgrade': {
        description:
          'Rancher: finish the upgrade once it is done; `false` keeps it open for a check by hand, and `action-rollback` can still roll it back.',
        default: 'true',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'health-url': {
        description: 'A URL to probe after the deploy; the deploy fails when the probes do.',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'health-samples': {
        description: 'How many probes of health-url; every one must answer with health-status.',
        default: '5',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'health-interval': {
        description: 'Time between two probes.',
        default: '1s',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'health-status': {
        description: 'Expected status of the probes: codes or classes such as 200, 2xx or 200,204.',
        default: '2xx',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'health-json-field': {
        description: 'A JSON field the probes must find in the answer, as a path such as status or checks.db.',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'health-json-value': {
        description: 'The value health-json-field must have, compared as text.',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'health-max-latency': {
        description: 'The longest a probe may take to answer, such as 500ms; slower is a bad answer.',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'github-token': {
        description:
          'A token that may write deployments: each run is recorded as a GitHub deployment of the commit to `environment`, and the deployments are the release ledger `action-rollback` reads. Empty: nothing is recorded, and the log says so. Masked.',
        default: '',
        required: false,
        secret: true,
        githubOnly: true,
      },
      environment: {
        description: 'The GitHub environment of the deployment, such as `production` or `pr-42`.',
        default: 'production',
        required: false,
        secret: false,
        githubOnly: true,
      },
    },
    outputs: ['image', 'service-id', 'previous-image', 'operation-id', 'url', 'rolled-back', 'deployment-id', 'plan'],
  },
  preview: {
    description: 'Every pull request gets its own environment: up on open and push, down on close, sweep on a schedule.',
    inputs: {
      platform: {
        description: 'The platform: jelastic, servicestage, alauda, netease or rancher.',
        default: '',
        required: true,
        secret: false,
        githubOnly: false,
      },
      'api-url': {
        description:
          "The platform's API address, e.g. https://app.jelastic.example.com (Jelastic) or the emulator's `http://127.0.0.1:PORT/<platform>`.",
        default: '',
        required: true,
        secret: false,
        githubOnly: false,
      },
      token: {
        description:
          'API token (Jelastic session or personal access token, ServiceStage IAM token, Alauda or NetEase token). Masked in all logs.',
        default: '',
        required: false,
        secret: true,
        githubOnly: false,
      },
      username: {
        description: 'User name to sign in with, where the platform takes one (Jelastic login, Alauda user).',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      password: {
        description: 'Password to sign in with, together with username. Masked in all logs.',
        default: '',
        required: false,
        secret: true,
        githubOnly: false,
      },
      'access-key': {
        description: 'Access key (Rancher API key, NetEase app key, Huawei Cloud AK for ServiceStage signing).',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'secret-key': {
        description: 'Secret key, together with access-key. Masked in all logs.',
        default: '',
        required: false,
        secret: true,
        githubOnly: false,
      },
      project: {
        description:
          'Platform scoping: ServiceStage project id, Alauda namespace, NetEase microservice namespace, Rancher project (environment) id. Not used on Jelastic.',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      application: {
        description: 'Platform scoping: ServiceStage application id. Not used on Jelastic.',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      timeout: {
        description:
          'The one deadline for everything the action waits for, such as 90s, 10m or 1h. A rollback after a failure gets the same time again. A sweep gives the wait of each removal an even share of the time left (what one does not use passes to the next), and, once the others are done, waits again for the removals not done within their share, each with an even share of the time then left.',
        default: '10m',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'dry-run': {
        description:
          'Read everything a real run would read (the service, the router and its release record, the GitHub deployments), check it, and stop before the first change: the `plan` output and the job summary list each write the run would make, in order, with before → after, and what a failure would undo. No change reaches the platform or GitHub.',
        default: 'false',
        required: false,
        secret: false,
        githubOnly: false,
      },
      command: {
        description:
          '`up` (create or update the PR preview and wait), `down` (remove it), or `sweep` (remove previews whose PR is closed or that are older than `ttl`).',
        default: '',
        required: true,
        secret: false,
        githubOnly: false,
      },
      'service-template': {
        description:
          'The preview service name with `{pr}` for the pull request number, such as `shop-pr-{pr}`. A service whose name does not carry the number is never touched.',
        default: 'preview-pr-{pr}',
        required: false,
        secret: false,
        githubOnly: false,
      },
      pr: {
        description: 'The pull request number; by default the one the `pull_request` event names.',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      image: {
        description: '`up`: the image to run, as repository:tag. Required for `up` unless `source-version` is given.',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'source-version': {
        description:
          '`up`, NetEase apps (which build from source): the source version (commit, tag or revision) to build the preview from, instead of `image`; only on `netease`, never with `image`. Outputs show it as `source@<version>`.',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'node-group': {
        description: 'Jelastic: the node group that runs the image.',
        default: 'cp',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'create-spec': {
        description:
          '`up`: the platform fields to create the preview with, as JSON (Jelastic `env` and `nodes`, ServiceStage, Alauda, NetEase apps, Rancher compose).',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      ttl: {
        description: '`sweep`: previews older than this are removed even while their PR is open, in hours or days such as `72h` or `7d`.',
        default: '7d',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'env-vars': {
        description:
          "Environment variables to merge into the service's (or, with `env-vars-update: replace`, to replace them with): `KEY=VALUE` lines or a JSON object of strings. Keys are a letter or `_`, then letters, digits and `_`; `PAAS_RELEASE_*` is the provenance's. Checked before any call; the summary names the keys added, changed or removed, never a value. A change of the variables is a change: a re-run with the same image and variables writes nothing. Jelastic: the node group's variables; ServiceStage: the component's `envs`; Alauda: `instance_envvars`; NetEase apps: `env_var`; NetEase microservices: the container's `envs` (`update-stateless`, waited for before the image's `update-image`); Rancher: `launchConfig.environment`.",
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'env-vars-update': {
        description:
          "merge (add or set the given variables, keep the others) or replace (keep only the given ones, and the platform's own such as Alauda's `__DEFAULT_DOMAIN_NAME__`). On Jelastic, whose API lists the image's own variables (PATH, HOME …) with the rest, replace removes only those earlier deploys of this action set (their names are kept in the environment property `paasReleaseVars`); the image's own and those set by hand stay.",
        default: 'merge',
        required: false,
        secret: false,
        githubOnly: false,
      },
      provenance: {
        description:
          "Record where the deploy came from (commit, repository, workflow run URL, actor) with the deploy's write: Rancher service labels `io.paas-release.*`, ServiceStage component labels `paas-release-*` (with the repository and run URL as `PAAS_RELEASE_*` envs, too long for a label), Jelastic environment properties `paasRelease*`, and `PAAS_RELEASE_*` variables on Alauda and NetEase (on a microservice an `update-stateless` of its own before the image's, so none with `wait: false`, which says so in a warning). It rides along with a real write only: a re-run that changes nothing writes no provenance. `false` turns it off.",
        default: 'true',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'github-token': {
        description: 'A token that may write deployments and pull request comments; `sweep` needs it. Masked.',
        default: '',
        required: false,
        secret: true,
        githubOnly: true,
      },
    },
    outputs: [
      'service',
      'url',
      'comment-id',
      'deployment-id',
      'removed',
      'service-id',
      'image',
      'previous-image',
      'operation-id',
      'rolled-back',
      'plan',
    ],
  },
  rollback: {
    description: 'Return a PaaS service to an earlier image, or send traffic back to the side that served before.',
    inputs: {
      platform: {
        description: 'The platform: jelastic, servicestage, alauda, netease or rancher.',
        default: '',
        required: true,
        secret: false,
        githubOnly: false,
      },
      'api-url': {
        description:
          "The platform's API address, e.g. https://app.jelastic.example.com (Jelastic) or the emulator's `http://127.0.0.1:PORT/<platform>`.",
        default: '',
        required: true,
        secret: false,
        githubOnly: false,
      },
      token: {
        description:
          'API token (Jelastic session or personal access token, ServiceStage IAM token, Alauda or NetEase token). Masked in all logs.',
        default: '',
        required: false,
        secret: true,
        githubOnly: false,
      },
      username: {
        description: 'User name to sign in with, where the platform takes one (Jelastic login, Alauda user).',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      password: {
        description: 'Password to sign in with, together with username. Masked in all logs.',
        default: '',
        required: false,
        secret: true,
        githubOnly: false,
      },
      'access-key': {
        description: 'Access key (Rancher API key, NetEase app key, Huawei Cloud AK for ServiceStage signing).',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'secret-key': {
        description: 'Secret key, together with access-key. Masked in all logs.',
        default: '',
        required: false,
        secret: true,
        githubOnly: false,
      },
      project: {
        description:
          'Platform scoping: ServiceStage project id, Alauda namespace, NetEase microservice namespace, Rancher project (environment) id. Not used on Jelastic.',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      application: {
        description: 'Platform scoping: ServiceStage application id. Not used on Jelastic.',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      timeout: {
        description:
          'The one deadline for everything the action waits for, such as 90s, 10m or 1h. A rollback after a failure gets the same time again.',
        default: '10m',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'dry-run': {
        description:
          'Read everything a real run would read (the service, the router and its release record, the GitHub deployments), check it, and stop before the first change: the `plan` output and the job summary list each write the run would make, in order, with before → after, and what a failure would undo. No change reaches the platform or GitHub.',
        default: 'false',
        required: false,
        secret: false,
        githubOnly: false,
      },
      service: {
        description:
          'The service that runs the image: a Jelastic environment, ServiceStage component, Alauda service, NetEase app or Rancher service. By name, or by the `service-id` an earlier step output (a ServiceStage component UUID, NetEase digits, a Rancher `1s…` id), read directly with no lookup; a value of the id form is taken as the id.',
        default: '',
        required: true,
        secret: false,
        githubOnly: false,
      },
      'node-group': {
        description: 'Jelastic: the node group that runs the image.',
        default: 'cp',
        required: false,
        secret: false,
        githubOnly: false,
      },
      to: {
        description:
          '`previous` (with router, blue and green: all traffic back to the side that served before, started first when it was stopped) or an image as repository:tag to deploy (NetEase apps: `source@<version>`).',
        default: 'previous',
        required: false,
        secret: false,
        githubOnly: false,
      },
      router: {
        description: 'The router, to roll back by sending traffic to the other side.',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      blue: {
        description: 'The blue side behind router. ServiceStage: a label for the stable version (`stable` when left out).',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      green: {
        description: 'The green side behind router. ServiceStage: a label for the gray version (`gray` when left out).',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      wait: {
        description: 'Wait for the platform to finish the redeploy.',
        default: 'true',
        required: false,
        secret: false,
        githubOnly: false,
      },
      reason: {
        description: 'Why the rollback was made, shown in the job summary (a workflow_dispatch input, say).',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'github-token': {
        description:
          'A token that may write deployments: each run is recorded as a GitHub deployment of the commit to `environment`, and the deployments are the release ledger `action-rollback` reads. Empty: nothing is recorded, and the log says so. Masked.',
        default: '',
        required: false,
        secret: true,
        githubOnly: true,
      },
      environment: {
        description: 'The GitHub environment of the deployment, such as `production` or `pr-42`.',
        default: 'production',
        required: false,
        secret: false,
        githubOnly: true,
      },
    },
    outputs: ['image', 'service-id', 'weights', 'deployment-id', 'plan'],
  },
  scale: {
    description: 'Set the number of replicas of a PaaS service and wait until they run.',
    inputs: {
      platform: {
        description: 'The platform: jelastic, servicestage, alauda, netease or rancher.',
        default: '',
        required: true,
        secret: false,
        githubOnly: false,
      },
      'api-url': {
        description:
          "The platform's API address, e.g. https://app.jelastic.example.com (Jelastic) or the emulator's `http://127.0.0.1:PORT/<platform>`.",
        default: '',
        required: true,
        secret: false,
        githubOnly: false,
      },
      token: {
        description:
          'API token (Jelastic session or personal access token, ServiceStage IAM token, Alauda or NetEase token). Masked in all logs.',
        default: '',
        required: false,
        secret: true,
        githubOnly: false,
      },
      username: {
        description: 'User name to sign in with, where the platform takes one (Jelastic login, Alauda user).',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      password: {
        description: 'Password to sign in with, together with username. Masked in all logs.',
        default: '',
        required: false,
        secret: true,
        githubOnly: false,
      },
      'access-key': {
        description: 'Access key (Rancher API key, NetEase app key, Huawei Cloud AK for ServiceStage signing).',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'secret-key': {
        description: 'Secret key, together with access-key. Masked in all logs.',
        default: '',
        required: false,
        secret: true,
        githubOnly: false,
      },
      project: {
        description:
          'Platform scoping: ServiceStage project id, Alauda namespace, NetEase microservice namespace, Rancher project (environment) id. Not used on Jelastic.',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      application: {
        description: 'Platform scoping: ServiceStage application id. Not used on Jelastic.',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      timeout: {
        description:
          'The one deadline for everything the action waits for, such as 90s, 10m or 1h. A rollback after a failure gets the same time again.',
        default: '10m',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'dry-run': {
        description:
          'Read everything a real run would read (the service, the router and its release record, the GitHub deployments), check it, and stop before the first change: the `plan` output and the job summary list each write the run would make, in order, with before → after, and what a failure would undo. No change reaches the platform or GitHub.',
        default: 'false',
        required: false,
        secret: false,
        githubOnly: false,
      },
      service: {
        description:
          'The service that runs the image: a Jelastic environment, ServiceStage component, Alauda service, NetEase app or Rancher service. By name, or by the `service-id` an earlier step output (a ServiceStage component UUID, NetEase digits, a Rancher `1s…` id), read directly with no lookup; a value of the id form is taken as the id. Required, except with the webhook inputs: with `webhook-url` it is the service the trigger is waited on; the other webhook inputs do not use it.',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'node-group': {
        description: 'Jelastic: the node group that runs the image.',
        default: 'cp',
        required: false,
        secret: false,
        githubOnly: false,
      },
      replicas: {
        description:
          'The number of replicas (Jelastic: nodes in the node group), 0 to 1000 (a NetEase microservice: 1 to 5). Required unless autoscaling is on; with `autoscaling: off`, the fixed count to go back to.',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      autoscaling: {
        description:
          '`on`: the platform scales the service itself between `min-replicas` and `max-replicas` by CPU use; `off`: back to a fixed count. Empty: the scaling mode is left as it is. Alauda only.',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'min-replicas': {
        description: 'With autoscaling on: the fewest replicas.',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'max-replicas': {
        description: 'With autoscaling on: the most replicas.',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'scale-up-cpu': {
        description: 'With autoscaling on: a replica is added while mean CPU use is above this percentage.',
        default: '60',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'scale-down-cpu': {
        description: 'With autoscaling on: a replica is removed while mean CPU use is below this percentage.',
        default: '10',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'scale-step': {
        description: 'With autoscaling on: how many replicas are added or removed at a time.',
        default: '1',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'scale-cooldown': {
        description: 'With autoscaling on: how long the platform waits between two changes.',
        default: '30s',
        required: false,
        secret: false,
        githubOnly: false,
      },
      lifecycle: {
        description:
          'Instead of `replicas` or `autoscaling`: `start`, `stop`, `restart` or `remove` the service, and wait until it is so. Jelastic: start/stop environments, restart nodes, remove deletes the environment; ServiceStage: all four; Alauda: start, stop, remove; NetEase: restart of a microservice, remove of either kind; Rancher: activate, deactivate, restart, remove. A start of a running service, a stop of a stopped one or a removal of a missing one writes nothing. `remove` deletes the service: use it to clean up a side a release left behind.',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'webhook-url': {
        description:
          "Rancher: instead of `replicas`, call this webhook receiver trigger URL (scaleService or scaleHost) with no credentials, as Rancher's webhook service wants. Masked: it holds the receiver key.",
        default: '',
        required: false,
        secret: true,
        githubOnly: false,
      },
      'webhook-create': {
        description:
          'Rancher: create a webhook receiver in the project, as JSON `{"name", "driver", "<driver>Config"}`; its id is the `webhook-id` output, its trigger URL is never shown.',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'webhook-list': {
        description: "Rancher: `true` lists the project's webhook receivers (name, driver, state, id) in the `webhooks` output.",
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
    },
    outputs: ['replicas', 'service-id', 'operation-id', 'autoscaling', 'webhook-id', 'webhooks', 'plan'],
  },
  traffic: {
    description: 'Shift a percentage of traffic between blue and green behind a router, and read back what the router really does.',
    inputs: {
      platform: {
        description: 'The platform: jelastic, servicestage, alauda, netease or rancher.',
        default: '',
        required: true,
        secret: false,
        githubOnly: false,
      },
      'api-url': {
        description:
          "The platform's API address, e.g. https://app.jelastic.example.com (Jelastic) or the emulator's `http://127.0.0.1:PORT/<platform>`.",
        default: '',
        required: true,
        secret: false,
        githubOnly: false,
      },
      token: {
        description:
          'API token (Jelastic session or personal access token, ServiceStage IAM token, Alauda or NetEase token). Masked in all logs.',
        default: '',
        required: false,
        secret: true,
        githubOnly: false,
      },
      username: {
        description: 'User name to sign in with, where the platform takes one (Jelastic login, Alauda user).',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      password: {
        description: 'Password to sign in with, together with username. Masked in all logs.',
        default: '',
        required: false,
        secret: true,
        githubOnly: false,
      },
      'access-key': {
        description: 'Access key (Rancher API key, NetEase app key, Huawei Cloud AK for ServiceStage signing).',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'secret-key': {
        description: 'Secret key, together with access-key. Masked in all logs.',
        default: '',
        required: false,
        secret: true,
        githubOnly: false,
      },
      project: {
        description:
          'Platform scoping: ServiceStage project id, Alauda namespace, NetEase microservice namespace, Rancher project (environment) id. Not used on Jelastic.',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      application: {
        description: 'Platform scoping: ServiceStage application id. Not used on Jelastic.',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      timeout: {
        description:
          'The one deadline for everything the action waits for, such as 90s, 10m or 1h. A rollback after a failure gets the same time again.',
        default: '10m',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'dry-run': {
        description:
          'Read everything a real run would read (the service, the router and its release record, the GitHub deployments), check it, and stop before the first change: the `plan` output and the job summary list each write the run would make, in order, with before → after, and what a failure would undo. No change reaches the platform or GitHub.',
        default: 'false',
        required: false,
        secret: false,
        githubOnly: false,
      },
      router: {
        description:
          'The router in front of blue and green: a Jelastic environment holding a Traffic Distributor (installed when it does not exist yet); on ServiceStage, the component running a gray release.',
        default: '',
        required: true,
        secret: false,
        githubOnly: false,
      },
      blue: {
        description: 'The blue side: a service behind the router. ServiceStage: a label for the stable version (`stable` when left out).',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      green: {
        description: 'The green side: a service behind the router. ServiceStage: a label for the gray version (`gray` when left out).',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      command: {
        description:
          'release: walk `percentage` or `steps`; promote: all traffic to green now (behind the gate); abort: all traffic back to blue; status: read the router only, and set `stable` to the live side and `candidate` to the idle one. A promote at 100% and an abort with nothing in flight do nothing and succeed.',
        default: 'release',
        required: false,
        secret: false,
        githubOnly: false,
      },
      percentage: {
        description: 'The share of traffic for green, 0 to 100, in one step. Give this or `steps`.',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'routing-method': {
        description:
          'How the router splits: round-robin, sticky-sessions or failover (failover takes 0 or 100 only). Empty: the router keeps its method (round-robin for a new one).',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      steps: {
        description:
          'Steps for green, each held behind the health gate before the next: weight[:hold], rising, such as 10:2m,50:5m,100. Give this or `percentage`.',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'health-url': {
        description:
          'The gate: a URL probed through the router at every step, and on green directly at the same path when its URL is known. No gate without it.',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'health-samples': {
        description:
          'Good answers needed at a step before it can pass (each tick probes the router and green); a bad answer or a probe that could not run does not count.',
        default: '5',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'health-interval': {
        description: 'Time between two rounds of probes.',
        default: '1s',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'health-status': {
        description: 'Expected status of the probes: codes or classes such as 200, 2xx or 200,204.',
        default: '2xx',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'health-json-field': {
        description: 'A JSON field the probes must find in the answer, as a path such as status or checks.db.',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'health-json-value': {
        description: 'The value health-json-field must have, compared as text.',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'health-max-latency': {
        description: 'The longest a probe may take to answer, such as 500ms; slower is a bad answer.',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'failure-limit': {
        description: 'Bad answers (status, JSON field, latency) a step tolerates; one more aborts the release.',
        default: '0',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'consecutive-error-limit': {
        description:
          'Probes in a row of one URL (the router, or green directly) that could not run (refused, timed out) that abort the release.',
        default: '3',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'abort-scale-down-delay': {
        description: 'After an abort has put all traffic on blue, how long before green is taken out of service (stopped).',
        default: '30s',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'keep-candidate-on-abort': {
        description: 'Keep green running after an abort, for a look at what went wrong.',
        default: 'false',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'in-flight': {
        description:
          'When another release is in flight on the router (its record says so and the router is split): wait for it to end, or fail at once. A re-run of the same release goes on.',
        default: 'wait',
        required: false,
        secret: false,
        githubOnly: false,
      },
      'release-id': {
        description:
          'Who this release is, in the record kept on the router; by default the repository and the workflow run, so a re-run goes on with its own release.',
        default: '',
        required: false,
        secret: false,
        githubOnly: false,
      },
    },
    outputs: ['weights', 'phase', 'weight', 'verdict', 'reason', 'stable', 'candidate', 'plan'],
  },
}
