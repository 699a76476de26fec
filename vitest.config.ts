import { defineConfig } from 'vitest/config'
import { LongestFirst } from './test/sequencer.js'

// unit files that mock a module (vi.mock): they run each in a fresh process
const ISOLATED_UNIT_FILES = ['test/unit/execute-close.test.ts']

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // the e2e files mostly wait on the emulator and the bundles they spawn, not on the 2 cores:
    // vitest's default (one worker per core but one) would run them one after another. Measured
    // (2026-12-07, 2 cores): 6 workers 207 s with 1.5 cores busy, 10 workers 167-175 s with 1.9,
    // 12 176 s, 14 183 s (the cores saturated, the files' own waits stretched)
    maxWorkers: 10,
    sequence: { sequencer: LongestFirst },
    // @actions/workflow-parser imports JSON without import attributes: vitest must inline it
    server: { deps: { inline: ['@actions/workflow-parser'] } },
    projects: [
      // the unit files share a worker's modules, one after another (7 s less CPU than a process
      // each); the setup file fails a file that leaves process.env, the clock, the workflow
      // commands or stdout changed, or that mocks a module, which must run isolated
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          exclude: ISOLATED_UNIT_FILES,
          isolate: false,
          setupFiles: ['test/support/unit-shared-setup.ts'],
        },
      },
      { extends: true, test: { name: 'unit-isolated', include: ISOLATED_UNIT_FILES } },
      // the e2e files touch no global of the worker (they spawn the bundles, the emulator, the
      // servers): a worker runs them one after another without loading its modules again (the
      // GitHub OpenAPI description is 13 MB), which saved 54 s of CPU and 22 s of the suite
      {
        extends: true,
        test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], isolate: false, setupFiles: ['test/support/e2e-setup.ts'] },
      },
    ],
  },
})
