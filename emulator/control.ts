import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AlaudaEmulator } from './alauda/api.js'
import type { AlaudaState } from './alauda/state.js'
import type { Images } from './apps.js'
import type { NeteaseEmulator } from './netease/api.js'
import type { RancherEmulator } from './rancher/api.js'
import type { RancherState } from './rancher/state.js'
import type { NeteaseState } from './netease/state.js'
import type { Faults } from './faults.js'
import { readBody, sendJson } from './http-util.js'
import type { JelasticEmulator } from './jelastic/api.js'
import type { JelasticState } from './jelastic/state.js'
import type { ServiceStageEmulator } from './servicestage/api.js'
import type { ServiceStageState } from './servicestage/state.js'
import type { RequestLogEntry } from './server.js'
import { seedBatch } from './netease/seed.js'
import { seedComponents } from './servicestage/seed.js'

export interface ControlTargets {
  faults: Faults
  images: Images
  jelastic: JelasticState
  jelasticApi: JelasticEmulator
  servicestage: ServiceStageState
  servicestageApi: ServiceStageEmulator
  alauda: AlaudaState
  alaudaApi: AlaudaEmulator
  netease: NeteaseState
  neteaseApi: NeteaseEmulator
  rancher: RancherState
  rancherApi: RancherEmulator
  requests: RequestLogEntry[]
}

/**
 * The control API under `/_emulator`: set up state, mark images unhealthy, inject faults, read
 * state and the request log. Not part of any platform; documented in emulator/README.md.
 */
