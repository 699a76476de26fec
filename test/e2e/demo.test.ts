import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { ROOT } from '../support/runner.js'

/** `npm run demo`, with `--platform <name>` when given, as a user runs it. */
function runDemo(platform?: string) {
  const args = platform ? ['--platform', platform] : []
  return spawnSync(process.execPath, [join(ROOT, 'dist/demo/index.js'), ...args], { encoding: 'utf8', timeout: 120_000 })
}

it('npm run demo runs a blue/green release, a rolled-back failure, a promoted canary and an aborted one', () => {
  const demo = runDemo()
  expect(demo.status, demo.stdout + demo.stderr).toBe(0)
  expect(demo.stdout).toMatch(/✔ shift 10% to green\s+green 10% ±3\s+green (7|8|9|10|11|12|13)%/)
  expect(demo.stdout).toMatch(/✔ broken v3 to blue\s+fails, rolled back to v1/)
  expect(demo.stdout).toMatch(/✔ canary v4, promoted\s+blue 10 → 50 → 100%\s+10 → 50 → 100%, promoted/)
  expect(demo.stdout).toMatch(/✔ canary v5, aborted at its gate\s+green 10 → 50 → 0%, exit 1\s+10 → 50 → 0%, aborted, exit 1/)
  // the gate probes the candidate at its own URL with the health path below the router's, not one URL appended to another
  expect(demo.stdout).toMatch(/gate: http:\/\/127\.0\.0\.1:\d+\/jelastic\/env\/shop-green\/health answered badly/)
  expect(demo.stdout).not.toMatch(/\/env\/shop-(blue|green)\/jelastic\//)
  expect(demo.stdout).not.toContain('✘')
  expect(demo.stdout).toContain('The release went as it should.')
  // the demo signs in with a password: it must never reach the log
  expect(demo.stdout).not.toContain('demo-password')
})

it('npm run demo -- --platform servicestage runs the story with a gray release and the platform rollback', () => {
  const demo = runDemo('servicestage')
  expect(demo.status, demo.stdout + demo.stderr).toBe(0)
  expect(demo.stdout).toMatch(/✔ gray release of v2\s+v2 10% ±3/)
  expect(demo.stdout).toMatch(/✔ promote\s+v2 100%\s+v2 100%, promoted/)
  expect(demo.stdout).toMatch(/✔ broken v3\s+fails, rolled back to v2/)
  expect(demo.stdout).not.toContain('✘')
  expect(demo.stdout).not.toContain('servicestage-demo-token')
})

it('npm run demo -- --platform alauda splits one domain by instances, shows a broken version its logs and rolls it back', () => {
  const demo = runDemo('alauda')
  expect(demo.status, demo.stdout + demo.stderr).toBe(0)
  expect(demo.stdout).toMatch(/✔ shift 25% to green\s+green 25%\s+green 25%/)
  expect(demo.stdout).toMatch(/✔ promote green\s+green 100%/)
  expect(demo.stdout).toMatch(/✔ broken v3\s+fails with logs, back to v2/)
  expect(demo.stdout).toMatch(/✔ autoscaling on\s+2-6/)
  expect(demo.stdout).not.toContain('✘')
  expect(demo.stdout).not.toContain('alauda-demo-password')
})

it('npm run demo -- --platform netease builds from source behind a domain split, goes back from a failed build, updates a microservice', () => {
  const demo = runDemo('netease')
  expect(demo.status, demo.stdout + demo.stderr).toBe(0)
  expect(demo.stdout).toMatch(/✔ shift 50% to green\s+green 50%\s+green 50%/)
  expect(demo.stdout).toMatch(/✔ broken v3\s+fails, back to source@v2/)
  expect(demo.stdout).toMatch(/✔ microservice api/)
  expect(demo.stdout).not.toContain('✘')
  expect(demo.stdout).not.toContain('netease-demo-secret')
})

it('npm run demo -- --platform rancher upgrades in place, flips the load balancer, rolls back a broken upgrade, scales by webhook', () => {
  const demo = runDemo('rancher')
  expect(demo.status, demo.stdout + demo.stderr).toBe(0)
  expect(demo.stdout).toMatch(/✔ flip to green\s+green 100%\s+green 100%/)
  expect(demo.stdout).toMatch(/✔ broken v3\s+fails, rolled back to v2/)
  expect(demo.stdout).toMatch(/✔ scale by webhook\s+3 containers/)
  expect(demo.stdout).not.toContain('✘')
  expect(demo.stdout).not.toContain('rancher-demo-secret')
})
