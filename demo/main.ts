import { parseArgs } from 'node:util'
import { startEmulator } from '../emulator/server.js'
import { Demo } from './demo.js'
import { type DemoPlatform, DEMOS } from './stories/index.js'

/**
 * `npm run demo`: a whole blue/green release on the bundled emulator, with the committed action
 * bundles run as the GitHub runner runs them, then a broken release that is rolled back, and
 * canaries behind a health gate (demo/stories/, one module a story). `--platform` picks another
 * platform's stories. Prints what happened and exits non-zero when anything did not behave as it should.
 */
let platform: string | undefined
try {
  platform = parseArgs({ options: { platform: { type: 'string', default: 'jelastic' } } }).values.platform
} catch (error) {
  console.error(`${(error as Error).message}; usage: demo [--platform ${Object.keys(DEMOS).join('|')}]`)
  process.exit(1)
}
if (!Object.hasOwn(DEMOS, platform as string)) {
  console.error(`--platform has the value "${platform}"; the demo runs on: ${Object.keys(DEMOS).join(', ')}.`)
  process.exit(1)
}
const chosen = DEMOS[platform as DemoPlatform]

const emulator = await startEmulator(0)
const demo = new Demo(emulator, chosen.credentials(emulator))
try {
  for (const story of chosen.stories) await story.run(demo)
} finally {
  await emulator.close()
}

console.log('\n  step                            expected                   got')
for (const row of demo.rows) console.log(`${row.ok ? '✔' : '✘'} ${row.step.padEnd(31)} ${row.expected.padEnd(26)} ${row.got}`)
const failed = demo.rows.filter((row) => !row.ok).length
console.log(failed === 0 ? '\nThe release went as it should.' : `\n${failed} step(s) did not behave as they should.`)
process.exitCode = failed === 0 ? 0 : 1
