import type { Story } from '../demo.js'
import { envUrl, measure, router, V1, V3 } from './jelastic-shop.js'

/**
 * A failing release on Jelastic, after the blue/green one (green live with all traffic): a v3
 * whose app answers 503 goes to the idle blue, fails its health check and is rolled back to v1;
 * the router still sends everything to green.
 */
export const jelasticRollback: Story = {
  async run(demo) {
    const { emulator } = demo
    await demo.control('/images', { image: V3, unhealthy: true })
    const broken = await demo.step('deploy a broken v3 to blue: its health check fails, it is rolled back', 'deploy', {
      service: router.blue,
      image: V3,
      'health-url': envUrl(emulator, router.blue),
      'health-interval': '100ms',
    })
    demo.record(
      'broken v3 to blue',
      'fails, rolled back to v1',
      `exit ${broken.code}, blue runs ${broken.outputs.image ?? '-'}`,
      broken.code === 1 && broken.outputs.image === V1 && broken.outputs['rolled-back'] === 'true',
    )
    const after = await measure(emulator, 200)
    demo.record('traffic after the failure', 'green 100%', `green ${after.green}%`, after.green === 100)
  },
}
