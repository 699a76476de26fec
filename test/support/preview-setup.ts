import { afterAll, beforeAll, beforeEach, expect } from 'vitest'
import { ALAUDA_TOKEN } from './emulator.js'
import type { FakeGitHub } from './github-server.js'
import type { emulatorSuite } from './steps.js'

export const V1 = 'registry.example.com/shop:pr-sha1'
export const V2 = 'registry.example.com/shop:pr-sha2'

/** action-preview's inputs for Alauda previews (`shop-pr-{pr}` in the project team) at `apiUrl`, with `extra`. */
export function alaudaPreviewInputs(apiUrl: string, extra: Record<string, string>): Record<string, string> {
  return { platform: 'alauda', 'api-url': apiUrl, token: ALAUDA_TOKEN, project: 'team', 'service-template': 'shop-pr-{pr}', ...extra }
}

/**
 * What the action-preview e2e files share: the fake GitHub's token among the secrets to look for,
 * GitHub and the emulator reset before each test (Alauda's instances start in 30 ms), and the
 * helpers for Alauda's previews.
 */
export function previewSetup(suite: ReturnType<typeof emulatorSuite>, github: FakeGitHub) {
  beforeAll(() => {
    suite.steps.secrets.add(github.token)
  })
  afterAll(() => github.close())
  beforeEach(async () => {
    github.reset()
    await suite.emulator.control('POST', '/reset')
    await suite.emulator.control('POST', '/alauda/timing', { instanceMs: 30 })
  })

  const alauda = (extra: Record<string, string>) =>
    alaudaPreviewInputs(suite.emulator.url('alauda'), { 'github-token': github.token, ...extra })

  async function alaudaServices(): Promise<{ service_name: string; image_tag: string }[]> {
    return ((await suite.emulator.control('GET', '/state')) as { alauda: { services: { service_name: string; image_tag: string }[] } })
      .alauda.services
  }

  /** Previews up for `prs`, their PRs closed: the services, in the order the sweep takes them (from its dry run). */
  async function closedPreviews(prs: number[]): Promise<string[]> {
    for (const pr of prs) {
      const up = await suite.steps.run('preview', alauda({ command: 'up', pr: String(pr), image: V1, 'create-spec': '{}' }), {
        env: github.env(),
      })
      expect(up.code, up.stdout).toBe(0)
    }
    for (const pr of prs) github.pulls.set(pr, 'closed')
    const planned = await suite.steps.run('preview', alauda({ command: 'sweep', 'dry-run': 'true' }), { env: github.env() })
    return (JSON.parse(planned.outputs.plan ?? '') as { writes: { operation: string; target: string }[] }).writes
      .filter((write) => write.operation === 'remove')
      .map((write) => write.target)
  }

  return { alauda, alaudaServices, closedPreviews }
}
