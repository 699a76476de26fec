import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { EmulatorProcess } from '../support/emulator.js'
import { ApiError, type Collection, GdapiClient, type Resource } from '../support/gdapi-client.js'
import facts from '../support/vendor/rancher-facts.json' with { type: 'json' }

// A walk as Rancher's own client makes it (gdapi-python), from the API root through the schemas
// to an upgrade; any refusal, or a field the vendor's types have and the emulator lacks, fails it.

const ACCESS = 'rancher-demo-access'
const SECRET = 'rancher-demo-secret-0123'
const V1 = 'registry.example.com/team/web:v1'
const V2 = 'registry.example.com/team/web:v2'

let emulator: EmulatorProcess
let api = ''

beforeAll(async () => {
  emulator = await EmulatorProcess.start()
  api = `${emulator.url('rancher')}/v2-beta`
})
afterAll(() => emulator.stop())
beforeEach(async () => {
  await emulator.control('POST', '/reset')
  await emulator.control('POST', '/rancher/timing', { batchMs: 20 })
  await emulator.control('POST', '/rancher/services', { stack: 'shop', name: 'web', image: V1, scale: 2 })
  await emulator.control('POST', '/rancher/services', { stack: 'shop', name: 'web-green', image: V1, scale: 1 })
  await emulator.control('POST', '/rancher/load-balancers', { stack: 'shop', name: 'lb', port: 80, target: 'web' })
})

async function client(url = api): Promise<GdapiClient> {
  const gdapi = new GdapiClient(url, ACCESS, SECRET)
  await gdapi.loadSchemas()
  return gdapi
}

async function until(gdapi: GdapiClient, resource: Resource, state: string): Promise<Resource> {
  for (let i = 0; i < 200; i++) {
    const now = (await gdapi.get<Resource>(resource.links.self as string)) as Resource
    if (now.state === state && now.transitioning === 'no') return now
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`${resource.id} never reached ${state}`)
}