export async function handleControl(path: string, req: IncomingMessage, res: ServerResponse, targets: ControlTargets): Promise<void> {
  const text = await readBody(req)
  let body: Record<string, unknown>
  try {
    body = text ? JSON.parse(text) : {}
  } catch {
    return sendJson(res, 400, { error: 'the control API takes JSON bodies' })
  }
  const route = `${req.method} ${path}`
  const { faults, images, jelastic } = targets
  switch (route) {
    case 'GET /state':
      return sendJson(res, 200, {
        jelastic: {
          environments: [...jelastic.envs.values()].map((env) => targets.jelasticApi.envInfo(env)),
          sessions: [...jelastic.sessions],
        },
        servicestage: { components: [...targets.servicestage.components.values()].map((c) => targets.servicestageApi.view(c)) },
        alauda: {
          services: [...targets.alauda.services.values()].map((s) => targets.alaudaApi.view(s)),
          tokens: [...targets.alauda.tokens],
        },
        netease: {
          apps: [...targets.netease.apps.values()].map((a) => targets.neteaseApi.view(a)),
          microservices: [...targets.netease.microservices.values()].map((m) => targets.neteaseApi.microserviceView(m)),
          tokens: [...targets.netease.tokens],
        },
        rancher: {
          stacks: [...targets.rancher.stacks.values()].map((s) => targets.rancherApi.stackView(s)),
          services: [...targets.rancher.services.values()].map((s) => targets.rancherApi.view(s)),
          hosts: targets.rancherApi.webhooks.hosts,
          receivers: [...targets.rancherApi.webhooks.receivers.values()],
          forwarded: targets.rancherApi.webhooks.forwarded,
        },
        images: { unhealthy: [...images.unhealthy], failing: [...images.failing], stuck: [...images.stuck] },
        faults: faults.list(),
      })
    case 'GET /requests':
      return sendJson(res, 200, targets.requests)
    case 'DELETE /requests':
      targets.requests.length = 0
      return sendJson(res, 200, { ok: true })
    case 'POST /reset':
      jelastic.reset()
      targets.servicestage.reset()
      targets.alauda.reset()
      targets.netease.reset()
      targets.rancher.reset()
      targets.rancherApi.webhooks.reset()
      images.clear()
      faults.clear()
      targets.requests.length = 0
      return sendJson(res, 200, { ok: true })
    case 'POST /faults': {
      const rule = faults.parse(body)
      if (typeof rule === 'string') return sendJson(res, 400, { error: rule })
      faults.add(rule)
      return sendJson(res, 200, { ok: true, faults: faults.list() })
    }
    case 'DELETE /faults':
      faults.clear()
      return sendJson(res, 200, { ok: true })
    case 'POST /images': {
      const image = String(body.image ?? '')
      // a NetEase app runs a source version, marked as source@<version>
      if (!image.includes(':') && !image.startsWith('source@'))
        return sendJson(res, 400, { error: 'give "image" as repository:tag or source@<version>' })
      for (const [flag, set] of [
        ['unhealthy', images.unhealthy],
        ['failing', images.failing],
      ] as const) {
        if (body[flag] === true) set.add(image)
        if (body[flag] === false) set.delete(image)
      }
      // lifting the mark lets what waits on the image go on
      if (typeof body.stuck === 'boolean') images.setStuck(image, body.stuck)
      return sendJson(res, 200, {
        ok: true,
        image,
        unhealthy: images.unhealthy.has(image),
        failing: images.failing.has(image),
        stuck: images.stuck.has(image),
      })
    }
    case 'POST /jelastic/environments': {
      const { envName, image, nodes, nodeGroup } = body as { envName?: string; image?: string; nodes?: number; nodeGroup?: string }
      if (!envName || !image?.includes(':')) return sendJson(res, 400, { error: 'give "envName" and "image" (repository:tag)' })
      jelastic.createEnv(envName, image, nodes ?? 1, nodeGroup ?? 'cp')
      return sendJson(
        res,
        200,
        targets.jelasticApi.envInfo(jelastic.envs.get(envName) as NonNullable<ReturnType<typeof jelastic.envs.get>>),
      )
    }
    case 'POST /jelastic/node-status': {
      // one node of an environment goes down (status 2) or comes back (1), as a crashed container would
      const { envName, status } = body as { envName?: string; status?: number }
      const node = jelastic.envs.get(envName ?? '')?.nodes[0]
      if (!node || (status !== 1 && status !== 2))
        return sendJson(res, 400, { error: 'give "envName" of an environment with nodes, and "status" 1 or 2' })
      node.status = status
      return sendJson(res, 200, { ok: true })
    }
    case 'POST /servicestage/components': {
      const { project, application, name, image, replica } = body as Record<string, unknown>
      if (![project, application, name].every((v) => typeof v === 'string' && v) || typeof image !== 'string' || !image.includes(':')) {
        return sendJson(res, 400, { error: 'give "project", "application", "name" and "image" (repository:tag)' })
      }
      const component = targets.servicestage.createComponent(
        project as string,
        application as string,
        name as string,
        image,
        Number(replica ?? 2),
      )
      return sendJson(res, 200, targets.servicestageApi.view(component))
    }
    case 'POST /servicestage/components/batch':
      return seedComponents(res, body, targets.servicestage)
    case 'POST /servicestage/timing':
      targets.servicestage.taskMs = Number(body.taskMs ?? targets.servicestage.taskMs)
      return sendJson(res, 200, { taskMs: targets.servicestage.taskMs })
    case 'POST /alauda/services': {
      // a service that already runs, every instance up
      const { namespace, name, image, instances, domain, stopped } = body as Record<string, unknown>
      const colon = typeof image === 'string' ? image.lastIndexOf(':') : -1
      if (typeof namespace !== 'string' || typeof name !== 'string' || colon <= 0) {
        return sendJson(res, 400, { error: 'give "namespace", "name" and "image" (repository:tag)' })
      }
      const service = targets.alauda.seed({
        namespace,
        service_name: name,
        image_name: (image as string).slice(0, colon),
        image_tag: (image as string).slice(colon + 1),
        target_num_instances: Number(instances ?? 2),
        ...(typeof domain === 'string' && { custom_domain_name: domain }),
        ...(stopped === true && { target_state: 'STOPPED' as const }),
      })
      return sendJson(res, 200, targets.alaudaApi.view(service))
    }
    case 'POST /alauda/timing':
      targets.alauda.instanceMs = Number(body.instanceMs ?? targets.alauda.instanceMs)
      return sendJson(res, 200, { instanceMs: targets.alauda.instanceMs })
    case 'POST /alauda/expire-tokens':
      // every token handed out by generate-api-token stops working, as an expired one would
      for (const token of [...targets.alauda.tokens])
        if (token.startsWith('alauda-') && token !== 'alauda-demo-token-0123456789') targets.alauda.tokens.delete(token)
      return sendJson(res, 200, { ok: true })
    case 'POST /netease/apps': {
      // an app already built from `version` with every container running
      const { name, version, replicas, domain } = body as Record<string, unknown>
      if (typeof name !== 'string' || typeof version !== 'string') return sendJson(res, 400, { error: 'give "name" and "version"' })
      const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
      const app = {
        id: targets.netease.id(),
        name,
        desc: '',
        domain: typeof domain === 'string' ? domain : '',
        status: 'create_succ' as const,
        replicas: Number(replicas ?? 2),
        spec_id: 1,
        image_id: 10006,
        image_type: 1,
        version_control: { type: 'git', path: 'https://git.example.com/team/shop.git', branch: 'main', version },
        docker_file_type: 1,
        custom_docker_file: '',
        log_dirs: [],
        env_var: {},
        hook: targets.netease.hookId(),
        containers: [] as ReturnType<NeteaseState['container']>[],
        created_at: now,
        updated_at: now,
      }
      for (let i = 0; i < app.replicas; i++) app.containers.push(targets.netease.container(`source@${version}`))
      targets.netease.apps.set(app.id, app)
      return sendJson(res, 200, targets.neteaseApi.view(app))
    }
    case 'POST /netease/microservices': {
      const { name, image, replicas, stateful } = body as Record<string, unknown>
      if (typeof name !== 'string' || typeof image !== 'string' || !image.includes(':')) {
        return sendJson(res, 400, { error: 'give "name" and "image" (repository:tag)' })
      }
      const service = {
        id: targets.netease.id(),
        namespace_id: 101,
        service_name: name,
        stateful: stateful === true ? 1 : 0,
        replicas: Number(replicas ?? 2),
        status: 'create_succ',
        container_id: targets.netease.id(),
        image_path: image,
        containers: [] as ReturnType<NeteaseState['container']>[],
      }
      for (let i = 0; i < service.replicas; i++) service.containers.push(targets.netease.container(image))
      targets.netease.microservices.set(service.id, service)
      return sendJson(res, 200, targets.neteaseApi.microserviceView(service))
    }
    case 'POST /netease/apps/batch':
      return seedBatch(res, 'apps', body, targets.netease)
    case 'POST /netease/microservices/batch':
      return seedBatch(res, 'microservices', body, targets.netease)
    case 'POST /netease/timing':
      if (body.containerMs !== undefined) targets.netease.containerMs = Number(body.containerMs)
      if (body.watchMs !== undefined) targets.netease.watchMs = Number(body.watchMs)
      if (body.buildStartMs !== undefined) targets.netease.buildStartMs = Number(body.buildStartMs)
      return sendJson(res, 200, {
        containerMs: targets.netease.containerMs,
        watchMs: targets.netease.watchMs,
        buildStartMs: targets.netease.buildStartMs,
      })
    case 'POST /netease/rate-limit':
      targets.netease.ratePerSecond = Number(body.perSecond ?? 0)
      return sendJson(res, 200, { perSecond: targets.netease.ratePerSecond })
    case 'POST /rancher/services': {
      // an active service in a stack of project 1a5 (the stack made when missing)
      const { stack, name, image, scale, labels } = body as Record<string, unknown>
      if (typeof stack !== 'string' || typeof name !== 'string' || typeof image !== 'string' || !image.includes(':')) {
        return sendJson(res, 400, { error: 'give "stack", "name" and "image" (repository:tag)' })
      }
      const found = [...targets.rancher.stacks.values()].find((s) => s.name === stack) ?? targets.rancher.newStack('1a5', stack)
      const service = targets.rancher.newService(found, name, image, Number(scale ?? 2), true)
      if (typeof labels === 'object' && labels !== null) service.launchConfig.labels = labels
      return sendJson(res, 200, targets.rancherApi.view(service))
    }
    case 'POST /rancher/load-balancers': {
      // a load balancer in a stack, one port rule from `port` to the service `target` of that stack
      const { stack, name, port, target } = body as Record<string, unknown>
      const found = [...targets.rancher.stacks.values()].find((s) => s.name === stack)
      const to = [...targets.rancher.services.values()].find((s) => s.stackId === found?.id && s.name === target)
      if (!found || typeof name !== 'string' || !to || !Number.isInteger(port)) {
        return sendJson(res, 400, { error: 'give "stack", "name", "port" and "target" (a service of that stack)' })
      }
      const lb = targets.rancher.newService(found, name, 'rancher/lb-service-haproxy:v0.9.1', 1, true)
      lb.lbConfig = { portRules: [{ serviceId: to.id, sourcePort: port as number, targetPort: 8080, protocol: 'http' }] }
      return sendJson(res, 200, targets.rancherApi.view(lb))
    }
    case 'POST /rancher/hosts': {
      const { count, labels } = body as { count?: number; labels?: Record<string, string> }
      for (let i = 0; i < (count ?? 1); i++) targets.rancherApi.webhooks.addHost('1a5', labels ?? {})
      return sendJson(res, 200, { hosts: targets.rancherApi.webhooks.hosts })
    }
    case 'POST /rancher/schema':
      // whether port rules have weight (Rancher 1.6.13 and later) or not (before)
      if (typeof body.portRuleWeights !== 'boolean') return sendJson(res, 400, { error: 'give "portRuleWeights": true or false' })
      targets.rancher.portRuleWeights = body.portRuleWeights
      return sendJson(res, 200, { portRuleWeights: targets.rancher.portRuleWeights })
    case 'POST /rancher/timing':
      targets.rancher.batchMs = Number(body.batchMs ?? targets.rancher.batchMs)
      return sendJson(res, 200, { batchMs: targets.rancher.batchMs })
    case 'POST /jelastic/expire-sessions':
      jelastic.sessions.clear()
      return sendJson(res, 200, { ok: true })
    case 'POST /jelastic/timing':
      Object.assign(jelastic.timing, body)
      return sendJson(res, 200, jelastic.timing)
    default:
      return sendJson(res, 404, { error: `no control route ${route}` })
  }
}
