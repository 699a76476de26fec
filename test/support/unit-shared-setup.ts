import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, expect, vi } from 'vitest'
import { underTheRunner } from '../../src/shared/report/commands.js'

// The unit files of the `unit` project share a worker's modules (no isolation): each must leave
// the process as it found it. A setup file runs for each file, so this checks every one of them.
let file = ''
let env: NodeJS.ProcessEnv = {}
let writes: unknown[] = []

beforeAll(() => {
  file = expect.getState().testPath ?? ''
  env = { ...process.env }
  writes = [process.stdout.write, process.stderr.write]
  // a module mock would stay in the shared registry for the files after it: such a file goes in
  // ISOLATED_UNIT_FILES (vitest.config.ts)
  expect(readFileSync(file, 'utf8'), `${file} mocks a module: list it in ISOLATED_UNIT_FILES`).not.toMatch(/\bvi\.(mock|doMock)\(/)
})

afterAll(() => {
  // names only: the values may be the machine's secrets
  const changed = [...new Set([...Object.keys(env), ...Object.keys(process.env)])].filter((name) => env[name] !== process.env[name])
  expect(changed, `${file} left these process.env variables changed`).toEqual([])
  expect(vi.isFakeTimers(), `${file} left the clock faked`).toBe(false)
  expect(underTheRunner(), `${file} left the workflow commands off`).toBe(true)
  expect([process.stdout.write, process.stderr.write], `${file} left process.stdout/stderr.write replaced`).toEqual(writes)
})
