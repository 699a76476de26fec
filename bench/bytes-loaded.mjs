// Bytes of bundle code one run loads, per platform, without and with a github-token (the
// runner's default, which loads Octokit's chunk): the entry and the chunks the run really loaded
// (bench/support/probed-runs.mjs says how they are found). Beside it, each bundle's size on disk
// (entry and every chunk), for reference.
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from './support/node24.mjs'
import { PLATFORM_NAMES } from './support/platforms.mjs'
import { probedRuns } from './support/probed-runs.mjs'

const LOADED_TARGET_KB = 400
const ACTIONS = ['deploy', 'scale', 'traffic', 'rollback', 'preview']
const kb = (bytes) => bytes / 1024

function onDisk(action) {
  const dir = join(ROOT, 'dist', action)
  return readdirSync(dir)
    .filter((file) => file.endsWith('.js'))
    .reduce((sum, file) => sum + statSync(join(dir, file)).size, 0)
}

export async function measure(context) {
  const runs = await probedRuns(context)
  return [
    ...PLATFORM_NAMES.map((name) => {
      const [plain, token] = [runs[name], runs[`${name} token`]]
      return {
        figure: `bytes loaded by a run: deploy, ${name} (no token / github-token)`,
        value: `${kb(plain.bytes).toFixed(0)} KB in ${plain.files} files / ${kb(token.bytes).toFixed(0)} KB in ${token.files}`,
        target: `≤ ${LOADED_TARGET_KB} KB`,
        ok: kb(Math.max(plain.bytes, token.bytes)) <= LOADED_TARGET_KB,
      }
    }),
    {
      figure: 'bundle on disk, entry and every chunk (for reference)',
      value: ACTIONS.map((action) => `${action} ${kb(onDisk(action)).toFixed(0)} KB`).join(', '),
      target: '',
    },
  ]
}
