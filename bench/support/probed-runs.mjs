// One deploy per platform (a 1 s operation), without and with a github-token, each run probed:
//
// - what it loads: test/support/load-log.mjs, preloaded with --import, registers a module.registerHooks
//   `load` hook (Node 24's in-thread hooks) that appends the URL of every module Node's loader
//   loads to LOAD_LOG. ncc's ESM output loads each chunk with import("./<id>.index.js") (from
//   __nccwpck_require__.e), and the hook sees import() and require() alike, so the files under
//   dist/deploy/ in that log are exactly the entry and the chunks the run loaded; counting
//   require.cache would miss ES modules, and reading the bundle for chunk ids would count chunks
//   a run may load, not the ones it did;
// - its peak RSS: test/support/max-rss.mjs runs the bundle (BUNDLE) and writes
//   process.resourceUsage().maxRSS (KB) to RSS_FILE when the process exits.
//
// The runs are shared by memory.mjs and bytes-loaded.mjs (made once when both run).
import { readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { startGitHub } from './github.mjs'
import { ROOT } from './node24.mjs'
import { PLATFORM_NAMES, deployInputs, prepare } from './platforms.mjs'
import { failure, runAction } from './run-action.mjs'

let made

export function probedRuns(context) {
  made ??= probe(context)
  return made
}

async function probe({ emulator, certificate }) {
  const github = await startGitHub(certificate)
  const results = {}
  try {
    for (const name of PLATFORM_NAMES) {
      for (const withToken of [false, true]) {
        const log = join(tmpdir(), `bench-load-${process.pid}`)
        const rss = join(tmpdir(), `bench-rss-${process.pid}`)
        await emulator.control('POST', '/reset')
        await prepare(emulator, name, 1000)
        const run = await runAction(
          'deploy',
          { ...deployInputs(emulator, name), ...(withToken && github.inputs) },
          {
            env: { NODE_EXTRA_CA_CERTS: certificate.file, LOAD_LOG: log, RSS_FILE: rss, ...(withToken && github.env) },
            nodeArgs: [`--import=${pathToFileURL(join(ROOT, 'test/support/load-log.mjs')).href}`],
            entry: join(ROOT, 'test/support/max-rss.mjs'),
          },
        )
        if (run.code !== 0) throw new Error(`the probed deploy on ${name} failed: ${failure(run)}`)
        const files = new Set(
          readFileSync(log, 'utf8')
            .split('\n')
            .filter((url) => url.startsWith('file:'))
            .map((url) => fileURLToPath(url))
            .filter((file) => file.startsWith(join(ROOT, 'dist', 'deploy'))),
        )
        results[`${name}${withToken ? ' token' : ''}`] = {
          bytes: [...files].reduce((sum, file) => sum + statSync(file).size, 0),
          files: files.size,
          rssKB: Number(readFileSync(rss, 'utf8')),
        }
        rmSync(log, { force: true })
        rmSync(rss, { force: true })
      }
    }
  } finally {
    await github.close()
  }
  return results
}
