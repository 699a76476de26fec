import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PLATFORM_NAMES } from '../../src/shared/platforms/terms.js'
import { ACTIONS, type BadInputSet, badInputSet, checkedInputs } from '../support/bad-inputs.js'
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

const AT_ONCE = 3

/**
 * Every input of every action once, on the platforms in turn, with a generated bad value: the
 * bundles are wired to every input's check. The values themselves are the unit property test's
 * (thousands through the input layer). A fixed seed, so that a failure can be run again;
 * environment variables cannot hold a NUL.
 */
function everyInput(): BadInputSet[] {
  // one seed per set, counted across the actions: an input the actions share gets a different value in each
  let seed = 13
  return ACTIONS.flatMap((action, a) =>
    checkedInputs(action).map((input, i) => {
      const platform = PLATFORM_NAMES[(a + i) % PLATFORM_NAMES.length] ?? 'jelastic'
      const sets = badInputSet(action, platform, input, `${base}/api`).filter(
        (set) => !Object.values(set.inputs).some((value) => value.includes('\u0000')),
      )
      const [set] = fc.sample(sets, { numRuns: 1, seed: seed++ })
      if (set === undefined) throw new Error(`no bad value for ${action}:${input}`)
      return set
    }),
  )
}

describe('a bad value for every input of every action, through the committed bundles', () => {
  it('fails each on one ::error:: line naming the input, with exit code 1, before any request', async () => {
    const sets = everyInput()
    expect(new Set(sets.map((set) => `${set.action}:${set.input}`)).size).toBe(ACTIONS.flatMap(checkedInputs).length)
    expect(new Set(sets.map((set) => set.platform))).toEqual(new Set(PLATFORM_NAMES))
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
