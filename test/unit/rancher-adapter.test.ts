import { describe, expect, it } from 'vitest'
import type { Operation } from '../../src/shared/platforms/platform.js'
import { rulesFor } from '../../src/shared/platforms/rancher/load-balancer.js'
import { mockPlatform } from '../support/mock-platform.js'

const ORIGIN = 'http://rancher.example.com:8080'
const P = '/v2-beta/projects/1a5'
const ref = { service: 'shop/web', project: '1a5' }
const BASIC = `Basic ${Buffer.from('ak:sk-secret').toString('base64')}`

function web(fields: Record<string, unknown> = {}) {
  const state = (fields.state as string | undefined) ?? 'active'
  const offered: Record<string, string[]> = {
    active: ['upgrade', 'restart', 'deactivate', 'remove'],
    upgraded: ['finishupgrade', 'rollback', 'remove'],
    upgrading: ['cancelupgrade', 'rollback', 'remove'],
    inactive: ['activate', 'upgrade', 'remove'],
  }
  return {
    id: '1s10',
    name: 'web',
    stackId: '1st5',
    state,
    transitioning: 'no',
    scale: 2,
    currentScale: 2,
    healthState: 'healthy',
    launchConfig: { imageUuid: 'docker:registry.example.com/web:v1', labels: { app: 'web' } },
    secondaryLaunchConfigs: [{ name: 'sidecar', imageUuid: 'docker:busybox:1' }],
    actions: Object.fromEntries((offered[state] ?? []).map((name) => [name, `${ORIGIN}${P}/services/1s10?action=${name}`])),
    ...fields,
  }
}

function setup() {
  const mock = mockPlatform('rancher', ORIGIN, { accessKey: 'ak', secretKey: 'sk-secret' })
  const resolve = () => {
    mock.on('GET', `${P}/stacks?name=shop`, 200, { type: 'collection', data: [{ id: '1st5', name: 'shop' }] })
    mock.on('GET', `${P}/services?name=web&stackId=1st5`, 200, { type: 'collection', data: [web()] })
  }
  return { ...mock, resolve }
}

