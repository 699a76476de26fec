import type { Emulator } from '../../emulator/server.js'
import type { Story } from '../demo.js'

/** an environment API key, as HTTP Basic */
export function rancherCredentials(emulator: Emulator): Record<string, string> {
  return {
    platform: 'rancher',
    'api-url': emulator.urls.rancher,
    'access-key': 'rancher-demo-access',
    'secret-key': 'rancher-demo-secret-0123',
    project: '1a5',
  }
}

/**
 * On Rancher: an in-service upgrade of the idle service, finished; the load balancer's port rule
 * flipped to it (measured); a broken upgrade rolled back with the upgrade's own rollback; a
 * webhook receiver that scales the service, called as an outside system would.
 */
export const rancherUpgradeAndWebhook: Story = {
  async run(demo) {
    const { emulator } = demo
    const image = (tag: string) => `registry.example.com/shop/web:${tag}`
    await demo.control('/rancher/services', { stack: 'shop', name: 'blue', image: image('v1'), scale: 2 })
    const green = await demo.control<{ id: string }>('/rancher/services', { stack: 'shop', name: 'green', image: image('v1'), scale: 2 })
    const lb = await demo.control<{ id: string }>('/rancher/load-balancers', { stack: 'shop', name: 'lb', port: 80, target: 'blue' })
    const sides = { router: 'shop/lb', blue: 'shop/blue', green: 'shop/green' }
    const greenShare = async (count: number) => {
      let seen = 0
      for (let i = 0; i < count; i++) {
        const body = (await (await fetch(`${emulator.urls.rancher}/lb/${lb.id}/80/`)).json()) as { service?: string }
        if (body.service === 'green') seen++
      }
      return Math.round((seen * 100) / count)
    }
    const upgrade = await demo.step('upgrade the idle green service to v2 in place, then finish the upgrade', 'deploy', {
      service: sides.green,
      image: image('v2'),
      'batch-size': '1',
      'start-first': 'true',
    })
    demo.record(
      'upgrade green to v2',
      'upgraded, finished',
      `exit ${upgrade.code}, ${upgrade.outputs.image?.split(':').pop() ?? '-'}`,
      upgrade.code === 0 && upgrade.outputs.image === image('v2'),
    )
    const flip = await demo.step("flip the load balancer's port rule to green", 'traffic', { ...sides, percentage: '100' })
    const flipped = await greenShare(400)
    console.log(`    measured over 400 requests through the load balancer: green ${flipped}%`)
    demo.record('flip to green', 'green 100%', `green ${flipped}%`, flip.code === 0 && flipped === 100)
    await demo.control('/images', { image: image('v3'), failing: true })
    const broken = await demo.step('upgrade green to a broken v3: its containers do not start, the upgrade is rolled back', 'deploy', {
      service: sides.green,
      image: image('v3'),
    })
    demo.record(
      'broken v3',
      'fails, rolled back to v2',
      `exit ${broken.code}, runs ${broken.outputs.image?.split(':').pop() ?? '-'}`,
      broken.code === 1 && broken.outputs.image === image('v2'),
    )
    const receiver = await demo.step('create a webhook receiver that adds a green container (max 3)', 'scale', {
      'webhook-create': JSON.stringify({
        name: 'green-up',
        driver: 'scaleService',
        scaleServiceConfig: { serviceId: green.id, action: 'up', amount: 1, min: 1, max: 3 },
      }),
    })
    const state = (await (await fetch(`${emulator.origin}/_emulator/state`)).json()) as {
      rancher: { receivers: { id: string; key: string }[] }
    }
    const key = state.rancher.receivers.find((r) => r.id === receiver.outputs['webhook-id'])?.key ?? ''
    const up = await demo.step('call its trigger URL, as a monitoring system would, and wait for the new scale', 'scale', {
      service: sides.green,
      'webhook-url': `${emulator.urls.rancher}/v1-webhooks/endpoint?key=${key}&projectId=1a5`,
    })
    demo.record(
      'scale by webhook',
      '3 containers',
      `${up.outputs.replicas ?? '-'} containers`,
      up.code === 0 && up.outputs.replicas === '3',
    )
  },
}
