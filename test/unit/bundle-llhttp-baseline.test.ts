import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
// @ts-expect-error the build script is plain JavaScript, without types
import { llhttpOnBaseline, WASM_TIERING_BUDGET_DEFAULT } from '../../scripts/bundle.mjs'
import { nodeForBundles } from '../support/node24.js'

const change = llhttpOnBaseline as (name: string, file: string, source: string) => string
const CLIENT = "throw new InvalidArgumentError('allowH2 must be a valid boolean value')"
const COMPILE = 'mod = await WebAssembly.compile(__nccwpck_require__(3434))'

describe("the build's llhttp compile on baseline code (scripts/bundle.mjs)", () => {
  it("compiles undici's SIMD llhttp at once with the largest budget, then puts the budget back", () => {
    const changed = change('dist/x', '99.index.js', `${CLIENT}\ntry {\n  ${COMPILE}\n} catch (e) {}`)
    // on Node 24 only, whose default budget is put back; elsewhere undici's own compile
    expect(changed).toContain(
      "mod = process.versions.node.split('.')[0] !== '24' ? await WebAssembly.compile(__nccwpck_require__(3434)) : (() => {",
    )
    expect(changed).toContain('new WebAssembly.Module(__nccwpck_require__(3434))')
    const set = changed.indexOf("'--wasm-tiering-budget=2147483647'")
    const compile = changed.indexOf('new WebAssembly.Module')
    const back = changed.indexOf(`'--wasm-tiering-budget=${WASM_TIERING_BUDGET_DEFAULT}'`)
    expect(set).toBeGreaterThan(-1)
    expect(compile).toBeGreaterThan(set)
    expect(back).toBeGreaterThan(compile)
    expect(changed.slice(compile, back)).toContain('finally')
  })

  it('leaves a chunk without undici as it is, and fails the build when undici no longer has the compile once', () => {
    expect(change('dist/x', '7.index.js', 'export const id=7')).toBe('export const id=7')
    expect(() => change('dist/x', '99.index.js', CLIENT)).toThrow("dist/x/99.index.js: undici's llhttp compile was found 0 times, not once")
    expect(() => change('dist/x', '99.index.js', `${CLIENT}\n${COMPILE}\n${COMPILE}`)).toThrow('found 2 times')
  })

  it("puts back Node 24's own default budget, so that the flags' hash is the one Node's code cache was made with", () => {
    const options = execFileSync(nodeForBundles(), ['--v8-options'], { encoding: 'utf8' })
    const declared = options.match(/--wasm-tiering-budget \(.*\)\n\s+type: int\s+default: --wasm-tiering-budget=(\d+)/)
    expect(declared?.[1]).toBe(String(WASM_TIERING_BUDGET_DEFAULT))
  })
})
