import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { readEmulatorInputs } from '../../src/shared/inputs/emulator.js'
import { ROOT } from '../support/runner.js'

const env = (inputs: Record<string, string>) => Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]))

describe('action-emulator inputs', () => {
  it('reads exactly the inputs its action.yml declares', () => {
    const meta = parse(readFileSync(join(ROOT, 'action-emulator', 'action.yml'), 'utf8')) as { inputs: Record<string, unknown> }
    const read = new Set<string>()
    const spy = new Proxy(env({}), {
      get(target, key: string) {
        if (key.startsWith('INPUT_')) read.add(key.slice(6).toLowerCase())
        return target[key]
      },
    })
    readEmulatorInputs(spy)
    expect([...read].sort()).toEqual(Object.keys(meta.inputs).sort())
  })

  it('turns the seed into control calls in order, one per body', () => {
    const inputs = readEmulatorInputs(
      env({ seed: '{"alauda/services": [{"name": "a"}, {"name": "b"}], "images": {"image": "x:1", "unhealthy": true}}' }),
    )
    expect(inputs).toEqual({
      port: 0,
      readyTimeoutMs: 30_000,
      seed: [
        { route: 'alauda/services', body: { name: 'a' } },
        { route: 'alauda/services', body: { name: 'b' } },
        { route: 'images', body: { image: 'x:1', unhealthy: true } },
      ],
    })
  })

  it('names the input, the value and what is allowed', () => {
    expect(() => readEmulatorInputs(env({ seed: '{"alauda/servces": {}}' }))).toThrow(
      /^Input "seed" has the value "alauda\/servces"; allowed: one of the emulator's seed routes: jelastic\/environments, /,
    )
    expect(() => readEmulatorInputs(env({ seed: '{"images": [1]}' }))).toThrow(
      /Input "seed" has the value "1"; allowed: for "images", a JSON object/,
    )
    expect(() => readEmulatorInputs(env({ seed: '[]' }))).toThrow(
      /^Input "seed" is JSON of type array, not an object, its text not shown .*; allowed: a JSON object/,
    )
    expect(() => readEmulatorInputs(env({ port: '70000' }))).toThrow(
      /Input "port" has the value "70000"; allowed: a whole number from 0 to 65535/,
    )
  })
})
