import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type BadInputSet, badInputSets } from '../support/bad-inputs.js'
import { errorLines, runAction } from '../support/runner.js'

/** A server that answers every request and remembers it: no bad input may reach it. */
let server: Server
const requests: string[] = []
let base = ''

beforeAll(async () => {
  server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`)
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
})

const SAMPLE = 300
const AT_ONCE = 3

/** A fixed sample, so that a failure can be run again; environment variables cannot hold a NUL. */
function sample(): BadInputSet[] {
  return fc
    .sample(badInputSets(`${base}/api`), { numRuns: SAMPLE * 2, seed: 13 })
    .filter((set) => !Object.values(set.inputs).some((value) => value.includes('\u0000')))
    .slice(0, SAMPLE)
}

describe('a sample of generated bad input sets, through the committed bundles', () => {
  it(`fails each of ${SAMPLE} on one ::error:: line naming the input, with exit code 1, before any request`, async () => {
    const sets = sample()
    expect(sets).toHaveLength(SAMPLE)
    const failures: string[] = []
    for (let next = 0; next < sets.length; next += AT_ONCE) {
      await Promise.all(
        sets.slice(next, next + AT_ONCE).map(async (set) => {
          // GitHub's API is the recording server too: a deployment recorded would be a request
          const run = await runAction(set.action, set.inputs, { env: { GITHUB_API_URL: base, GITHUB_REPOSITORY: 'org/repo' } })
          const lines = run.stdout.split('\n').filter((line) => line !== '' && !line.startsWith('::add-mask::'))
          const errors = errorLines(run)
          const ok =
            run.code === 1 &&
            run.stderr === '' &&
            lines.length === 1 &&
            errors.length === 1 &&
            errors[0]?.includes(`"${set.input}"`) === true &&
            !/[\n\r]/.test(errors[0] ?? '') &&
            (errors[0]?.length ?? 0) < 600
          if (!ok)
            failures.push(
              `${set.action} on ${set.platform}, ${set.input}: code ${run.code}, ${JSON.stringify(run.stdout + run.stderr).slice(0, 300)}`,
            )
        }),
      )
    }
    expect(failures, failures.join('\n')).toEqual([])
    expect(requests).toEqual([])
  }, 600_000)
})
