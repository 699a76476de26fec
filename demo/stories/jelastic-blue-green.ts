import { type Story, nodeName } from '../demo.js'
import { envUrl, measure, router, V1, V2 } from './jelastic-shop.js'

/**
 * A blue/green release on Jelastic: blue and green run v1; the first traffic step installs the
 * Traffic Distributor with all traffic on blue; v2 goes to green behind its health check; traffic
 * moves to green in three steps, each measured through the router; green is scaled to 3 nodes.
 */
export const jelasticBlueGreen: Story = {
  async run(demo) {
    const { emulator } = demo
    console.log(`emulator on ${emulator.origin}; action bundles run with ${nodeName}`)
    await demo.control('/jelastic/environments', { envName: router.blue, image: V1, nodes: 2 })
    await demo.control('/jelastic/environments', { envName: router.green, image: V1, nodes: 2 })

    const start = await demo.step('route all traffic to blue (installs the Traffic Distributor)', 'traffic', { ...router, percentage: '0' })
    const startSplit = await measure(emulator, 200)
    demo.record('router installed, blue v1 100%', 'blue 100%', `blue ${startSplit.blue}%`, start.code === 0 && startSplit.blue === 100)

    const deploy = await demo.step('deploy v2 to green and check its health', 'deploy', {
      service: router.green,
      image: V2,
      'health-url': envUrl(emulator, router.green),
      'health-interval': '100ms',
    })
    demo.record('deploy v2 to green', V2, deploy.outputs.image ?? '-', deploy.code === 0 && deploy.outputs.image === V2)

    for (const percentage of [10, 50, 100]) {
      const run = await demo.step(`shift ${percentage}% to green`, 'traffic', { ...router, percentage: String(percentage) })
      const split = await measure(emulator, 400)
      console.log(`    measured over 400 requests: blue ${split.blue}% / green ${split.green}%`)
      demo.record(
        `shift ${percentage}% to green`,
        `green ${percentage}% ±3`,
        `green ${split.green}%`,
        run.code === 0 && Math.abs(split.green - percentage) <= 3,
      )
    }

    const scale = await demo.step('scale green to 3 nodes', 'scale', { service: router.green, replicas: '3' })
    demo.record(
      'scale green',
      '3 replicas',
      `${scale.outputs.replicas ?? '-'} replicas`,
      scale.code === 0 && scale.outputs.replicas === '3',
    )
  },
}
