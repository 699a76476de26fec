import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { readDeployInputs } from '../../src/shared/inputs/deploy.js'
import { readRollbackInputs } from '../../src/shared/inputs/rollback.js'
import { readScaleInputs } from '../../src/shared/inputs/scale.js'
import { readTrafficInputs } from '../../src/shared/inputs/traffic.js'
import { InputError } from '../../src/shared/inputs/input-error.js'
import { readPreviewInputs } from '../../src/shared/inputs/preview.js'
import { type ActionName, badInputSets, inputsWithoutCases } from '../support/bad-inputs.js'

const READERS: Record<ActionName, (env: NodeJS.ProcessEnv) => unknown> = {
  deploy: readDeployInputs,
  scale: readScaleInputs,
  traffic: readTrafficInputs,
  rollback: readRollbackInputs,
  preview: readPreviewInputs,
}

function env(inputs: Record<string, string>): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.replace(/ /g, '_').toUpperCase()}`, value]))
}

/** What the input layer writes while reading: only the masks of the secrets it was given. */
let written: string[] = []
beforeEach(() => {
  written = []
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => written.push(String(chunk)) > 0)
})
afterEach(() => {
  vi.restoreAllMocks()
})

describe('every input of every action, on every platform, refuses bad values', () => {
  it('has bad values for every input the actions declare, secrets aside', () => {
    expect(inputsWithoutCases()).toEqual([])
  })

  it('fails with one short line that names the input, and writes nothing but masks', () => {
    fc.assert(
      fc.property(badInputSets('http://127.0.0.1:9/jelastic'), ({ action, input, inputs }) => {
        let caught: unknown
        try {
          READERS[action](env(inputs))
        } catch (error) {
          caught = error
        }
        expect(caught, `${action} with ${input} = ${JSON.stringify(inputs[input]?.slice(0, 100))}`).toBeInstanceOf(InputError)
        const message = (caught as InputError).message
        expect(message).toContain(`"${input}"`)
        expect(message).not.toMatch(/[\n\r\u2028\u2029]/)
        expect(message).not.toMatch(/\bat .+:\d+:\d+/)
        expect(message.length).toBeLessThan(600)
        expect(written.filter((line) => !line.startsWith('::add-mask::'))).toEqual([])
      }),
      { numRuns: 5_000 },
    )
  })
})
