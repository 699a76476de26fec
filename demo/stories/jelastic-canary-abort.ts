import type { Story } from '../demo.js'
import { canaryInputs, measure, router, V5, watchSplit } from './jelastic-shop.js'

/**
 * A canary on Jelastic that fails its gate, with blue live: v5 goes to the idle green and starts
 * answering 503 once it has 50%, so the release aborts and blue keeps all the traffic.
 */
export const jelasticCanaryAbort: Story = {
  async run(demo) {
    const { emulator } = demo
    await demo.step('deploy v5 to the idle side (green)', 'deploy', { service: router.green, image: V5 })
    const aborted = await watchSplit(
      emulator,
      () =>
        demo.step('canary to v5: it breaks at 50%, its health gate fails', 'traffic', canaryInputs(emulator, router.blue, router.green)),
      router.green,
      (share) => (share === 50 ? demo.control('/images', { image: V5, unhealthy: true }) : undefined),
    )
    console.log(`    measured through the router at each step: ${aborted.seen.map((share) => `${share}%`).join(' → ')} on green`)
    const end = await measure(emulator, 200)
    demo.record(
      'canary v5, aborted at its gate',
      'green 10 → 50 → 0%, exit 1',
      `${aborted.seen.join(' → ')}%, ${aborted.run.outputs.phase}, exit ${aborted.run.code}`,
      aborted.run.code === 1 && aborted.run.outputs.phase === 'aborted' && end.blue === 100 && aborted.seen.join(',') === '10,50,0',
    )
  },
}