describe('a gdapi-style client against the emulated Rancher', () => {
  it('loads the root, the schemas the X-API-Schemas header names, and finds the typed collections by their links', async () => {
    const gdapi = await client()
    expect(gdapi.schemasUrl).toBe(`${api}/schemas`)
    expect(gdapi.sent).toEqual([`GET ${api}`, `GET ${api}/schemas`])
    for (const [type, plural] of Object.entries(facts.goRancher.typedCollections)) {
      expect(gdapi.types.get(type)?.links.collection, type).toBe(`${api}/${plural}`)
      expect(gdapi.types.get(type)?.collectionMethods, type).toContain('GET')
    }
    const root = await gdapi.get<Resource>(api)
    expect(root).toMatchObject({ type: 'apiVersion', id: 'v2-beta' })
    expect(root.links.loadBalancerServices).toBe(`${api}/loadbalancerservices`)
    // what gdapi's CLI binds: create only where POST is a collection method, update where PUT is a resource method
    expect(gdapi.types.get('stack')?.collectionMethods).toContain('POST')
    expect(gdapi.types.get('service')?.resourceMethods).toEqual(expect.arrayContaining(['GET', 'PUT', 'DELETE']))
    expect(gdapi.types.get('service')?.resourceActions.upgrade).toEqual({ input: 'serviceUpgrade', output: 'service' })
  })

  it('serves the vendor’s port rule fields (with weight on Rancher 1.6.13 and later, without before), and the upgrade strategy’s limits', async () => {
    const withWeight = (await client()).types.get('portRule')
    expect(Object.keys(withWeight?.resourceFields ?? {}).sort()).toEqual(
      [...facts.cattle.portRuleFields, ...facts.cattle.portRuleFieldsSince1613].sort(),
    )
    expect(withWeight?.resourceFields.weight).toMatchObject(facts.cattle.portRuleWeight)
    await emulator.control('POST', '/rancher/schema', { portRuleWeights: false })
    const before = (await client()).types.get('portRule')
    expect(Object.keys(before?.resourceFields ?? {}).sort()).toEqual([...facts.cattle.portRuleFields].sort())
    const strategy = (await client()).types.get('inServiceUpgradeStrategy')?.resourceFields
    expect(strategy?.intervalMillis).toMatchObject(facts.cattle.upgradeStrategy.intervalMillis)
    expect(strategy?.batchSize).toMatchObject(facts.cattle.upgradeStrategy.batchSize)
  })

  it('lists with a filter and by kind, follows a service’s links, and pages through pagination.next', async () => {
    const gdapi = await client()
    const { data: found } = await gdapi.list('service', { name: 'web' })
    expect(found).toHaveLength(1)
    const web = found[0] as Resource
    for (const field of facts.goRancher.serviceFields) expect(web, field).toHaveProperty(field)
    const instances = await gdapi.link<Collection>(web, 'instances')
    expect(instances.data).toHaveLength(2)
    expect(instances.data[0]).toMatchObject({ imageUuid: `docker:${V1}`, startCount: 1 })
    expect(await gdapi.link<Resource>(web, 'stack')).toMatchObject({ type: 'stack', name: 'shop' })
    const byKind = await gdapi.list('service', { kind: 'loadBalancerService' })
    const typed = await gdapi.list('loadBalancerService')
    expect(byKind.data.map((s) => s.id)).toEqual(typed.data.map((s) => s.id))
    expect(typed.data).toHaveLength(1)
    // Cattle finds a type by its plural or its id, in any case
    expect((await gdapi.get<Collection>(`${api}/loadBalancerServices`)).data.map((s) => s.id)).toEqual(typed.data.map((s) => s.id))
    expect(typed.data[0]).toHaveProperty(facts.goRancher.loadBalancerServiceFields[0] as string)
    expect(await gdapi.byId('loadBalancerService', web.id)).toBeNull()

    let page: Collection | null = await gdapi.list('service', { limit: 2 })
    const ids: string[] = []
    let pages = 0
    while (page) {
      ids.push(...page.data.map((s) => s.id))
      pages++
      page = await gdapi.next(page)
    }
    expect(pages).toBe(2)
    expect(new Set(ids).size).toBe(3)
  })

  it('upgrades through the actions URLs, waits, finishes the upgrade, and updates through links.self', async () => {
    const gdapi = await client()
    const web = (await gdapi.list('service', { name: 'web' })).data[0] as Resource
    const launchConfig = { ...(web.launchConfig as Record<string, unknown>), imageUuid: `docker:${V2}` }
    const upgrading = await gdapi.action(web, 'upgrade', {
      inServiceStrategy: { launchConfig, batchSize: 1, intervalMillis: 100, startFirst: false },
    })
    expect(upgrading.state).toBe('upgrading')
    const upgraded = await until(gdapi, web, 'upgraded')
    expect(Object.keys(upgraded.actions)).toEqual(expect.arrayContaining(['finishupgrade', 'rollback']))
    await gdapi.action(upgraded, 'finishupgrade')
    const active = await until(gdapi, web, 'active')
    expect(active.launchConfig).toMatchObject({ imageUuid: `docker:${V2}` })
    const scaled = await gdapi.update(active, { scale: 3 })
    expect(scaled).toMatchObject({ scale: 3 })
    const restarted = await gdapi.action(await until(gdapi, web, 'active'), 'restart', {
      rollingRestartStrategy: { batchSize: 1, intervalMillis: 100 },
    })
    expect(restarted.state).toBe('restarting')
    const counts = (await gdapi.link<Collection>(await until(gdapi, web, 'active'), 'instances')).data.map((c) => c.startCount)
    expect(counts).toEqual([2, 2, 2])
  })

  it('sends an action again on a 409, as gdapi does, and gives up after three', async () => {
    const gdapi = await client()
    const web = (await gdapi.list('service', { name: 'web' })).data[0] as Resource
    const conflict = { type: 'error', status: 409, code: 'Conflict', message: 'the resource is locked' }
    await emulator.fault({ platform: 'rancher', path: 'action=deactivate', status: 409, body: conflict, count: 2 })
    await gdapi.action(web, 'deactivate')
    expect(gdapi.sent.filter((line) => line.includes('action=deactivate'))).toHaveLength(3)
    await emulator.fault({ platform: 'rancher', path: 'action=activate', status: 409, body: conflict, count: 3 })
    const inactive = await until(gdapi, web, 'inactive')
    await expect(gdapi.action(inactive, 'activate')).rejects.toMatchObject({ status: 409 })
    expect(gdapi.sent.filter((line) => line.includes('action=activate'))).toHaveLength(3)
  })

  it('works from a project’s endpoint, whose schemas and collections are the project’s, and from the server root', async () => {
    const project = `${api}/projects/1a5`
    const gdapi = await client(project)
    expect(gdapi.schemasUrl).toBe(`${project}/schemas`)
    expect(gdapi.types.get('service')?.links.collection).toBe(`${project}/services`)
    const web = (await gdapi.list('service', { name: 'web' })).data[0] as Resource
    expect(web.links.self).toBe(`${project}/services/${web.id}`)
    expect(await gdapi.get<Resource>(project)).toMatchObject({ id: '1a5', type: 'project' })
    const [listed] = (await (await client()).list('project')).data
    expect(listed?.links).toMatchObject({ self: project, services: `${project}/services`, schemas: `${project}/schemas` })
    const root = await client(emulator.url('rancher'))
    expect(root.schemasUrl).toBe(`${api}/schemas`)
    expect(root.types.has('service')).toBe(true)
  })
})

