import type { Emulator } from '../../emulator/server.js'
import { errorLines } from '../run-step.js'
import type { Story } from '../demo.js'

/** a user name and password: the action exchanges them for a token (generate-api-token) */
export function alaudaCredentials(emulator: Emulator): Record<string, string> {
  return { platform: 'alauda', 'api-url': emulator.urls.alauda, username: 'demo', password: 'alauda-demo-password', project: 'team' }
}

/**
 * On Alauda: two services share one domain and split its traffic by their instances. A canary
 * moves instances from blue to green (25%, 50%, then all), measured through the domain; a broken
 * version fails with its own log lines and is rolled back; then the platform takes over scaling.
 */
export const alaudaInstanceSplit: Story = {
  async run(demo) {
    const { emulator } = demo
    const domain = 'shop.example.cn'
    const image = (tag: string) => `index.alauda.cn/team/shop:${tag}`
    await demo.control('/alauda/services', { namespace: 'team', name: 'shop-blue', image: image('v1'), instances: 4, domain })
    await demo.control('/alauda/services', {
      namespace: 'team',
      name: 'shop-green',
      image: image('v1'),
      instances: 4,
      domain,
      stopped: true,
    })
    const sides = { router: domain, blue: 'shop-blue', green: 'shop-green' }
    const greenShare = async (count: number) => {
      let green = 0
      for (let i = 0; i < count; i++) {
        const body = (await (await fetch(`${emulator.urls.alauda}/domains/${domain}/`)).json()) as { service?: string }
        if (body.service === sides.green) green++
      }
      return Math.round((green * 100) / count)
    }
    const deploy = await demo.step('deploy v2 to the idle (stopped) green service', 'deploy', { service: sides.green, image: image('v2') })
    demo.record(
      'deploy v2 to green',
      'tag set, green idle',
      `exit ${deploy.code}`,
      deploy.code === 0 && deploy.outputs.image === image('v2'),
    )
    for (const percentage of ['25', '50']) {
      const shift = await demo.step(`shift ${percentage}% to green: green gets ${percentage === '25' ? 1 : 2} of 4 instances`, 'traffic', {
        ...sides,
        percentage,
      })
      const share = await greenShare(400)
      console.log(`    measured over 400 requests through ${domain}: green ${share}%`)
      demo.record(
        `shift ${percentage}% to green`,
        `green ${percentage}%`,
        `green ${share}%`,
        shift.code === 0 && share === Number(percentage),
      )
    }
    const promote = await demo.step('promote: green gets every instance, blue stops', 'traffic', { ...sides, command: 'promote' })
    const all = await greenShare(200)
    demo.record('promote green', 'green 100%', `green ${all}%, ${promote.outputs.phase ?? '-'}`, promote.code === 0 && all === 100)
    await demo.control('/images', { image: image('v3'), failing: true })
    const broken = await demo.step('deploy a broken v3 to green: it fails with its log lines and v2 is put back', 'deploy', {
      service: sides.green,
      image: image('v3'),
    })
    const shown = errorLines(broken).join('\n').includes('panic: open /etc/app/config.yml')
    demo.record(
      'broken v3',
      'fails with logs, back to v2',
      `exit ${broken.code}, ${shown ? 'log shown' : 'no log'}, runs ${broken.outputs.image?.split(':').pop() ?? '-'}`,
      broken.code === 1 && shown && broken.outputs.image === image('v2'),
    )
    const auto = await demo.step('hand scaling to the platform: 2 to 6 instances by CPU', 'scale', {
      service: sides.green,
      autoscaling: 'on',
      'min-replicas': '2',
      'max-replicas': '6',
    })
    demo.record('autoscaling on', '2-6', auto.outputs.autoscaling ?? '-', auto.code === 0 && auto.outputs.autoscaling === '2-6')
  },
}
