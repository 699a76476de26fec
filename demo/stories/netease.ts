import type { Emulator } from '../../emulator/server.js'
import type { Story } from '../demo.js'

/** an access key and secret: the action exchanges them for a 24-hour token */
export function neteaseCredentials(emulator: Emulator): Record<string, string> {
  return {
    platform: 'netease',
    'api-url': emulator.urls.netease,
    'access-key': 'netease-demo-key',
    'secret-key': 'netease-demo-secret-0123',
  }
}

/**
 * On NetEase: two apps built from source share one domain. The idle one builds the new source
 * version (its deploy hook, waited for on the watch), takes half the containers, then all; a
 * version whose build fails goes back to the one before; a microservice gets a new image.
 */
export const neteaseSourceBuilds: Story = {
  async run(demo) {
    const { emulator } = demo
    const domain = 'shop.example.cn'
    await demo.control('/netease/apps', { name: 'shop-blue', version: 'v1', replicas: 4, domain })
    await demo.control('/netease/apps', { name: 'shop-green', version: 'v1', replicas: 0, domain })
    await demo.control('/netease/microservices', { name: 'api', image: 'hub.c.163.com/team/api:v1', replicas: 2 })
    const sides = { router: domain, blue: 'shop-blue', green: 'shop-green' }
    const greenShare = async (count: number) => {
      let green = 0
      for (let i = 0; i < count; i++) {
        const body = (await (await fetch(`${emulator.urls.netease}/domains/${domain}/`)).json()) as { service?: string }
        if (body.service === sides.green) green++
      }
      return Math.round((green * 100) / count)
    }
    const deploy = await demo.step('build and deploy source v2 on the idle green app (its deploy hook)', 'deploy', {
      service: sides.green,
      'source-version': 'v2',
    })
    demo.record(
      'deploy source v2 to green',
      'source@v2',
      deploy.outputs.image ?? '-',
      deploy.code === 0 && deploy.outputs.image === 'source@v2',
    )
    const half = await demo.step('shift 50% to green: 2 of 4 containers', 'traffic', { ...sides, percentage: '50' })
    const at50 = await greenShare(400)
    console.log(`    measured over 400 requests through ${domain}: green ${at50}%`)
    demo.record('shift 50% to green', 'green 50%', `green ${at50}%`, half.code === 0 && at50 === 50)
    const promote = await demo.step('promote: green runs every container', 'traffic', { ...sides, command: 'promote' })
    const all = await greenShare(200)
    demo.record('promote green', 'green 100%', `green ${all}%, ${promote.outputs.phase ?? '-'}`, promote.code === 0 && all === 100)
    await demo.control('/images', { image: 'source@v3', failing: true })
    const broken = await demo.step('deploy source v3, whose build fails: v2 is built again', 'deploy', {
      service: sides.green,
      'source-version': 'v3',
    })
    demo.record(
      'broken v3',
      'fails, back to source@v2',
      `exit ${broken.code}, runs ${broken.outputs.image ?? '-'}`,
      broken.code === 1 && broken.outputs.image === 'source@v2',
    )
    const image = await demo.step('a microservice: update-image to v2', 'deploy', {
      service: 'api',
      project: 'team',
      image: 'hub.c.163.com/team/api:v2',
    })
    demo.record(
      'microservice api',
      'hub…/api:v2',
      image.outputs.image?.split('/').pop() ?? '-',
      image.code === 0 && image.outputs.image === 'hub.c.163.com/team/api:v2',
    )
  },
}
