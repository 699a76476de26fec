import type { Emulator } from '../../emulator/server.js'
import type { Story } from '../demo.js'

export function servicestageCredentials(emulator: Emulator): Record<string, string> {
  return {
    platform: 'servicestage',
    'api-url': emulator.urls.servicestage,
    token: 'servicestage-demo-token-0123456789',
    project: 'p1',
    application: 'a1',
  }
}

/**
 * The same story on ServiceStage: one component, its new version brought in as a gray release
 * (10%, 50%, then promoted), measured through the component's own URL, then a broken version
 * whose job fails and is rolled back with the platform's own rollback.
 */
export const servicestageGrayRelease: Story = {
  async run(demo) {
    const component = await demo.control<{ external_accesses: { address: string }[] }>('/servicestage/components', {
      project: 'p1',
      application: 'a1',
      name: 'shop',
      image: 'swr.cn-north-4.myhuaweicloud.com/team/shop:v1',
      replica: 2,
    })
    const url = component.external_accesses[0]?.address ?? ''
    const image = (tag: string) => `swr.cn-north-4.myhuaweicloud.com/team/shop:${tag}`
    const versions = async (count: number) => {
      const seen: Record<string, number> = {}
      for (let i = 0; i < count; i++) {
        const body = (await (await fetch(url)).json()) as { version?: string }
        seen[body.version ?? '?'] = (seen[body.version ?? '?'] ?? 0) + 1
      }
      return (tag: string) => Math.round(((seen[tag] ?? 0) * 100) / count)
    }
    const gray = await demo.step('deploy v2 as a gray release with 10% of the traffic', 'deploy', {
      service: 'shop',
      image: image('v2'),
      'gray-weight': '10',
    })
    const at10 = (await versions(400))('v2')
    console.log(`    measured over 400 requests: v2 ${at10}%`)
    demo.record('gray release of v2', 'v2 10% ±3', `v2 ${at10}%`, gray.code === 0 && Math.abs(at10 - 10) <= 3)
    const shift = await demo.step('shift the gray release to 50%', 'traffic', { router: 'shop', percentage: '50' })
    const at50 = (await versions(400))('v2')
    console.log(`    measured over 400 requests: v2 ${at50}%`)
    demo.record('shift to 50%', 'v2 50% ±3', `v2 ${at50}%`, shift.code === 0 && Math.abs(at50 - 50) <= 3)
    const promote = await demo.step('promote it (continue_deploy)', 'traffic', { router: 'shop', command: 'promote' })
    const at100 = (await versions(200))('v2')
    demo.record('promote', 'v2 100%', `v2 ${at100}%, ${promote.outputs.phase ?? '-'}`, promote.code === 0 && at100 === 100)
    const scale = await demo.step('scale to 3 replicas', 'scale', { service: 'shop', replicas: '3' })
    demo.record('scale', '3 replicas', `${scale.outputs.replicas ?? '-'} replicas`, scale.code === 0 && scale.outputs.replicas === '3')
    await demo.control('/images', { image: image('v3'), failing: true })
    const broken = await demo.step('deploy a broken v3: its job fails and the platform rolls it back', 'deploy', {
      service: 'shop',
      image: image('v3'),
    })
    const after = (await versions(200))('v2')
    demo.record(
      'broken v3',
      'fails, rolled back to v2',
      `exit ${broken.code}, runs ${broken.outputs.image?.split(':').pop() ?? '-'}, v2 ${after}%`,
      broken.code === 1 && broken.outputs.image === image('v2') && after === 100,
    )
  },
}