describe('Rancher adapter', () => {
  it('resolves stack/service through the name filters with the API key as HTTP Basic (masked)', async () => {
    const { platform, sent, resolve, redactor } = setup()
    resolve()
    expect(await platform.describe(ref)).toEqual({
      // the service's variables, as its GET shows them (none here)
      env: {},
      id: '1s10',
      image: 'registry.example.com/web:v1',
      replicas: 2,
      ready: 2,
      phase: 'running',
      status: 'active, 2/2 container(s), healthy',
    })
    expect(sent.every((r) => r.auth === BASIC)).toBe(true)
    expect(redactor.redact(BASIC)).toBe('Basic ***')
  })

  it('upgrades with the in-service strategy: the whole launch config with the new imageUuid, and the secondary ones', async () => {
    const { platform, on, sent, resolve } = setup()
    resolve()
    on('POST', `${P}/services/1s10?action=upgrade`, 202, web({ state: 'upgrading', transitioning: 'yes' }))
    const op = await platform.deploy(ref, {
      image: 'registry.example.com/web:v2',
      upgrade: { batchSize: 2, intervalMs: 5000, startFirst: true, finish: true },
    })
    expect(op.target).toEqual({ image: 'registry.example.com/web:v2', env: {} })
    expect(JSON.parse(sent.at(-1)?.body ?? '')).toEqual({
      inServiceStrategy: {
        batchSize: 2,
        intervalMillis: 5000,
        startFirst: true,
        launchConfig: { imageUuid: 'docker:registry.example.com/web:v2', labels: { app: 'web' } },
        secondaryLaunchConfigs: [{ name: 'sidecar', imageUuid: 'docker:busybox:1' }],
      },
    })
  })

  it('waits while transitioning, finishes the upgrade at upgraded, succeeds back at active; error fails with its message', async () => {
    const { platform, on, sent, resolve } = setup()
    resolve()
    on('POST', `${P}/services/1s10?action=upgrade`, 202, web({ state: 'upgrading', transitioning: 'yes' }))
    const op = await platform.deploy(ref, { image: 'registry.example.com/web:v2' })
    const v2 = { launchConfig: { imageUuid: 'docker:registry.example.com/web:v2' } }
    on('GET', `${P}/services/1s10`, 200, web({ ...v2, state: 'upgrading', transitioning: 'yes' }))
    expect((await platform.observe(op)).status).toBe('running')
    on('GET', `${P}/services/1s10`, 200, web({ ...v2, state: 'upgraded' }))
    // the upgrade's own end; the finish follows it, sent from that read
    expect(await platform.observe(op)).toMatchObject({ status: 'succeeded', detail: expect.stringContaining('to be finished') })
    on('POST', `${P}/services/1s10?action=finishupgrade`, 202, web({ ...v2, state: 'finishing-upgrade', transitioning: 'yes' }))
    const reads = sent.length
    const finish = await platform.followUp?.(op)
    expect(sent.slice(reads).map((r) => r.path)).toEqual([`${P}/services/1s10?action=finishupgrade`])
    expect(finish).toMatchObject({ kind: 'deploy', target: { image: 'registry.example.com/web:v2' } })
    on('GET', `${P}/services/1s10`, 200, web({ ...v2, state: 'finishing-upgrade', transitioning: 'yes' }))
    expect((await platform.observe(finish as Operation)).status).toBe('running')
    on('GET', `${P}/services/1s10`, 200, web({ ...v2, state: 'active' }))
    expect((await platform.observe(finish as Operation)).status).toBe('succeeded')
    // nothing follows the finish
    expect(await platform.followUp?.(finish as Operation)).toBeNull()
    on(
      'GET',
      `${P}/services/1s10`,
      200,
      web({ ...v2, state: 'upgrading', transitioning: 'error', transitioningMessage: 'Failed to start container' }),
    )
    expect(await platform.observe(op)).toMatchObject({ status: 'failed', detail: expect.stringContaining('Failed to start container') })
  })

  it('keeps the upgrade open with finish-upgrade false: upgraded is the end, and nothing follows it', async () => {
    const { platform, on, sent, resolve } = setup()
    resolve()
    on('POST', `${P}/services/1s10?action=upgrade`, 202, web({ state: 'upgrading', transitioning: 'yes' }))
    const op = await platform.deploy(ref, {
      image: 'registry.example.com/web:v2',
      upgrade: { batchSize: 1, intervalMs: 2000, startFirst: false, finish: false },
    })
    on('GET', `${P}/services/1s10`, 200, web({ launchConfig: { imageUuid: 'docker:registry.example.com/web:v2' }, state: 'upgraded' }))
    expect(await platform.observe(op)).toMatchObject({ status: 'succeeded', detail: expect.stringContaining('kept open') })
    expect(await platform.followUp?.(op)).toBeNull()
    expect(sent.filter((r) => r.path.endsWith('?action=finishupgrade'))).toEqual([])
  })

  it('refuses an action the state does not offer, naming what it offers', async () => {
    const { platform, on } = setup()
    on('GET', `${P}/stacks?name=shop`, 200, { data: [{ id: '1st5' }] })
    on('GET', `${P}/services?name=web&stackId=1st5`, 200, { data: [web({ state: 'upgraded' })] })
    await expect(platform.deploy(ref, { image: 'registry.example.com/web:v3' })).rejects.toThrow(
      '"upgrade" is not available while the service is "upgraded"; it offers: finishupgrade, remove, rollback',
    )
  })

  it('rolls back with the upgrade’s own rollback before it is finished, and upgrades to the previous launch config after', async () => {
    const { platform, on, sent } = setup()
    on('GET', `${P}/services/1s10`, 200, web({ state: 'upgraded' }))
    on('POST', `${P}/services/1s10?action=rollback`, 202, web({ state: 'rolling-back', transitioning: 'yes' }))
    await platform.rollback?.({ service: '1s10', project: '1a5' })
    expect(sent.at(-1)?.path).toBe(`${P}/services/1s10?action=rollback`)
    const previous = { imageUuid: 'docker:registry.example.com/web:v0', labels: { app: 'web' } }
    on('GET', `${P}/services/1s10`, 200, web({ upgrade: { inServiceStrategy: { previousLaunchConfig: previous } } }))
    on('POST', `${P}/services/1s10?action=upgrade`, 202, web({ state: 'upgrading', transitioning: 'yes' }))
    const op = await platform.rollback?.({ service: '1s10', project: '1a5' })
    expect(op?.target).toEqual({ image: 'registry.example.com/web:v0', env: {} })
    expect(JSON.parse(sent.at(-1)?.body ?? '').inServiceStrategy.launchConfig).toEqual(previous)
  })

  it('takes a rollback to a launch config of the same image as done only once the service runs its variables', async () => {
    const { platform, on } = setup()
    const image = 'docker:registry.example.com/web:v1'
    const canary = { imageUuid: image, environment: { MODE: 'canary' } }
    const stable = { imageUuid: image, environment: { MODE: 'stable' } }
    on('GET', `${P}/services/1s10`, 200, web({ launchConfig: canary, upgrade: { inServiceStrategy: { previousLaunchConfig: stable } } }))
    on('POST', `${P}/services/1s10?action=upgrade`, 202, web({ launchConfig: stable, state: 'upgrading', transitioning: 'yes' }))
    const op = (await platform.rollback?.({ service: '1s10', project: '1a5' })) as Operation
    expect(op.target).toEqual({ image: 'registry.example.com/web:v1', env: { MODE: 'stable' } })
    // upgraded, on the image, but with the variables it went back from: not there yet
    on('GET', `${P}/services/1s10`, 200, web({ launchConfig: canary, state: 'upgraded' }))
    expect(await platform.observe(op)).toMatchObject({ status: 'running', detail: expect.stringContaining('with its variables') })
    on('GET', `${P}/services/1s10`, 200, web({ launchConfig: stable, state: 'upgraded' }))
    expect((await platform.observe(op)).status).toBe('succeeded')
  })

  it('shows Cattle’s error body: message, code, status, field and detail', async () => {
    const { platform, on } = setup()
    on('GET', `${P}/services/1s10`, 200, web())
    on('PUT', `${P}/services/1s10`, 422, {
      type: 'error',
      status: 422,
      code: 'MinLimitExceeded',
      message: 'scale must be 0 or more',
      fieldName: 'scale',
      detail: null,
    })
    await expect(platform.scale({ service: '1s10', project: '1a5' }, { replicas: -1 })).rejects.toThrow(
      'rancher: scale of "1s10" failed: scale must be 0 or more (MinLimitExceeded, HTTP 422) in scale',
    )
  })

  it('triggers a webhook without credentials, and explains a revoked receiver', async () => {
    const { platform, on, sent } = setup()
    on('POST', '/v1-webhooks/endpoint?key=abc&projectId=1a5', 200, '')
    await platform.webhooks?.trigger(new URL(`${ORIGIN}/v1-webhooks/endpoint?key=abc&projectId=1a5`))
    expect(sent.at(-1)?.auth).toBe('')
    on('POST', '/v1-webhooks/endpoint?key=old&projectId=1a5', 403, {
      type: 'error',
      statusCode: 403,
      message: 'Requested webhook has been revoked/does not exist',
    })
    await expect(platform.webhooks?.trigger(new URL(`${ORIGIN}/v1-webhooks/endpoint?key=old&projectId=1a5`))).rejects.toThrow(
      'the receiver was deleted or its key revoked',
    )
  })
})

describe('Rancher load balancer rules', () => {
  const rules = [
    { sourcePort: 80, serviceId: '1s10', targetPort: 8080, hostname: 'shop.example.com' },
    { sourcePort: 443, serviceId: '1s99', targetPort: 8443 },
  ]

  it('flips to one side at 0 and 100, keeps both between, and leaves other services’ rules alone', () => {
    expect(rulesFor(rules, '1s10', '1s11', 100)).toEqual([
      { sourcePort: 80, serviceId: '1s11', targetPort: 8080, hostname: 'shop.example.com' },
      rules[1],
    ])
    expect(rulesFor(rules, '1s10', '1s11', 25)).toEqual([
      rules[0],
      { sourcePort: 80, serviceId: '1s11', targetPort: 8080, hostname: 'shop.example.com' },
      rules[1],
    ])
    const both = rulesFor(rules, '1s10', '1s11', 50)
    expect(rulesFor(both, '1s10', '1s11', 0)).toEqual(rules)
  })
})