describe('the emulated Rancher refuses what Cattle refuses, in Cattle’s error body', () => {
  async function refusal(send: Promise<unknown>): Promise<Record<string, unknown>> {
    const error = await send.then(
      () => undefined,
      (caught: unknown) => caught,
    )
    expect(error).toBeInstanceOf(ApiError)
    const { status, error: body } = error as ApiError
    expect(body).toMatchObject({ type: 'error', status })
    return { httpStatus: status, code: body.code, ...(body.fieldName !== undefined && { fieldName: body.fieldName }) }
  }

  it('a field the schema lacks, a wrong type, a limit, a reference to nothing, an action not offered in the state', async () => {
    const gdapi = await client()
    const web = (await gdapi.list('service', { name: 'web' })).data[0] as Resource
    const lb = (await gdapi.list('loadBalancerService')).data[0] as Resource
    const status = facts.cattle.validationStatus
    expect(await refusal(gdapi.update(web, { scael: 3 }))).toEqual({ httpStatus: status, code: 'InvalidFormat', fieldName: 'scael' })
    expect(await refusal(gdapi.update(web, { scale: 'two' }))).toEqual({ httpStatus: status, code: 'InvalidFormat', fieldName: 'scale' })
    expect(await refusal(gdapi.update(web, { scale: -1 }))).toEqual({ httpStatus: status, code: 'MinLimitExceeded', fieldName: 'scale' })
    expect(await refusal(gdapi.update(web, { currentScale: 5 }))).toEqual({
      httpStatus: status,
      code: 'InvalidFormat',
      fieldName: 'currentScale',
    })
    expect(await refusal(gdapi.update(web, { lbConfig: { portRules: [] } }))).toEqual({
      httpStatus: status,
      code: 'InvalidFormat',
      fieldName: 'lbConfig',
    })
    const rule = { sourcePort: 80, serviceId: web.id, targetPort: 8080 }
    expect(await refusal(gdapi.update(lb, { lbConfig: { portRules: [{ ...rule, serviceId: '1s999' }] } }))).toEqual({
      httpStatus: status,
      code: 'InvalidReference',
      fieldName: 'lbConfig.portRules[0].serviceId',
    })
    expect(await refusal(gdapi.update(lb, { lbConfig: { portRules: [{ ...rule, protocol: 'ftp' }] } }))).toMatchObject({
      code: 'InvalidOption',
    })
    expect(await refusal(gdapi.update(lb, { lbConfig: { portRules: [{ ...rule, weight: 300 }] } }))).toMatchObject({
      code: 'MaxLimitExceeded',
    })
    expect(await refusal(gdapi.update(lb, { lbConfig: { portRules: [{ targetPort: 8080 }] } }))).toMatchObject({ code: 'MissingRequired' })
    // the server's own refusal, asked as if the service offered it (gdapi calls only what `actions` lists)
    const offering = (name: string) => ({ ...web, actions: { ...web.actions, [name]: `${web.links.self}?action=${name}` } })
    expect(await refusal(gdapi.action(offering('finishupgrade'), 'finishupgrade'))).toEqual({
      httpStatus: status,
      code: 'ActionNotAvailable',
      fieldName: 'action',
    })
    expect(
      await refusal(
        gdapi.action(web, 'upgrade', { inServiceStrategy: { launchConfig: { imageUuid: `docker:${V2}` }, intervalMillis: 0 } }),
      ),
    ).toEqual({ httpStatus: status, code: 'MinLimitExceeded', fieldName: 'inServiceStrategy.intervalMillis' })
    expect(
      await refusal(gdapi.action(web, 'upgrade', { inServiceStrategy: { launchConfig: { imageUuid: `docker:${V2}`, imageUUID: 'x' } } })),
    ).toMatchObject({ code: 'InvalidFormat', fieldName: 'inServiceStrategy.launchConfig.imageUUID' })
    expect(await refusal(gdapi.action(web, 'restart', {}))).toMatchObject({ code: 'MissingRequired', fieldName: 'rollingRestartStrategy' })
    expect(await refusal(gdapi.action(offering('explode'), 'explode'))).toEqual({
      httpStatus: status,
      code: 'InvalidAction',
      fieldName: 'action',
    })
    // nothing changed
    expect(await gdapi.byId('service', web.id)).toMatchObject({ scale: 2, state: 'active' })
  })

  it('a weight on a server whose port rules have none (before 1.6.13), a type it does not serve, a method a type does not take', async () => {
    await emulator.control('POST', '/rancher/schema', { portRuleWeights: false })
    const gdapi = await client()
    const web = (await gdapi.list('service', { name: 'web' })).data[0] as Resource
    const lb = (await gdapi.list('loadBalancerService')).data[0] as Resource
    expect(await refusal(gdapi.update(lb, { lbConfig: { portRules: [{ sourcePort: 80, serviceId: web.id, weight: 10 }] } }))).toEqual({
      httpStatus: 422,
      code: 'InvalidFormat',
      fieldName: 'lbConfig.portRules[0].weight',
    })
    expect(await refusal(gdapi.get(`${api}/projects/1a5/bogusservices`))).toMatchObject({ httpStatus: 404 })
    expect(await refusal(gdapi.get(`${api}/projects/1a5/loadbalancerservices/${web.id}`))).toMatchObject({ httpStatus: 404 })
    expect(await refusal(gdapi.get(`${api}/projects/1a9/services`))).toMatchObject({ httpStatus: 404 })
    const post = await fetch(`${api}/projects/1a5/services`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${ACCESS}:${SECRET}`).toString('base64')}` },
      body: '{}',
    })
    expect(post.status).toBe(405)
    expect(post.headers.get(facts.gdapi.schemasHeader)).toBe(`${api}/projects/1a5/schemas`)
    expect(await post.json()).toMatchObject({ type: 'error', status: 405, code: 'MethodNotAllowed' })
  })

  it('the webhook service answers a DELETE with 204 and its errors with "Server Error"', async () => {
    const authorization = `Basic ${Buffer.from(`${ACCESS}:${SECRET}`).toString('base64')}`
    const web = (await (await client()).list('service', { name: 'web' })).data[0] as Resource
    const hooks = `${emulator.url('rancher')}/v1-webhooks/receivers?projectId=1a5`
    const created = await fetch(hooks, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'up', driver: 'scaleService', scaleServiceConfig: { serviceId: web.id, action: 'up', amount: 1 } }),
    })
    const receiver = (await created.json()) as { id: string }
    const gone = await fetch(`${emulator.url('rancher')}/v1-webhooks/receivers/${receiver.id}?projectId=1a5`, {
      method: 'DELETE',
      headers: { authorization },
    })
    expect(gone.status).toBe(facts.webhookService.deleteStatus)
    expect(await gone.text()).toBe('')
    const revoked = await fetch(`${emulator.url('rancher')}/v1-webhooks/endpoint?key=${'0'.repeat(40)}&projectId=1a5`, { method: 'POST' })
    expect(revoked.status).toBe(403)
    expect(await revoked.json()).toMatchObject({ type: 'error', status: facts.webhookService.errorBody.status, statusCode: 403 })
  })
})
