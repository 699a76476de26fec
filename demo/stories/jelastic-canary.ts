import type { Story } from '../demo.js'
import { canaryInputs, router, V4, watchSplit } from './jelastic-shop.js'

/**
 * A canary on Jelastic, with green live: v4 goes to the idle side (blue), then gets 10%, 50% and
 * 100% of the traffic, each step held behind the health gate; the shares are measured through
 * the router while the step runs.
 */
export const jelasticCanary: Story = {
  async run(demo) {
    const { emulator } = demo
    await demo.step('deploy v4 to the idle side (blue)', 'deploy', { service: router.blue, image: V4 })
    const promoted = await watchSplit(
      emulator,
      () => demo.step('canary to v4: 10%, 50%, 100% behind the health gate', 'traffic', canaryInputs(emulator, router.green, router.blue)),
      router.blue,
    )
    console.log(`    measured through the router at each step: ${promoted.seen.map((share) => `${share}%`).join(' → ')} on blue`)
    demo.record(
      'canary v4, promoted',
      'blue 10 → 50 → 100%',
      `${promoted.seen.join(' → ')}%, ${promoted.run.outputs.phase}`,
      promoted.run.code === 0 && promoted.run.outputs.phase === 'promoted' && promoted.seen.join(',') === '10,50,100',
    )
  },
}
